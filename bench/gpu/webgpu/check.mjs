// WebGPU smoke test of the demo model in Chromium: equal to WASM within 1e-4?
//   node bench/gpu/webgpu/check.mjs            SwiftShader (CPU machines): 32³, 1 rep
//   node bench/gpu/webgpu/check.mjs --gpu      NVIDIA flags from docs/gpu.md: 64×64×32 and 128³, 10 reps
// The check itself is webgpuCheck.mjs (shared with e2e/webgpu.spec.ts).
import { chromium } from '@playwright/test';
import { runWebGpuCheck, startCheckServer } from './webgpuCheck.mjs';

const gpu = process.argv.includes('--gpu');
const port = Number(process.env.PORT ?? 18401);
const args = gpu
  ? [
      '--headless',
      '--no-sandbox',
      '--enable-gpu',
      '--enable-unsafe-webgpu',
      '--ignore-gpu-blocklist',
      '--enable-features=Vulkan',
      '--use-vulkan=native',
      '--use-angle=vulkan',
      '--disable-vulkan-surface',
      '--disable-gpu-sandbox',
    ]
  : ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-quic', '--no-first-run'];
const server = await startCheckServer(port);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/lib/chromium/chromium', args });
let failed = false;
try {
  const page = await browser.newPage();
  const sizes = gpu
    ? [
        [64, 64, 32],
        [128, 128, 128],
      ]
    : [[32, 32, 32]];
  // On a GPU machine a fallback adapter would be a misconfiguration, so only the CPU run allows it.
  for (const r of await runWebGpuCheck(page, server.url, { sizes, reps: gpu ? 10 : 1, allowFallbackAdapter: !gpu })) {
    console.log(JSON.stringify(r));
    if (!(r.maxAbsDiff <= 1e-4)) failed = true;
  }
} finally {
  await browser.close();
  await server.close();
}
process.exit(failed ? 1 : 0);
