import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { openMembers, type BrowserEp, type ReleasableSession } from './executionProvider';
import { parseManifest } from './manifest';
import { loadModelFolder, type LoadedModel } from './modelFolder';
import { concat, FLOAT, intsAttr, lengthDelimited, nodeProto, str, tensor, valueInfo, varintField } from './onnxWriter';
import { sha256Hex } from './sha256';
import type { OrtTensorLike } from './ortRunner';

const manifest = parseManifest(
  JSON.stringify({
    schemaVersion: 1,
    id: 'm',
    name: 'm',
    version: '1',
    license: 'x',
    intendedUse: 'tests',
    modality: 'MR-DWI',
    channels: [{ id: 'dwi_b1000' }, { id: 'adc' }],
    targetSpacingMm: [1, 1, 1],
    normalisation: { kind: 'zscore', foreground: 'all' },
    patchSize: [8, 6, 4],
    overlap: 0.5,
    output: { activation: 'sigmoid', labels: ['lesion'] },
    members: ['a', 'b'].map((f) => ({ file: `${f}.onnx`, sha256: '0'.repeat(64) })),
  }),
);

function model(blocking: string[] = []): LoadedModel {
  const member = (file: string) => ({
    file,
    sha256: '0'.repeat(64),
    bytes: new Uint8Array([1]),
    graph: { opsetVersion: 17, nodes: [], inputs: [], outputs: [] },
    inputName: 'image',
    outputName: 'logits',
    webgpuBytes: null,
  });
  return {
    manifest,
    members: [member('a.onnx'), member('b.onnx')],
    webgpu: { canRunOnWebGpu: blocking.length === 0, blocking, warnings: [], opCounts: new Map() },
  };
}

function factory(failOn: BrowserEp | null) {
  const log: string[] = [];
  const createSession = async (_bytes: Uint8Array, ep: BrowserEp): Promise<ReleasableSession> => {
    log.push(`create ${ep}`);
    return {
      inputNames: ['image'],
      outputNames: ['logits'],
      run: async (feeds: Record<string, OrtTensorLike>) => {
        const t = feeds.image;
        log.push(`run ${ep} [${t.dims.join(',')}]`);
        if (ep === failOn) throw new Error('[WebGPU] Kernel "ConvTranspose" failed\nstack...');
        return { logits: { data: new Float32Array((t.data as Float32Array).length / 2), dims: [1, 1, ...t.dims.slice(2)] } };
      },
      release: async () => void log.push(`release ${ep}`),
    };
  };
  return { log, createSession, makeTensor: (data: Float32Array, dims: readonly number[]) => ({ data, dims }) };
}

describe('openMembers', () => {
  it('uses WebGPU after probing every member with one patch of zeros', async () => {
    const f = factory(null);
    const r = await openMembers(model(), { webgpuAvailable: true, preferWebGpu: true, ...f });
    expect(r.ep).toBe('webgpu');
    expect(r.fallbackReason).toBeNull();
    expect(f.log).toEqual(['create webgpu', 'create webgpu', 'run webgpu [1,2,4,6,8]', 'run webgpu [1,2,4,6,8]']);
    expect(r.runners).toHaveLength(2);
  });

  it('falls back to WASM when a WebGPU run throws, releasing the WebGPU sessions', async () => {
    const f = factory('webgpu');
    const r = await openMembers(model(), { webgpuAvailable: true, preferWebGpu: true, ...f });
    expect(r.ep).toBe('wasm');
    expect(r.fallbackReason).toBe('WebGPU failed on this model ([WebGPU] Kernel "ConvTranspose" failed); using WASM.');
    expect(f.log).toEqual([
      'create webgpu',
      'create webgpu',
      'run webgpu [1,2,4,6,8]',
      'release webgpu',
      'release webgpu',
      'create wasm',
      'create wasm',
    ]);
  });

  it('does not try WebGPU for a model the op check blocks, and says why', async () => {
    const f = factory(null);
    const r = await openMembers(model(['"a.onnx" cannot run on WebGPU; will use WASM: …']), {
      webgpuAvailable: true,
      preferWebGpu: true,
      ...f,
    });
    expect(r.ep).toBe('wasm');
    expect(r.fallbackReason).toMatch(/cannot run on WebGPU; will use WASM/);
    expect(f.log).toEqual(['create wasm', 'create wasm']);
  });

  it('uses WASM without a reason when the user prefers it, and with one when WebGPU is missing', async () => {
    expect((await openMembers(model(), { webgpuAvailable: true, preferWebGpu: false, ...factory(null) })).fallbackReason).toBeNull();
    const r = await openMembers(model(), { webgpuAvailable: false, preferWebGpu: true, ...factory(null) });
    expect(r).toMatchObject({ ep: 'wasm', fallbackReason: 'WebGPU is not available on this computer; using WASM.' });
  });
});

describe('a model whose ConvTransposes were rewritten for WebGPU', () => {
  const upsampler = new Uint8Array(readFileSync(join(import.meta.dirname, 'testdata', 'convtranspose3d-attr.onnx')));
  const folderWith = (bytes: Uint8Array) => {
    const m = {
      ...JSON.parse(JSON.stringify(manifest)),
      channels: [{ id: 'ct' }],
      patchSize: [4, 4, 4],
      members: [{ file: 'up.onnx', sha256: sha256Hex(bytes) }],
    };
    const files: Record<string, Uint8Array> = { 'model.json': new TextEncoder().encode(JSON.stringify(m)), 'up.onnx': bytes };
    return loadModelFolder(async (name) => files[name], 'models/up');
  };
  const nodeSession = async (bytes: Uint8Array) => ortNode.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
  const makeTensor = (d: Float32Array, s: readonly number[]) => new ortNode.Tensor('float32', d, s);

  it('is offered to WebGPU after the rewrite matched the original on WASM', async () => {
    const loaded = await folderWith(upsampler);
    expect(loaded.webgpu.canRunOnWebGpu).toBe(true);
    expect(loaded.webgpu.warnings).toContain('"up.onnx": 1 ConvTranspose node rewritten as Conv + depth-to-space for WebGPU.');
    const rewritten = loaded.members[0].webgpuBytes as Uint8Array;
    const created: [BrowserEp, Uint8Array][] = [];
    const opened = await openMembers(loaded, {
      webgpuAvailable: true,
      preferWebGpu: true,
      createSession: async (bytes, ep) => {
        created.push([ep, bytes]);
        return nodeSession(bytes);
      },
      makeTensor,
    });
    expect(opened.ep).toBe('webgpu');
    expect(created).toEqual([
      ['wasm', upsampler],
      ['wasm', rewritten],
      ['webgpu', rewritten],
    ]);
  });

  it('stays on WASM, saying why, when the rewrite does not reproduce the original', async () => {
    const loaded = await folderWith(upsampler);
    const rewritten = loaded.members[0].webgpuBytes;
    const wrong = new Uint8Array(readFileSync(join(import.meta.dirname, 'testdata', 'convtranspose3d-noattr.onnx')));
    const opened = await openMembers(loaded, {
      webgpuAvailable: true,
      preferWebGpu: true,
      // Stand-in for a faulty rewrite: the WASM check gets a graph whose output is doubled.
      createSession: async (bytes) => {
        const s = await nodeSession(bytes === rewritten ? wrong : bytes);
        if (bytes !== rewritten) return s;
        return {
          inputNames: s.inputNames,
          outputNames: s.outputNames,
          run: async (feeds) => {
            const out = await s.run(feeds as never);
            const y = out.y.data as Float32Array;
            return {
              y: new ortNode.Tensor(
                'float32',
                y.map((v) => 2 * v + 1),
                out.y.dims,
              ),
            };
          },
        };
      },
      makeTensor,
    });
    expect(opened.ep).toBe('wasm');
    expect(opened.fallbackReason).toMatch(/^"up.onnx": the ConvTranspose rewrite for WebGPU differs from the original by \d/);
  });

  it('names the ConvTransposes that cannot be rewritten in the reason for WASM', async () => {
    const w = tensor('w', FLOAT, [1, 1, 3, 3, 3], new Uint8Array(new Float32Array(27).fill(0.1).buffer));
    const node = nodeProto('ConvTranspose', ['x', 'w'], ['y'], 'smooth', [
      intsAttr('strides', [1, 1, 1]),
      intsAttr('pads', [1, 1, 1, 1, 1, 1]),
    ]);
    const graph = concat([
      lengthDelimited(1, node),
      str(2, 'g'),
      lengthDelimited(5, w),
      lengthDelimited(11, valueInfo('x', [1, 1, 'd', 'h', 'w'])),
      lengthDelimited(12, valueInfo('y', [1, 1, 'd', 'h', 'w'])),
    ]);
    const bytes = concat([varintField(1, 8), lengthDelimited(7, graph), lengthDelimited(8, concat([str(1, ''), varintField(2, 17)]))]);
    const loaded = await folderWith(bytes);
    expect(loaded.webgpu.canRunOnWebGpu).toBe(false);
    expect(loaded.members[0].webgpuBytes).toBeNull();
    expect(loaded.webgpu.blocking).toEqual([
      expect.stringMatching(
        /^"up.onnx" cannot run on WebGPU; will use WASM: .* Not rewritable: ConvTranspose "smooth" has strides 1×1×1 that differ from its kernel 3×3×3\.$/,
      ),
    ]);
  });
});
