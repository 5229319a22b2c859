// The bench and check page for issue 16: Quorum's own inference worker
// (src-renderer/workers/inference.worker.ts) and pipeline on a synthetic case, one fresh worker per
// configuration, so WebGPU options, WASM and the plain WebGPU path are compared on the same input.
// Playwright calls window.runQuorum / window.maxDiff (e2e/webgpuPipeline.spec.ts); a bare Chromium
// opened at ?plan=<JSON> runs the plan and POSTs its results to /result (bench/gpu/pipeline/bench.mjs).

const maps = new Map();
let worker = null;

/** Sends one request to the worker; resolves with its final answer (loaded, result or error). */
function call(worker, msg, transfer = []) {
  return new Promise((resolve) => {
    const onMessage = (e) => {
      if (e.data.requestId !== msg.requestId || e.data.type === 'progress') return;
      worker.removeEventListener('message', onMessage);
      resolve(e.data);
    };
    worker.addEventListener('message', onMessage);
    worker.postMessage(msg, transfer);
  });
}

async function bytes(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return r.arrayBuffer();
}

/** model.json (with the plan's overrides) and its member files, as the worker's load request wants them. */
async function modelFiles(folder, { members, patchSize, skipEmptyPatches }) {
  const manifest = JSON.parse(new TextDecoder().decode(await bytes(`/model/${folder}/model.json`)));
  if (members) manifest.members = manifest.members.filter((m) => members.includes(m.file));
  if (patchSize) manifest.patchSize = patchSize;
  if (skipEmptyPatches !== undefined) manifest.skipEmptyPatches = skipEmptyPatches;
  const files = { 'model.json': new TextEncoder().encode(JSON.stringify(manifest)).buffer };
  for (const m of manifest.members) files[m.file] = await bytes(`/model/${folder}/${m.file}`);
  return { manifest, files };
}

/**
 * A synthetic case: an ellipsoid "head" (smooth texture, 0 outside, so z-scored background is
 * exactly 0 and empty patches can be skipped) with one bright, low-ADC lesion.
 */
function syntheticImages(channels, dims) {
  const [ni, nj, nk] = dims;
  const images = {};
  for (const id of channels) {
    const a = new Float32Array(ni * nj * nk);
    for (let k = 0, v = 0; k < nk; k++)
      for (let j = 0; j < nj; j++)
        for (let i = 0; i < ni; i++, v++) {
          const x = (i - ni * 0.35) / (ni * 0.25);
          const y = (j - nj * 0.35) / (nj * 0.25);
          const z = (k - nk * 0.35) / (nk * 0.25);
          if (x * x + y * y + z * z > 1) continue;
          const lesion = (x - 0.3) ** 2 + y * y + z * z < 0.08;
          const texture = 1 + 0.2 * Math.sin(i * 0.7) * Math.cos(j * 0.5) + 0.1 * Math.sin(k * 0.9);
          a[v] = id === 'adc' ? (lesion ? 0.0004 : 0.0008) * texture : (lesion ? 900 : 400) * texture;
        }
    images[id] = a;
  }
  return images;
}

/**
 * Loads the model on the worker with `path` ('wasm', 'plain' WebGPU, or { graphCapture,
 * gpuAccumulation }), runs it `reps` times on the synthetic case and keeps the first label's
 * probability map under `key`. Returns what ran and the stage timings of every rep.
 */
window.runQuorum = async ({
  key,
  folder,
  members,
  patchSize,
  skipEmptyPatches,
  path,
  allowFallbackAdapter = false,
  dims,
  ttaFlipAxes,
  reps = 1,
}) => {
  const { manifest, files } = await modelFiles(folder, { members, patchSize, skipEmptyPatches });
  worker ??= new Worker(new URL('../../../src-renderer/workers/inference.worker.ts', import.meta.url), { type: 'module' });
  const load = await call(
    worker,
    {
      type: 'load',
      requestId: 'load',
      files,
      preferWebGpu: path !== 'wasm',
      wasmThreads: navigator.hardwareConcurrency,
      ...(path === 'wasm' ? {} : { webgpuPath: path }),
      allowFallbackAdapter,
    },
    Object.values(files),
  );
  if (load.type !== 'loaded') throw new Error(load.message);
  const out = { key, ep: load.ep, fallbackReason: load.fallbackReason, webgpuDetail: load.webgpuDetail, timings: [] };
  for (let r = 0; r < reps; r++) {
    const images = syntheticImages(
      manifest.channels.map((c) => c.id),
      dims,
    );
    const res = await call(
      worker,
      {
        type: 'run',
        requestId: `run-${r}`,
        dims,
        spacingMm: manifest.targetSpacingMm,
        direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
        images,
        ...(ttaFlipAxes ? { ttaFlipAxes } : {}),
      },
      Object.values(images).map((a) => a.buffer),
    );
    if (res.type !== 'result') throw new Error(res.message);
    out.timings.push(res.result.timings);
    Object.assign(out, { webgpuDetail: res.webgpuDetail, grid: res.result.grid });
    maps.set(key, res.result.probabilities[0]);
  }
  return out;
};

/** Largest |a − b| between two kept maps. */
window.maxDiff = (a, b) => {
  const x = maps.get(a);
  const y = maps.get(b);
  if (!x || !y || x.length !== y.length) throw new Error(`maps ${a} and ${b} are missing or differ in size`);
  let d = 0;
  for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i] - y[i]));
  return d;
};

/**
 * ?plan=[{ ...runQuorum's arguments, compareTo?: key }]: run each, add maxAbsDiff against
 * `compareTo`, and POST { results } (or { error }) to /result.
 */
async function runPlan(plan) {
  const results = [];
  try {
    const adapter = navigator.gpu ? await navigator.gpu.requestAdapter() : null;
    const info = adapter ? `${adapter.info.vendor} ${adapter.info.architecture} fallback=${adapter.info.isFallbackAdapter}` : 'none';
    for (const step of plan) {
      const r = await window.runQuorum(step);
      if (step.compareTo) r.maxAbsDiff = window.maxDiff(step.key, step.compareTo);
      results.push({ adapter: info, ...r });
      console.log(JSON.stringify(results.at(-1)));
    }
    await fetch('/result', { method: 'POST', body: JSON.stringify({ results }) });
  } catch (e) {
    await fetch('/result', { method: 'POST', body: JSON.stringify({ results, error: String(e?.stack ?? e) }) });
  }
}

const plan = new URLSearchParams(location.search).get('plan');
window.ready = true;
if (plan) runPlan(JSON.parse(plan));
