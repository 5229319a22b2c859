import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelManifestError, parseManifest } from './manifest';
import { loadModelFolder } from './modelFolder';
import { readOnnxGraph } from './onnxGraph';
import { concat, lengthDelimited, nodeProto, str, valueInfo, varintField } from './onnxWriter';
import { sha256Hex } from './sha256';
import { checkWebGpu } from './webgpuSupport';

const testdata = join(import.meta.dirname, 'testdata');
const fixture = (name: string) => new Uint8Array(readFileSync(join(testdata, name)));
const hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

function manifestFor(files: Record<string, Uint8Array>, overrides: Record<string, unknown> = {}) {
  return {
    schemaVersion: 1,
    id: 'test-model',
    name: 'Test',
    version: '1',
    license: 'Apache-2.0',
    intendedUse: 'tests only',
    modality: 'MR-DWI',
    channels: [{ id: 'dwi_b1000' }, { id: 'adc', ifMissing: 'computeFromB0' }],
    targetSpacingMm: [1.5, 1.5, 1.5],
    normalisation: { kind: 'zscore', foreground: 'otsu' },
    patchSize: [32, 32, 32],
    overlap: 0.5,
    ttaFlipAxes: [0],
    output: { activation: 'sigmoid', labels: ['lesion'] },
    members: Object.entries(files).map(([file, bytes]) => ({ file, sha256: hex(bytes) })),
    ...overrides,
  };
}

function folder(files: Record<string, Uint8Array | string>) {
  return async (name: string) => {
    const f = files[name];
    return typeof f === 'string' ? utf8(f) : f;
  };
}

async function loadError(files: Record<string, Uint8Array | string>): Promise<ModelManifestError> {
  try {
    await loadModelFolder(folder(files), 'models/test');
  } catch (e) {
    if (e instanceof ModelManifestError) return e;
    throw e;
  }
  throw new Error('expected loadModelFolder to fail');
}

describe('sha256Hex', () => {
  it('matches the FIPS 180-4 examples and node:crypto across block boundaries', () => {
    expect(sha256Hex(new Uint8Array(0))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex(utf8('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex(utf8('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
    const big = new Uint8Array(200_003);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7919) & 0xff;
    for (const n of [55, 56, 63, 64, 65, 200_003]) expect(sha256Hex(big.subarray(0, n))).toBe(hex(big.subarray(0, n)));
  });
});

describe('parseManifest', () => {
  it('rejects bad JSON with the parser message', () => {
    expect(() => parseManifest('{"id": ', 'models/x/model.json')).toThrow(/models\/x\/model.json is not valid JSON/);
  });

  it('names the field that fails the schema', () => {
    const m = manifestFor({ 'a.onnx': new Uint8Array([1]) });
    const noLicense = { ...m, license: undefined };
    expect(() => parseManifest(JSON.stringify(noLicense))).toThrow(/license/);
    expect(() => parseManifest(JSON.stringify({ ...m, overlap: 1 }))).toThrow(/overlap/);
    expect(() => parseManifest(JSON.stringify({ ...m, channels: [{ id: 'dwi_b1000', ifMissing: 'computeFromB0' }] }))).toThrow(
      /only defined for the adc channel/,
    );
    expect(() => parseManifest(JSON.stringify({ ...m, members: [{ file: '../x.onnx', sha256: 'a'.repeat(64) }] }))).toThrow(
      /plain file name/,
    );
    expect(() => parseManifest(JSON.stringify({ ...m, output: { activation: 'softmax', labels: ['lesion'] } }))).toThrow(
      /at least 2 labels/,
    );
    expect(() => parseManifest(JSON.stringify({ ...m, normalisation: { kind: 'zscore', foreground: 'otsu', maskChannel: 2 } }))).toThrow(
      /maskChannel 2 does not exist/,
    );
    expect(() => parseManifest(JSON.stringify({ ...m, skipEmptyPatches: 'yes' }))).toThrow(/skipEmptyPatches/);
  });

  it('fills documented defaults', () => {
    const m = parseManifest(JSON.stringify(manifestFor({ 'a.onnx': new Uint8Array([1]) }, { ttaFlipAxes: undefined })));
    expect(m.ttaFlipAxes).toEqual([]);
    expect(m.skipEmptyPatches).toBe(false);
    expect(m.channels[0].ifMissing).toBe('error');
    expect(m.channels[1].clampMm2PerS).toEqual([0, 0.005]);
    expect(m.normalisation).toEqual({ kind: 'zscore', foreground: 'otsu', maskChannel: 0 });
  });
});

describe('readOnnxGraph', () => {
  it('lists ops, inputs and shapes written by the onnx library', () => {
    const g = readOnnxGraph(fixture('three-channel-conv.onnx'));
    expect(g.opsetVersion).toBe(17);
    expect(g.nodes.map((n) => n.opType)).toEqual(['Conv', 'Sigmoid']);
    // The weight initializer is not a graph input.
    expect(g.inputs).toEqual([{ name: 'x', shape: ['n', 3, 'd', 'h', 'w'] }]);
    expect(g.outputs).toEqual([{ name: 'y', shape: ['n', 1, 'd', 'h', 'w'] }]);
    expect(g.nodes[0].kernelRank).toBe(3); // from the [1, 3, 1, 1, 1] weight
  });

  it('rejects bytes that are not a model', () => {
    expect(() => readOnnxGraph(utf8('{"not": "onnx"}'))).toThrow(/not an ONNX model/);
  });
});

describe('WebGPU op check', () => {
  it('blocks a 3D ConvTranspose found by kernel_shape or by the weight rank, not a 2D one', () => {
    for (const f of ['convtranspose3d-attr.onnx', 'convtranspose3d-noattr.onnx']) {
      const c = checkWebGpu(readOnnxGraph(fixture(f)), f);
      expect(c.canRunOnWebGpu).toBe(false);
      expect(c.blocking[0]).toMatch(new RegExp(`${f} cannot run on WebGPU; will use WASM`));
      expect(c.blocking[0]).toMatch(/1 3D ConvTranspose node\b/);
    }
    const c2 = checkWebGpu(readOnnxGraph(fixture('convtranspose2d.onnx')));
    expect(c2.canRunOnWebGpu).toBe(true);
  });
});

describe('loadModelFolder', () => {
  const conv = fixture('three-channel-conv.onnx');
  const ct3 = fixture('convtranspose3d-attr.onnx');

  it('reports a missing model.json and a missing member', async () => {
    expect((await loadError({})).message).toBe('models/test has no model.json');
    const e = await loadError({ 'model.json': JSON.stringify(manifestFor({ 'gone.onnx': conv })) });
    expect(e.code).toBe('missing-file');
    expect(e.message).toMatch(/ensemble member "gone.onnx" listed in model.json is missing/);
  });

  it('reports bad JSON', async () => {
    const e = await loadError({ 'model.json': '{ nope' });
    expect(e.code).toBe('bad-json');
    expect(e.message).toMatch(/models\/test\/model.json is not valid JSON/);
  });

  it('reports a changed member by its hash', async () => {
    const m = manifestFor({ 'm.onnx': conv });
    const changed = conv.slice();
    changed[changed.length - 1] ^= 1;
    const e = await loadError({ 'model.json': JSON.stringify(m), 'm.onnx': changed });
    expect(e.code).toBe('hash-mismatch');
  });

  it('reports a channel count that disagrees with the graph input', async () => {
    const e = await loadError({ 'model.json': JSON.stringify(manifestFor({ 'm.onnx': conv })), 'm.onnx': conv });
    expect(e.code).toBe('channel-count');
    expect(e.message).toBe('models/test: model.json lists 2 input channels (dwi_b1000, adc) but "m.onnx" expects 3');
  });

  it('refuses an opset onnxruntime does not run and an op from a custom domain, saying which', async () => {
    const model = (opset: number, domain = '') => {
      const graph = concat([
        lengthDelimited(1, nodeProto('Relu', ['x'], ['y'], 'act', [], domain)),
        str(2, 'g'),
        lengthDelimited(11, valueInfo('x', [1, 1, 'd', 'h', 'w'])),
        lengthDelimited(12, valueInfo('y', [1, 1, 'd', 'h', 'w'])),
      ]);
      return concat([varintField(1, 8), lengthDelimited(7, graph), lengthDelimited(8, concat([str(1, ''), varintField(2, opset)]))]);
    };
    const m = (bytes: Uint8Array) => ({
      'model.json': JSON.stringify(manifestFor({ 'm.onnx': bytes }, { channels: [{ id: 'ct' }] })),
      'm.onnx': bytes,
    });
    const old = await loadError(m(model(6)));
    expect(old.code).toBe('opset');
    expect(old.message).toBe('models/test: "m.onnx" uses opset 6; onnxruntime runs opset 7 and later (re-export it with opset 17)');
    const custom = await loadError(m(model(17, 'org.example.ops')));
    expect(custom.code).toBe('unsupported-op');
    expect(custom.message).toMatch(
      /^models\/test: "m.onnx" uses Relu from the custom domain "org.example.ops", which onnxruntime cannot run/,
    );
    await expect(loadModelFolder(folder(m(model(17))), 'models/test')).resolves.toBeTruthy();
  });

  it('reports bytes that are not ONNX', async () => {
    const junk = utf8('hello');
    const e = await loadError({ 'model.json': JSON.stringify(manifestFor({ 'm.onnx': junk })), 'm.onnx': junk });
    expect(e.code).toBe('bad-onnx');
  });

  it('loads a model with a kernel = stride 3D ConvTranspose, keeping its bytes for WASM and a rewrite for WebGPU', async () => {
    const m = manifestFor(
      { 'up.onnx': ct3 },
      { channels: [{ id: 'ct' }], normalisation: { kind: 'ct', clip: [-100, 200], mean: 40, std: 60 } },
    );
    const loaded = await loadModelFolder(folder({ 'model.json': JSON.stringify(m), 'up.onnx': ct3 }), 'models/test');
    expect(loaded.webgpu.canRunOnWebGpu).toBe(true);
    expect(loaded.members[0].bytes).toEqual(ct3);
    expect(readOnnxGraph(loaded.members[0].webgpuBytes as Uint8Array).nodes.map((n) => n.opType)).not.toContain('ConvTranspose');
    expect(loaded.members[0].inputName).toBe('x');
  });
});
