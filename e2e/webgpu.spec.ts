/**
 * WebGPU smoke test (issue 5): a demo model member on a 32³ input with onnxruntime-web's WebGPU
 * EP equal WASM within 1e-4. Here the adapter is SwiftShader, a fallback adapter the app treats as
 * unavailable, so this test (and only this test) allows it explicitly; it also enables WebGPU only
 * for this file, on top of the shared Chromium flags. The check is bench/gpu/webgpu/webgpuCheck.mjs,
 * the same one `node bench/gpu/webgpu/check.mjs` runs (and, with --gpu, on a lent GPU machine).
 */
import { expect, test } from '@playwright/test';
import { runWebGpuCheck, startCheckServer } from '../bench/gpu/webgpu/webgpuCheck.mjs';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from './helpers/chromium';

test.use({ launchOptions: { executablePath: CHROMIUM_EXECUTABLE, args: [...CHROMIUM_ARGS, '--enable-unsafe-webgpu'] } });

test('the demo model on WebGPU (SwiftShader, allowed explicitly) equals WASM within 1e-4 on 32³', async ({ page }) => {
  // SwiftShader runs WebGPU ~500-900x slower than WASM (~15 s for one 32³ pass here), so one member:
  // the three share one architecture, hence the same WebGPU kernels.
  test.setTimeout(180_000);
  const server = await startCheckServer(0);
  try {
    const results = await runWebGpuCheck(page, server.url, {
      sizes: [[32, 32, 32]],
      members: ['member-0.onnx'],
      allowFallbackAdapter: true,
    });
    expect(results).toHaveLength(1);
    for (const r of results) {
      expect(r.adapter).toMatch(/fallback=true/);
      expect(r.maxAbsDiff).toBeLessThanOrEqual(1e-4);
    }
    // Without the explicit allowance the check refuses the software adapter.
    await expect(runWebGpuCheck(page, server.url, { sizes: [[32, 32, 32]] })).rejects.toThrow(/fallback \(software\) adapter/);
  } finally {
    await server.close();
  }
});
