// The WebGPU-vs-WASM check of the demo model, shared by the CLI script (check.mjs, also for a lent
// GPU machine) and the e2e smoke test (e2e/webgpu.spec.ts): serve the check page, then, in a
// Playwright page, run demo members on WebGPU (NCHW) and on WASM with the same input and report the
// largest difference and the timings. A fallback adapter (SwiftShader) is not a GPU: the check page
// refuses it unless allowFallbackAdapter is passed — only the CPU smoke test does (the app itself
// treats it as unavailable, src-renderer/workers/inference.worker.ts).
import { listening, serve } from './server.mjs';

/** Starts the check page's static server (COOP/COEP) on `port` (0: any free port); models from `modelDir`. */
export async function startCheckServer(port = 0, modelDir = undefined) {
  return listening(serve(port, modelDir));
}

/**
 * Runs the check on `page` against `url` (startCheckServer): for each member file and size, one
 * result { adapter, file, size, maxAbsDiff, webgpuMs, wasmMs }.
 */
export async function runWebGpuCheck(
  page,
  url,
  { sizes, reps = 1, members = ['member-0.onnx'], allowFallbackAdapter = false, channels = 2, output = 'logits' },
) {
  await page.goto(`${url}/index.html`);
  await page.waitForFunction(() => window.ready === true);
  const results = [];
  for (const file of members)
    for (const size of sizes)
      results.push(await page.evaluate((a) => window.runCheck(a), { file, size, reps, allowFallbackAdapter, channels, output }));
  return results;
}
