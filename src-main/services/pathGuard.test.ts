import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePathSegments, isInside, PathGuard } from './pathGuard';

describe('decodePathSegments', () => {
  it('decodes ordinary segments', () => {
    expect(decodePathSegments('a/b%20c/d.nii.gz')).toEqual({ ok: true, value: ['a', 'b c', 'd.nii.gz'] });
  });

  it.each(['..', 'a/../b', '%2e%2e/x', '%2E%2E', 'a/%2fetc', 'a/..%5cb', 'a//b', '/etc/passwd', 'a/.', 'a/%00b', ''])(
    'refuses %s as forbidden-path',
    (raw) => {
      const result = decodePathSegments(raw);
      expect(result.ok).toBe(false);
      expect(!result.ok && result.error.code).toBe('forbidden-path');
    },
  );

  it('refuses malformed percent-encoding as bad-request', () => {
    const result = decodePathSegments('a/%E0%A4%A');
    expect(!result.ok && result.error.code).toBe('bad-request');
  });
});

describe('isInside', () => {
  it('accepts the root and paths below it, not siblings sharing a prefix', () => {
    expect(isInside('/data/root', '/data/root')).toBe(true);
    expect(isInside('/data/root', '/data/root/a/b')).toBe(true);
    expect(isInside('/data/root', '/data/root2/a')).toBe(false);
    expect(isInside('/data/root', '/data')).toBe(false);
    expect(isInside('/data/root', '/data/root/../x')).toBe(false);
  });
});

describe('PathGuard', () => {
  let tmp: string;
  const guard = new PathGuard();
  let rootId: string;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'quorum-guard-'));
    await mkdir(path.join(tmp, 'root', 'sub'), { recursive: true });
    await writeFile(path.join(tmp, 'root', 'sub', 'a.nii'), 'inside');
    await writeFile(path.join(tmp, 'outside.txt'), 'outside');
    await symlink(path.join(tmp, 'outside.txt'), path.join(tmp, 'root', 'escape.txt'));
    await symlink(path.join(tmp, 'root', 'sub', 'a.nii'), path.join(tmp, 'root', 'alias.nii'));
    ({ rootId } = await guard.addRoot(path.join(tmp, 'root')));
  });

  afterAll(() => rm(tmp, { recursive: true, force: true }));

  it('gives the same id to the same folder', async () => {
    expect((await guard.addRoot(path.join(tmp, 'root', 'sub', '..'))).rootId).toBe(rootId);
  });

  it('resolves a file inside the root', async () => {
    const result = await guard.resolveFileUrlPath(`${rootId}/sub/a.nii`);
    expect(result.ok && path.basename(result.value)).toBe('a.nii');
  });

  it('follows a symlink that stays inside the root', async () => {
    expect((await guard.resolveFileUrlPath(`${rootId}/alias.nii`)).ok).toBe(true);
  });

  it('refuses a symlink pointing out of the root', async () => {
    const result = await guard.resolveFileUrlPath(`${rootId}/escape.txt`);
    expect(!result.ok && result.error.code).toBe('forbidden-path');
  });

  it('refuses an unknown root id and a bare root', async () => {
    expect(!(await guard.resolveFileUrlPath('ffffffffffffffff/sub/a.nii')).ok).toBe(true);
    const bare = await guard.resolveFileUrlPath(rootId);
    expect(!bare.ok && bare.error.code).toBe('forbidden-path');
  });

  it('answers not-found for a missing file and for a folder', async () => {
    const missing = await guard.resolveFileUrlPath(`${rootId}/nope.nii`);
    expect(!missing.ok && missing.error.code).toBe('not-found');
    const folder = await guard.resolveFileUrlPath(`${rootId}/sub`);
    expect(!folder.ok && folder.error.code).toBe('not-found');
  });

  it('finds the deepest root containing a path', async () => {
    const inner = await guard.addRoot(path.join(tmp, 'root', 'sub'));
    expect(guard.rootContaining(path.join(inner.realPath, 'a.nii'))?.rootId).toBe(inner.rootId);
    expect(guard.rootContaining(path.join(tmp, 'outside.txt'))).toBeNull();
  });
});
