import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppRoutes, isApiGetRoute } from '../server/appRoutes';
import { createModelsService } from './models';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const bundledDir = path.join(repoRoot, 'models');
const demoDir = path.join(bundledDir, 'demo-dwi-lesion');

let tmp: string;
let userDir: string;

beforeEach(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'quorum-models-'));
  userDir = path.join(tmp, 'models');
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('models service', () => {
  it('lists the bundled demo ensemble with its manifest, its files and the WebGPU verdict; skips folders without model.json', async () => {
    const listing = await createModelsService({ bundledDir, userDir }).list();
    expect(listing.userDir).toBe(userDir);
    // models/train has no model.json; the multi-class CT demo (issue 14) sorts first.
    expect(listing.models.map((m) => m.key)).toEqual(['bundled/demo-ct-core-penumbra', 'bundled/demo-dwi-lesion']);
    const demo = listing.models[1];
    expect(demo.error).toBeNull();
    expect(demo.model?.intendedUse.startsWith('demo model, not for clinical use')).toBe(true);
    // The manifest's channel specs, with what to do when the case lacks one (the list says which cases fit).
    expect(demo.model?.channels.map((c) => [c.id, c.ifMissing])).toEqual([
      ['dwi_b1000', 'error'],
      ['adc', 'computeFromB0'],
    ]);
    expect(demo.model?.memberCount).toBe(3);
    expect(demo.model?.activation).toBe('sigmoid');
    expect(demo.files.map((f) => f.name)).toEqual(['model.json', 'member-0.onnx', 'member-1.onnx', 'member-2.onnx']);
    expect(demo.files[1].url).toBe('api/model/bundled/demo-dwi-lesion/member-0.onnx');
    // Resize + Conv, no ConvTranspose: the demo is meant to run on WebGPU.
    expect(demo.webgpu?.canRun).toBe(true);
    expect(demo.webgpu?.ops.ConvTranspose).toBeUndefined();
    expect(demo.webgpu?.ops.Conv).toBeGreaterThan(0);
  });

  it('creates the user models directory and picks up a folder dropped into it on the next list, without a restart', async () => {
    const service = createModelsService({ bundledDir, userDir });
    expect((await service.list()).models.filter((m) => m.source === 'user')).toEqual([]);
    await cp(demoDir, path.join(userDir, 'my-copy'), { recursive: true });
    const user = (await service.list()).models.filter((m) => m.source === 'user');
    expect(user.map((m) => [m.key, m.error])).toEqual([['user/my-copy', null]]);
  });

  it('lists a broken folder with one clear sentence instead of failing the whole list', async () => {
    const service = createModelsService({ bundledDir, userDir });
    await service.list(); // creates userDir
    await cp(demoDir, path.join(userDir, 'bad-json'), { recursive: true });
    await writeFile(path.join(userDir, 'bad-json', 'model.json'), '{ "schemaVersion": 1, ');
    await cp(demoDir, path.join(userDir, 'missing-member'), { recursive: true });
    await rm(path.join(userDir, 'missing-member', 'member-1.onnx'));
    await cp(demoDir, path.join(userDir, 'wrong-channels'), { recursive: true });
    const manifest = JSON.parse(await readFile(path.join(demoDir, 'model.json'), 'utf8')) as { channels: unknown[] };
    manifest.channels = [{ id: 'dwi_b1000' }];
    await writeFile(path.join(userDir, 'wrong-channels', 'model.json'), JSON.stringify(manifest));

    const byKey = new Map((await service.list()).models.map((m) => [m.key, m]));
    expect(byKey.get('bundled/demo-dwi-lesion')?.error).toBeNull();
    const badJson = byKey.get('user/bad-json');
    expect(badJson?.model).toBeNull();
    expect(badJson?.files).toEqual([]);
    expect(badJson?.error).toMatch(/user model folder "bad-json"\/model\.json is not valid JSON/);
    expect(byKey.get('user/missing-member')?.error).toMatch(/"member-1\.onnx" listed in model\.json is missing/);
    // The demo's ONNX input has 2 channels; the edited manifest lists 1.
    expect(byKey.get('user/wrong-channels')?.error).toMatch(/lists 1 input channel \(dwi_b1000\) but "member-0\.onnx" expects 2/);
  });

  it('validates an unchanged folder once, and again as soon as a member changes (same size, new mtime)', async () => {
    const service = createModelsService({ bundledDir, userDir });
    await cp(demoDir, path.join(userDir, 'cached'), { recursive: true });
    const first = (await service.list()).models.find((m) => m.key === 'user/cached');
    const second = (await service.list()).models.find((m) => m.key === 'user/cached');
    expect(first?.error).toBeNull();
    // The same entry object: nothing was re-read or re-hashed (a fresh validation builds a new one).
    expect(second).toBe(first);
    // Flip one byte of a member, keeping its size: the write moves the mtime, so the folder is re-validated.
    const member = path.join(userDir, 'cached', 'member-2.onnx');
    const bytes = await readFile(member);
    bytes[bytes.length - 1] ^= 0xff;
    await new Promise((r) => setTimeout(r, 5));
    await writeFile(member, bytes);
    const third = (await service.list()).models.find((m) => m.key === 'user/cached');
    expect(third).not.toBe(first);
    expect(third?.error).toMatch(/"member-2.onnx" does not match its sha256 in model.json/);
    // The bundled demo, untouched, is still served from the cache.
    const demoAgain = (await service.list()).models.find((m) => m.key === 'bundled/demo-dwi-lesion');
    expect(demoAgain).toBe((await service.list()).models.find((m) => m.key === 'bundled/demo-dwi-lesion'));
  });

  it('serves a member file byte for byte and refuses other files, other folders and escapes', async () => {
    const service = createModelsService({ bundledDir, userDir });
    const member = await service.readFile('bundled/demo-dwi-lesion/member-0.onnx');
    expect(member.ok).toBe(true);
    if (member.ok) expect(Buffer.from(member.value).equals(await readFile(path.join(demoDir, 'member-0.onnx')))).toBe(true);
    const readme = await service.readFile('bundled/demo-dwi-lesion/README.md');
    expect(readme.ok ? null : readme.error.code).toBe('forbidden-path');
    const escape = await service.readFile('bundled/..%2F..%2Fpackage.json/model.json');
    expect(escape.ok ? null : escape.error.code).toBe('forbidden-path');
    const dotdot = await service.readFile('bundled/../demo/model.json');
    expect(dotdot.ok ? null : dotdot.error.code).toBe('forbidden-path');
    const source = await service.readFile('other/demo-dwi-lesion/model.json');
    expect(source.ok ? null : source.error.code).toBe('not-found');
    const missing = await service.readFile('bundled/no-such-model/model.json');
    expect(missing.ok ? null : missing.error.code).toBe('not-found');
  });
});

describe('api/model route', () => {
  it('is a GET route (not a channel call) and serves the member whose sha256 model.json lists', async () => {
    expect(isApiGetRoute('/api/model/bundled/x/model.json')).toBe(true);
    expect(isApiGetRoute('/api/models.list')).toBe(false);
    const service = createModelsService({ bundledDir, userDir });
    const routes = createAppRoutes({
      handlers: {
        readVolume: async () => ({ ok: false, error: { code: 'not-found', message: 'none' } }),
        readCaseFile: async () => ({ ok: false, error: { code: 'forbidden-path', message: 'none' } }),
        readModelFile: (p) => service.readFile(p),
      },
      rendererDir: tmp,
    });
    const response = await routes('GET', '/api/model/bundled/demo-dwi-lesion/member-2.onnx');
    expect(response.status).toBe(200);
    expect(response.headers.get('Cross-Origin-Embedder-Policy')).toBe('require-corp');
    const bytes = new Uint8Array(await response.arrayBuffer());
    const manifest = JSON.parse(await readFile(path.join(demoDir, 'model.json'), 'utf8')) as {
      members: { file: string; sha256: string }[];
    };
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(manifest.members[2].sha256);
    const refused = await routes('GET', '/api/model/bundled/demo-dwi-lesion/eval.json');
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/Only model\.json and \.onnx/);
  });
});
