/**
 * WebGPU smoke test (issue 5): a demo model member on a 32³ input with onnxruntime-web's WebGPU
 * EP equal WASM within 1e-4. Here the adapter is SwiftShader, a fallback adapter the app treats as
 * unavailable, so this test (and only this test) allows it explicitly; it also enables WebGPU only
 * for this file, on top of the shared Chromium flags. The check is bench/gpu/webgpu/webgpuCheck.mjs,
 * the same one `node bench/gpu/webgpu/check.mjs` runs (and, with --gpu, on a lent GPU machine).
 * Issue 14: the nnU-Net-style network (models/train/export_archs.py), whose ConvTransposes stop the
 * original graph on WebGPU, runs there once Quorum has rewritten them.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { loadModelFolder } from '../src-shared/inference';
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

test('the nnU-Net-style model runs on WebGPU (SwiftShader) once its ConvTransposes are rewritten, equal to WASM within 1e-4', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const out = mkdtempSync(path.join(tmpdir(), 'quorum-webgpu-archs-'));
  try {
    const repoRoot = path.resolve(import.meta.dirname, '..');
    execFileSync('/usr/bin/python3', [path.join(repoRoot, 'models', 'train', 'export_archs.py'), out], {
      env: { ...process.env, OMP_NUM_THREADS: '1' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const dir = path.join(out, 'nnunet-style');
    const model = await loadModelFolder(async (f) => new Uint8Array(readFileSync(path.join(dir, f))), 'nnunet-style');
    const rewritten = model.members[0].webgpuBytes;
    expect(rewritten).not.toBeNull();
    writeFileSync(path.join(dir, 'model.webgpu.onnx'), rewritten as Uint8Array);
    const server = await startCheckServer(0, dir);
    try {
      const opts = { sizes: [model.manifest.patchSize], channels: 1, output: 'out', allowFallbackAdapter: true };
      const [r] = await runWebGpuCheck(page, server.url, { ...opts, members: ['model.webgpu.onnx'] });
      expect(r.adapter).toMatch(/fallback=true/);
      expect(r.maxAbsDiff).toBeLessThanOrEqual(1e-4);
      // The original graph, 3D ConvTranspose and all, is what WebGPU cannot run.
      await expect(runWebGpuCheck(page, server.url, { ...opts, members: ['model.onnx'] })).rejects.toThrow();
    } finally {
      await server.close();
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
