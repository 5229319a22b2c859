/**
 * The inference Web Worker (issue 5): loads a model folder's files with the same checks main runs
 * (loadModelFolder: manifest, channel count, WebGPU ops; the server verified the hashes), opens one onnxruntime-web session
 * per ensemble member on the chosen EP (executionProvider.ts: WebGPU with NCHW when a real adapter
 * exists and the probe run passes, else WASM with the reason), runs the pipeline and sends the
 * result back with its arrays transferred, never copied. Messages: workerProtocol.ts.
 *
 * On WebGPU the pipeline runs on GPU patch engines (webgpuEngine.ts: graph capture, GPU-resident
 * input and output, GPU accumulation), fp32 or fp16 chosen from the adapter (webgpuPrecision.ts).
 *
 * ORT's own .mjs/.wasm come through Vite `?url` imports (environment.md: avoids a Vite 8 production
 * hang with threads and works under Electron's custom protocol).
 */
import * as ort from 'onnxruntime-web';
import ortMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.mjs?url';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';
import {
  InferenceCancelledError,
  inferenceProvenance,
  loadModelFolder,
  openMembers,
  runSegmentation,
  type LoadedModel,
  type ModelRunner,
  type OpenedMembers,
  type SegmentationResult,
} from '../../src-shared/inference';
import type { PatchEngineFactory } from '../../src-shared/inference/patchEngine';
import { chooseWebGpuPrecision } from '../../src-shared/inference/webgpuPrecision';
import type { InferenceWorkerEvent, InferenceWorkerRequest } from '../../src-shared/inference/workerProtocol';
import { webGpuAdapterFacts } from './realWebGpuAdapter';
import { gpuMember, type GpuMember } from './webgpuEngine';

interface WorkerScope {
  postMessage(message: InferenceWorkerEvent, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<InferenceWorkerRequest>) => void): void;
}
const scope = self as unknown as WorkerScope;

ort.env.wasm.wasmPaths = { mjs: new URL(ortMjsUrl, self.location.href).href, wasm: new URL(ortWasmUrl, self.location.href).href };

/** On WebGPU with GPU I/O: one engine per member, and the precision sentence for the provider line. */
interface GpuMembers {
  readonly members: GpuMember[];
  readonly precisionReason: string;
}

let loaded: {
  model: LoadedModel;
  opened: OpenedMembers;
  gpu: GpuMembers | null;
  plainWebGpuReason: string | null;
  warnings: string[];
} | null = null;
const running = new Map<string, AbortController>();

async function load(req: Extract<InferenceWorkerRequest, { type: 'load' }>): Promise<void> {
  if (loaded) {
    await Promise.all(loaded.opened.sessions.map((s) => s.release?.().catch(() => undefined)));
    for (const m of loaded.gpu?.members ?? []) await m.release();
  }
  loaded = null;
  // Needs cross-origin isolation (COOP/COEP, sent by both shells) for more than one thread.
  ort.env.wasm.numThreads = self.crossOriginIsolated ? Math.max(1, req.wasmThreads) : 1;
  // The models route serves only files of a folder the server verified at their current sizes and
  // mtimes (src-main/services/models.ts): checked, not hashed again.
  const model = await loadModelFolder(
    async (name) => (req.files[name] ? new Uint8Array(req.files[name]) : undefined),
    'model folder',
    'verified',
  );
  const adapter = await webGpuAdapterFacts();
  const opened = await openMembers(model, {
    webgpuAvailable: adapter !== null && (!adapter.fallback || req.allowFallbackAdapter === true),
    preferWebGpu: req.preferWebGpu,
    createSession: (bytes, ep) =>
      ort.InferenceSession.create(bytes, {
        executionProviders: ep === 'webgpu' ? [{ name: 'webgpu', preferredLayout: 'NCHW' }] : ['wasm'],
        graphOptimizationLevel: 'all',
      }),
    makeTensor: (data, dims) => new ort.Tensor('float32', data, dims),
  });
  const warnings = [...model.webgpu.warnings];
  if (!self.crossOriginIsolated) warnings.push('The page is not cross-origin isolated: WASM runs on one thread.');
  const path = req.webgpuPath ?? { graphCapture: true, gpuAccumulation: true };
  let gpu: GpuMembers | null = null;
  let plainWebGpuReason: string | null = null;
  if (opened.ep === 'webgpu' && adapter) {
    // Manifests name no fp16 files yet, so this says why fp32 runs; the choice is in one place for when they do.
    const precisionReason = chooseWebGpuPrecision(adapter, false).reason;
    if (path === 'plain') plainWebGpuReason = `${precisionReason} · CPU tensors per patch (plain path)`;
    else {
      const device = await ort.env.webgpu.device;
      gpu = {
        precisionReason,
        members: model.members.map((m) =>
          gpuMember(ort, device, m.webgpuBytes ?? m.bytes, { input: m.inputName, output: m.outputName }, path),
        ),
      };
    }
  }
  loaded = { model, opened, gpu, plainWebGpuReason, warnings };
  post({
    type: 'loaded',
    requestId: req.requestId,
    ep: opened.ep,
    fallbackReason: opened.fallbackReason,
    warnings,
    webgpuDetail: detail(),
  });
}

/** The provider line's WebGPU detail: precision and why, then how patches run and are stitched. */
function detail(skippedWindows?: number): string | null {
  if (!loaded || loaded.opened.ep !== 'webgpu') return null;
  if (!loaded.gpu) return loaded.plainWebGpuReason;
  const { graphCapture, accumulation } = loaded.gpu.members[0].report();
  const skip = loaded.model.manifest.skipEmptyPatches
    ? ` · empty patches skipped${skippedWindows === undefined ? '' : ` (${skippedWindows})`}`
    : '';
  return `${loaded.gpu.precisionReason} · GPU-resident input/output · ${graphCapture} · ${accumulation}${skip}`;
}

const macrotask = () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Each model run first yields a macrotask, so a 'cancel' message is handled between patches: the
 * pipeline checks the AbortSignal before every run. (Awaiting ORT's promises alone yields only
 * microtasks, and the worker would not see the message until the end.)
 */
function yielding(run: ModelRunner): ModelRunner {
  return async (x, shape) => {
    await macrotask();
    return run(x, shape);
  };
}

function yieldingEngine(open: PatchEngineFactory): PatchEngineFactory {
  return async (grid) => {
    const engine = await open(grid);
    return {
      add: async (input, origin, flipAxes) => {
        await macrotask();
        return engine.add(input, origin, flipAxes);
      },
      finish: () => engine.finish(),
      discard: () => engine.discard(),
    };
  };
}

async function run(req: Extract<InferenceWorkerRequest, { type: 'run' }>): Promise<void> {
  if (!loaded) throw new Error('No model is loaded.');
  const { model, opened, gpu } = loaded;
  const controller = new AbortController();
  running.set(req.requestId, controller);
  const startedAt = new Date().toISOString();
  try {
    const result = await runSegmentation({
      manifest: model.manifest,
      runners: opened.runners.map(yielding),
      ...(gpu ? { engines: gpu.members.map((m) => yieldingEngine(m.engine)) } : {}),
      dims: req.dims,
      spacingMm: req.spacingMm,
      direction: req.direction,
      sources: { images: req.images, bValue: req.bValue },
      signal: controller.signal,
      now: () => performance.now(),
      ...(req.ttaFlipAxes ? { ttaFlipAxes: req.ttaFlipAxes } : {}),
      keepLogits: req.keepLogits === true,
      onProgress: (progress) => post({ type: 'progress', requestId: req.requestId, progress }),
    });
    const provenance = inferenceProvenance(model.manifest, result, {
      executionProvider: opened.ep,
      fallbackReason: opened.fallbackReason,
      ...(req.ttaFlipAxes ? { ttaFlipAxes: req.ttaFlipAxes } : {}),
      startedAt,
    });
    post(
      { type: 'result', requestId: req.requestId, result, provenance, webgpuDetail: detail(result.grid.skippedWindows) },
      transferablesOf(result),
    );
  } finally {
    running.delete(req.requestId);
  }
}

function transferablesOf(r: SegmentationResult): Transferable[] {
  const arrays = [
    ...r.probabilities,
    r.mask,
    r.entropy,
    ...(r.mutualInformation ? [r.mutualInformation] : []),
    ...(r.variance ?? []),
    ...(r.logits ?? []),
  ];
  return [...new Set(arrays.map((a) => a.buffer as ArrayBuffer))];
}

function post(event: InferenceWorkerEvent, transfer: Transferable[] = []): void {
  scope.postMessage(event, transfer);
}

scope.addEventListener('message', (e) => {
  const req = e.data;
  if (req.type === 'cancel') {
    running.get(req.requestId)?.abort();
    return;
  }
  const work = req.type === 'load' ? load(req) : run(req);
  work.catch((err: unknown) => {
    const cancelled = err instanceof InferenceCancelledError;
    const message = cancelled ? 'Cancelled.' : err instanceof Error ? err.message : String(err);
    post({ type: 'error', requestId: req.requestId, message, cancelled });
  });
});
