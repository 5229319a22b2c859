/**
 * Local inference benchmark (issue 5), on the shipped demo model and the bundled real DWI
 * (124×152×32 at 1.5 mm; 12 windows of 64×64×32 at the model's 50 % overlap).
 *
 * 1. WASM vs native: onnxruntime-web's WASM EP (2 threads) against onnxruntime-node's CPU EP
 *    (2 intra-op threads) on the same model and the same 64×64×32 patch, runs interleaved in pairs
 *    so both see the same machine load; ratio = median over pairs of WASM / node (robust to load
 *    changing between pairs), and again as Σ session.run of the two whole pipelines. Target ≤ 1.5.
 * 2. Sliding-window overhead: the whole pipeline (channels, ADC, normalisation, windows, TTA,
 *    3-member ensemble, uncertainty, outputs) against the sum of the pure session.run times inside
 *    it, for both backends. Target ≤ 1.25.
 * 3. Native CPU as the app runs it (issue 16): the server's native inference service, a worker
 *    thread with onnxruntime-node and the same pipeline, on the same input, against the pure
 *    session.run sum inside it (target ≤ 1.1) and against the WASM pipeline of part 2.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { createNativeInference } from '../src-main/services/nativeInference/nativeInference';
import { sourceWorkerEntry } from '../src-main/services/nativeInference/startWorker';
import type { NativeJobStatus } from '../src-shared/api/nativeInferenceChannels';
import { dwiChannelSources } from '../src-shared/inference/dwiSources';
import { loadModelFolder } from '../src-shared/inference/modelFolder';
import { parseManifest } from '../src-shared/inference/manifest';
import { runSegmentation } from '../src-shared/inference/pipeline';
import type { ModelRunner } from '../src-shared/inference/predict';
import { parseBval, readNifti, splitByBValue } from '../src-shared/nifti/index';

const root = join(import.meta.dirname, '..');
const modelDir = join(root, 'models', 'demo-dwi-lesion');
const THREADS = 2;
const PAIRS = 15;

interface Backend {
  name: string;
  runner: ModelRunner;
  /** Sum of pure session.run milliseconds since the last reset. */
  pureMs: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function makeBackends(): Promise<{ node: Backend[]; web: Backend[] }> {
  const manifest = parseManifest(readFileSync(join(modelDir, 'model.json'), 'utf8'));
  ortWeb.env.wasm.numThreads = THREADS;
  const node: Backend[] = [];
  const web: Backend[] = [];
  for (const m of manifest.members) {
    const bytes = new Uint8Array(readFileSync(join(modelDir, m.file)));
    const sn = await ortNode.InferenceSession.create(bytes, {
      intraOpNumThreads: THREADS,
      interOpNumThreads: 1,
      executionMode: 'sequential',
    });
    const sw = await ortWeb.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
    const bn: Backend = { name: 'node', pureMs: 0, runner: async () => new Float32Array(0) };
    bn.runner = async (x, shape) => {
      const t = new ortNode.Tensor('float32', x, shape);
      const t0 = performance.now();
      const r = await sn.run({ image: t });
      bn.pureMs += performance.now() - t0;
      return r.logits.data as Float32Array;
    };
    const bw: Backend = { name: 'wasm', pureMs: 0, runner: async () => new Float32Array(0) };
    bw.runner = async (x, shape) => {
      const t = new ortWeb.Tensor('float32', x, shape);
      const t0 = performance.now();
      const r = await sw.run({ image: t });
      bw.pureMs += performance.now() - t0;
      return r.logits.data as Float32Array;
    };
    node.push(bn);
    web.push(bw);
  }
  return { node, web };
}

export async function run(): Promise<void> {
  const manifest = parseManifest(readFileSync(join(modelDir, 'model.json'), 'utf8'));
  const notes: string[] = [];
  const image = readNifti(new Uint8Array(readFileSync(join(root, 'demo', 'dwi', 'dwi.nii.gz'))), { fileName: 'dwi.nii.gz' });
  const bvals = parseBval(readFileSync(join(root, 'demo', 'dwi', 'dwi.bval'), 'utf8'));
  const vols = splitByBValue(image, bvals, notes).map((v) => ({ bValue: v.bValue, data: v.volume.data }));
  const sources = dwiChannelSources(vols);
  const { dims, spacingMm, direction } = image.geometry;
  const { node, web } = await makeBackends();

  // 1. Same patch, interleaved pairs, after one warm-up each.
  const [pk, pj, pi] = [manifest.patchSize[2], manifest.patchSize[1], manifest.patchSize[0]];
  const shape = [1, manifest.channels.length, pk, pj, pi];
  const x = Float32Array.from({ length: shape.reduce((a, b) => a * b) }, (_, i) => Math.sin(i * 0.0007) * 1.5);
  await node[0].runner(x, shape);
  await web[0].runner(x, shape);
  const tn: number[] = [];
  const tw: number[] = [];
  for (let p = 0; p < PAIRS; p++) {
    for (const [b, out] of p % 2
      ? ([
          [node[0], tn],
          [web[0], tw],
        ] as const)
      : ([
          [web[0], tw],
          [node[0], tn],
        ] as const)) {
      b.pureMs = 0;
      await b.runner(x, shape);
      out.push(b.pureMs);
    }
  }
  const ratio = median(tw.map((w, i) => w / tn[i]));
  process.stdout.write(`\nOne ${pi}×${pj}×${pk} patch, demo member 0, ${THREADS} threads, median of ${PAIRS} interleaved pairs:\n\n`);
  process.stdout.write('| backend | median ms | min ms |\n|---|---:|---:|\n');
  process.stdout.write(`| onnxruntime-node CPU | ${median(tn).toFixed(1)} | ${Math.min(...tn).toFixed(1)} |\n`);
  process.stdout.write(`| onnxruntime-web WASM | ${median(tw).toFixed(1)} | ${Math.min(...tw).toFixed(1)} |\n`);
  process.stdout.write(`\nWASM / native, median of per-pair ratios = **${ratio.toFixed(2)}** (target ≤ 1.5)\n`);

  // 2. Whole pipeline vs pure session.run, per backend.
  process.stdout.write(`\nWhole pipeline on the demo DWI (${dims.join('×')}), 3 members × TTA [${manifest.ttaFlipAxes.join(', ')}]:\n\n`);
  process.stdout.write(
    '| backend | runs | total ms | Σ session.run ms | overhead (total / Σ run) | preprocess ms | postprocess ms |\n|---|---:|---:|---:|---:|---:|---:|\n',
  );
  const pureTotals: number[] = [];
  let wasmPipelineMs = 0;
  for (const set of [node, web]) {
    for (const b of set) b.pureMs = 0;
    const r = await runSegmentation({
      manifest,
      runners: set.map((b) => b.runner),
      dims,
      spacingMm,
      sources,
      now: () => performance.now(),
    });
    const pure = set.reduce((s, b) => s + b.pureMs, 0);
    pureTotals.push(pure);
    if (set === web) wasmPipelineMs = r.timings.totalMs;
    const t = r.timings;
    process.stdout.write(
      `| ${set[0].name === 'node' ? 'onnxruntime-node CPU' : 'onnxruntime-web WASM'} | ${r.grid.runs} | ${t.totalMs.toFixed(0)} | ${pure.toFixed(0)} | **${(t.totalMs / pure).toFixed(3)}** | ${(t.channelsMs + t.resampleMs + t.normaliseMs).toFixed(0)} | ${(t.resampleBackMs + t.outputsMs).toFixed(0)} |\n`,
    );
  }
  process.stdout.write(`\nWASM / native over the 72 runs of the whole pipeline: **${(pureTotals[1] / pureTotals[0]).toFixed(2)}**\n`);
  process.stdout.write('\nOverhead target ≤ 1.25. Timings vary with machine load; the ratios are what travel.\n');

  // 3. The app's native path: a worker thread per run, the case's channels cloned in, arrays back.
  const model = await loadModelFolder(async (name) => new Uint8Array(readFileSync(join(modelDir, name))));
  const service = createNativeInference({ worker: sourceWorkerEntry(), threads: THREADS });
  const t0 = performance.now();
  const started = service.start('bench', { model, dims, spacingMm, direction, sources });
  if (!started.ok) throw new Error(started.error.message);
  let status: NativeJobStatus = { state: 'running', progress: null };
  while (status.state === 'running') {
    await new Promise((resolve) => setTimeout(resolve, 5));
    const s = service.status('bench', started.value.jobId);
    if (!s.ok) throw new Error(s.error.message);
    status = s.value;
  }
  const wallMs = performance.now() - t0;
  await service.close();
  if (status.state !== 'done') throw new Error(`the native job ended ${JSON.stringify(status)}`);
  const pure = status.sessionRunMs;
  const wasmTotal = wasmPipelineMs;
  process.stdout.write(
    `\nThe app's native path (worker thread, onnxruntime-node ${THREADS} threads) against pure session.run and WASM, same run:\n\n`,
  );
  process.stdout.write('| measure | ms | / Σ session.run (native) |\n|---|---:|---:|\n');
  process.stdout.write(`| Σ session.run inside the native pipeline | ${pure.toFixed(0)} | 1.000 |\n`);
  process.stdout.write(
    `| native pipeline (worker's stage total) | ${status.timings.totalMs.toFixed(0)} | **${(status.timings.totalMs / pure).toFixed(3)}** |\n`,
  );
  process.stdout.write(
    `| native, start → result in the server (worker start, sessions, copies) | ${wallMs.toFixed(0)} | ${(wallMs / pure).toFixed(3)} |\n`,
  );
  process.stdout.write(`| WASM pipeline (part 2) | ${wasmTotal.toFixed(0)} | ${(wasmTotal / pure).toFixed(3)} |\n`);
  process.stdout.write(
    `\nWASM pipeline / native pipeline: **${(wasmTotal / status.timings.totalMs).toFixed(2)}**. Target: native pipeline ≤ 1.1 × Σ session.run.\n`,
  );
}
