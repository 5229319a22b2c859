import { describe, expect, it } from 'vitest';
import { openMembers, type BrowserEp, type ReleasableSession } from './executionProvider';
import { parseManifest } from './manifest';
import type { LoadedModel } from './modelFolder';
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
