/**
 * Issue 14's bench: the ConvTranspose rewrite (Conv 1×1×1 + depth-to-space, made for WebGPU) on
 * onnxruntime-web's WASM EP against the original graph, same input, same run, alternating pairs so
 * both see the same machine load. The graph is an nnU-Net decoder in miniature, built here: two
 * stages of ConvTranspose (kernel = stride 2) each followed by a 3×3×3 Conv + LeakyReLU, 32 → 16 → 8
 * channels, on a [1, 32, 12, 12, 12] bottleneck (output 48³). Quorum runs the original on WASM and
 * the rewrite only on WebGPU (modelFolder.ts), so the ratio says what the rewrite would cost if it
 * were used on WASM. Results are in models/README.md.
 */
import * as ortWeb from 'onnxruntime-web';
import { rewriteConvTranspose } from '../src-shared/inference/convTransposeRewrite';
import {
  concat,
  FLOAT,
  intsAttr,
  lengthDelimited,
  nodeProto,
  str,
  tensor,
  valueInfo,
  varintField,
} from '../src-shared/inference/onnxWriter';

const PAIRS = 15;

function weights(name: string, dims: number[], seed: number): Uint8Array {
  const n = dims.reduce((p, d) => p * d, 1);
  const w = new Float32Array(n);
  for (let i = 0, s = seed; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    w[i] = (s / 4294967296 - 0.5) * 0.2;
  }
  return tensor(name, FLOAT, dims, new Uint8Array(w.buffer));
}

function decoder(): Uint8Array {
  const nodes: Uint8Array[] = [];
  const inits: Uint8Array[] = [];
  let x = 'x';
  let c = 32;
  for (let stage = 0; stage < 2; stage++) {
    const o = c / 2;
    inits.push(weights(`up${stage}_w`, [c, o, 2, 2, 2], 1 + stage), weights(`up${stage}_b`, [o], 3 + stage));
    nodes.push(
      nodeProto('ConvTranspose', [x, `up${stage}_w`, `up${stage}_b`], [`u${stage}`], `up${stage}`, [intsAttr('strides', [2, 2, 2])]),
    );
    inits.push(weights(`c${stage}_w`, [o, o, 3, 3, 3], 5 + stage));
    nodes.push(nodeProto('Conv', [`u${stage}`, `c${stage}_w`], [`h${stage}`], `c${stage}`, [intsAttr('pads', [1, 1, 1, 1, 1, 1])]));
    const y = stage === 1 ? 'y' : `a${stage}`;
    nodes.push(nodeProto('LeakyRelu', [`h${stage}`], [y], `act${stage}`));
    x = y;
    c = o;
  }
  const graph = concat([
    ...nodes.map((n) => lengthDelimited(1, n)),
    str(2, 'decoder'),
    ...inits.map((t) => lengthDelimited(5, t)),
    lengthDelimited(11, valueInfo('x', [1, 32, 'd', 'h', 'w'])),
    lengthDelimited(12, valueInfo('y', [1, 8, 'D', 'H', 'W'])),
  ]);
  return concat([varintField(1, 8), lengthDelimited(7, graph), lengthDelimited(8, concat([str(1, ''), varintField(2, 17)]))]);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export async function run(): Promise<void> {
  ortWeb.env.wasm.numThreads = 1;
  const original = decoder();
  const rewritten = rewriteConvTranspose(original).bytes as Uint8Array;
  const opts = { executionProviders: ['wasm'], graphOptimizationLevel: 'all' as const };
  const sessions = [await ortWeb.InferenceSession.create(original, opts), await ortWeb.InferenceSession.create(rewritten, opts)];
  const shape = [1, 32, 12, 12, 12];
  const x = new Float32Array(shape.reduce((p, d) => p * d, 1)).map((_, i) => Math.sin(i));
  const once = async (s: ortWeb.InferenceSession) => {
    const t0 = performance.now();
    await s.run({ x: new ortWeb.Tensor('float32', x, shape) });
    return performance.now() - t0;
  };
  for (const s of sessions) await once(s); // warm-up
  const times: [number[], number[]] = [[], []];
  const ratios: number[] = [];
  for (let p = 0; p < PAIRS; p++) {
    const a = await once(sessions[0]);
    const b = await once(sessions[1]);
    times[0].push(a);
    times[1].push(b);
    ratios.push(b / a);
  }
  console.log('| graph (WASM, 1 thread, [1,32,12³] → [1,8,48³]) | median ms |');
  console.log('|---|---|');
  console.log(`| original (ConvTranspose) | ${median(times[0]).toFixed(1)} |`);
  console.log(`| rewritten (Conv 1×1×1 + depth-to-space) | ${median(times[1]).toFixed(1)} |`);
  console.log(`\nrewritten / original, median over ${PAIRS} alternating pairs: ${median(ratios).toFixed(3)}×`);
}
