/**
 * Model members are hashed once per change of the file (issue 15): the listing verifies a folder,
 * and a native run's load and the model route (what the renderer's worker loads) reuse that
 * verification while the folder's fingerprint holds; a changed member is hashed again, once.
 */
import { cp, mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createModelsService } from './models';

const hashed = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../src-shared/inference/sha256', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src-shared/inference/sha256')>();
  return {
    ...original,
    sha256Hex: (data: Uint8Array) => {
      hashed.count++;
      return original.sha256Hex(data);
    },
  };
});

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const demoDir = path.join(repoRoot, 'models', 'demo-dwi-lesion');

let tmp: string;
let bundledDir: string;
let userDir: string;
let members: string[];

beforeEach(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'quorum-model-hash-'));
  bundledDir = path.join(tmp, 'bundled');
  userDir = path.join(tmp, 'models');
  await mkdir(bundledDir);
  await cp(demoDir, path.join(userDir, 'demo'), { recursive: true });
  const manifest = JSON.parse(await readFile(path.join(demoDir, 'model.json'), 'utf8')) as { members: Array<{ file: string }> };
  members = manifest.members.map((m) => m.file);
  hashed.count = 0;
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('model member hashes', () => {
  it('are computed by the listing only; a native load and serving the members to the worker hash nothing more', async () => {
    const service = createModelsService({ bundledDir, userDir });
    const listed = await service.list();
    expect(listed.models.map((m) => [m.key, m.error])).toEqual([['user/demo', null]]);
    expect(hashed.count).toBe(members.length);
    const loaded = await service.load('user/demo');
    expect(loaded.ok && loaded.value.members.map((m) => m.file)).toEqual(members);
    for (const file of members) expect((await service.readFile(`user/demo/${file}`)).ok).toBe(true);
    expect(hashed.count).toBe(members.length);
  });

  it('a load with no listing before verifies once, and a changed member is verified again, once', async () => {
    const service = createModelsService({ bundledDir, userDir });
    expect((await service.load('user/demo')).ok).toBe(true);
    expect((await service.load('user/demo')).ok).toBe(true);
    expect(hashed.count).toBe(members.length);
    // Corrupt a member, keeping its size; its mtime moves, so the folder is verified again and refused.
    const member = path.join(userDir, 'demo', members[0]);
    const bytes = await readFile(member);
    bytes[bytes.length - 1] ^= 0xff;
    await writeFile(member, bytes);
    await utimes(member, new Date(), new Date(Date.now() + 5000));
    const refused = await service.load('user/demo');
    expect(refused.ok ? null : refused.error.message).toMatch(/does not match its sha256/);
    const served = await service.readFile(`user/demo/${members[0]}`);
    expect(served.ok ? null : served.error.message).toMatch(/does not match its sha256/);
    // The mismatch is found at the first member: one more hash, and none for the refused read.
    expect(hashed.count).toBe(members.length + 1);
  });
});
