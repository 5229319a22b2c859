import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePathSegments, FileGrants, isInside } from './pathGuard';

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

describe('FileGrants', () => {
  let tmp: string;
  const grants = new FileGrants();
  /** No other process granted anything: only this process's grants count. */
  const noneRecorded = async () => null;
  let granted: string;
  let linkGrant: string;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'quorum-guard-'));
    await mkdir(path.join(tmp, 'root', 'sub'), { recursive: true });
    await writeFile(path.join(tmp, 'root', 'a.nii'), 'inside');
    await writeFile(path.join(tmp, 'root', 'beside.nii'), 'beside');
    await writeFile(path.join(tmp, 'outside.txt'), 'outside');
    granted = grants.grant('token-a', path.join(tmp, 'root', 'a.nii')).urlPath;
    linkGrant = grants.grant('token-a', path.join(tmp, 'root', 'escape.txt')).urlPath;
  });

  afterAll(() => rm(tmp, { recursive: true, force: true }));

  it('serves the granted file to its live session', async () => {
    const result = await grants.resolveFileUrlPath(granted, noneRecorded);
    expect(result.ok && path.basename(result.value)).toBe('a.nii');
  });

  it('gives different keys to different sessions for the same file', () => {
    expect(grants.grant('token-b', path.join(tmp, 'root', 'a.nii')).urlPath).not.toBe(granted);
  });

  it('refuses a file beside the granted one, below its folder, an unknown key and a bare key', async () => {
    const key = granted.split('/')[0];
    for (const raw of [`${key}/beside.nii`, `${key}/sub/a.nii`, `${key}/a.nii/x`, 'ffffffffffffffffffffffffffffffff/a.nii', key]) {
      const result = await grants.resolveFileUrlPath(raw, noneRecorded);
      expect({ raw, code: !result.ok && result.error.code }).toEqual({ raw, code: 'forbidden-path' });
    }
  });

  it('refuses a granted name that became a symlink out of its folder', async () => {
    await symlink(path.join(tmp, 'outside.txt'), path.join(tmp, 'root', 'escape.txt'));
    const result = await grants.resolveFileUrlPath(linkGrant, noneRecorded);
    expect(!result.ok && result.error.code).toBe('forbidden-path');
  });
});
