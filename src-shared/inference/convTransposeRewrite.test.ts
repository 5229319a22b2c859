/**
 * The ConvTranspose rewrite against onnxruntime-node: the rewritten graph must give the original's
 * output within 1e-5 on random input, for nnU-Net's isotropic and anisotropic upsampling (with and
 * without bias, symbolic spatial sizes), and leave other ConvTransposes alone with a reason.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { rewriteConvTranspose } from './convTransposeRewrite';
import { readOnnxGraph } from './onnxGraph';
import { concat, FLOAT, intsAttr, lengthDelimited, nodeProto, str, tensor, valueInfo, varintField } from './onnxWriter';
import { checkWebGpu } from './webgpuSupport';

/** Deterministic uniform values in [−1, 1) (mulberry32). */
function random(n: number, seed: number): Float32Array {
  let a = seed;
  return Float32Array.from({ length: n }, () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  });
}

const weights = (name: string, dims: number[], seed: number) =>
  tensor(
    name,
    FLOAT,
    dims,
    new Uint8Array(
      random(
        dims.reduce((p, d) => p * d, 1),
        seed,
      ).buffer,
    ),
  );

/**
 * x [1, 3, d, h, w] → ConvTranspose 3→4, kernel = stride 1×2×2, bias (nnU-Net's anisotropic stage)
 * → LeakyRelu → ConvTranspose 4→2, kernel = stride 2×2×2, no bias → y; optionally a third
 * ConvTranspose with stride ≠ kernel, which must be kept.
 */
function testModel(withOddOne: boolean): Uint8Array {
  const nodes = [
    nodeProto('ConvTranspose', ['x', 'w1', 'b1'], ['u1'], 'up1', [intsAttr('kernel_shape', [1, 2, 2]), intsAttr('strides', [1, 2, 2])]),
    nodeProto('LeakyRelu', ['u1'], ['a1'], 'act'),
    nodeProto('ConvTranspose', ['a1', 'w2'], [withOddOne ? 'u2' : 'y'], 'up2', [intsAttr('strides', [2, 2, 2])]),
  ];
  const inits = [weights('w1', [3, 4, 1, 2, 2], 1), weights('b1', [4], 2), weights('w2', [4, 2, 2, 2, 2], 3)];
  if (withOddOne) {
    nodes.push(
      nodeProto('ConvTranspose', ['u2', 'w3'], ['y'], 'odd', [intsAttr('strides', [1, 1, 1]), intsAttr('pads', [1, 1, 1, 1, 1, 1])]),
    );
    inits.push(weights('w3', [2, 2, 3, 3, 3], 4));
  }
  const graph = concat([
    ...nodes.map((n) => lengthDelimited(1, n)),
    str(2, 'convtranspose-test'),
    ...inits.map((t) => lengthDelimited(5, t)),
    lengthDelimited(11, valueInfo('x', [1, 3, 'd', 'h', 'w'])),
    lengthDelimited(12, valueInfo('y', [1, 2, 'D', 'H', 'W'])),
  ]);
  const opset = concat([str(1, ''), varintField(2, 17)]);
  return concat([varintField(1, 8), lengthDelimited(7, graph), lengthDelimited(8, opset)]);
}

async function run(model: Uint8Array, x: Float32Array, dims: number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1 });
  const out = await session.run({ x: new ort.Tensor('float32', x, dims) });
  return out.y.data as Float32Array;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

describe('ConvTranspose rewrite for WebGPU', () => {
  it('rewrites kernel = stride upsampling into Conv + depth-to-space, equal to the original within 1e-5', async () => {
    const original = testModel(false);
    const r = rewriteConvTranspose(original);
    expect(r.rewritten).toBe(2);
    expect(r.kept).toEqual([]);
    const bytes = r.bytes as Uint8Array;
    const graph = readOnnxGraph(bytes);
    expect(graph.nodes.some((n) => n.opType === 'ConvTranspose')).toBe(false);
    expect(checkWebGpu(graph).canRunOnWebGpu).toBe(true);
    expect(graph.inputs.map((i) => i.name)).toEqual(['x']);
    // Two spatial sizes through the same file: the depth-to-space takes its shapes at run time.
    for (const dims of [
      [1, 3, 2, 3, 4],
      [1, 3, 3, 5, 2],
    ]) {
      const x = random(
        dims.reduce((p, d) => p * d, 1),
        7 + dims[2],
      );
      const want = await run(original, x, dims);
      const got = await run(bytes, x, dims);
      expect(want.length).toBe(2 * dims[2] * 2 * dims[3] * 4 * dims[4] * 4);
      expect(maxAbsDiff(got, want)).toBeLessThan(1e-5);
    }
  });

  it('keeps a ConvTranspose with padding or stride ≠ kernel, and says why', async () => {
    const r = rewriteConvTranspose(testModel(true));
    expect(r.rewritten).toBe(2);
    expect(r.kept).toEqual(['ConvTranspose "odd" has strides 1×1×1 that differ from its kernel 3×3×3']);
    const graph = readOnnxGraph(r.bytes as Uint8Array);
    expect(checkWebGpu(graph).canRunOnWebGpu).toBe(false);
    const dims = [1, 3, 2, 2, 2];
    const x = random(8 * 3, 11);
    expect(maxAbsDiff(await run(r.bytes as Uint8Array, x, dims), await run(testModel(true), x, dims))).toBeLessThan(1e-5);
  });

  it('rewrites the fixture written by the onnx library (kernel_shape attribute, ones weights) and leaves 2D alone', async () => {
    const testdata = join(import.meta.dirname, 'testdata');
    for (const f of ['convtranspose3d-attr.onnx', 'convtranspose3d-noattr.onnx']) {
      const original = new Uint8Array(readFileSync(join(testdata, f)));
      const r = rewriteConvTranspose(original);
      expect(r.rewritten).toBe(1);
      const x = random(64, 5);
      const s = await ort.InferenceSession.create(original);
      const s2 = await ort.InferenceSession.create(r.bytes as Uint8Array);
      const feed = { x: new ort.Tensor('float32', x, [1, 1, 4, 4, 4]) };
      expect(maxAbsDiff((await s2.run(feed)).y.data as Float32Array, (await s.run(feed)).y.data as Float32Array)).toBeLessThan(1e-5);
    }
    const r2 = rewriteConvTranspose(new Uint8Array(readFileSync(join(testdata, 'convtranspose2d.onnx'))));
    expect(r2.bytes).toBeNull();
    expect(r2.kept).toEqual(['ConvTranspose "y" is 2D, not 3D']);
  });
});
