/**
 * Issue 16: every option of Quorum's WebGPU path gives the plain path's probability map within
 * 1e-4, through Quorum's own inference worker and pipeline (bench/gpu/pipeline: the page the GPU
 * bench also drives) on SwiftShader, a fallback adapter allowed here explicitly (the app refuses
 * it). SwiftShader runs WebGPU far slower than WASM, so the case is tiny: demo member 0 with a 16³
 * patch, a 48×16×16 synthetic head (5 windows, the last one empty) and a 16³ one for TTA.
 */
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { buildPipelinePage, startPipelineServer } from '../bench/gpu/pipeline/pipelineCheck.mjs';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from './helpers/chromium';

test.use({ launchOptions: { executablePath: CHROMIUM_EXECUTABLE, args: [...CHROMIUM_ARGS, '--enable-unsafe-webgpu'] } });

interface RunOutcome {
  ep: string;
  webgpuDetail: string | null;
  grid: { windows: number; runs: number; skippedWindows: number };
}

test('graph capture, GPU accumulation and skipped empty patches each equal the plain path within 1e-4 (SwiftShader)', async ({ page }) => {
  test.setTimeout(600_000);
  buildPipelinePage();
  const server = await startPipelineServer(path.resolve(import.meta.dirname, '..', 'models'));
  try {
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
    const common = { folder: 'demo-dwi-lesion', members: ['member-0.onnx'], patchSize: [16, 16, 16], allowFallbackAdapter: true };
    const run = (key: string, extra: Record<string, unknown>) =>
      page.evaluate((a) => (window as unknown as { runQuorum(a: unknown): Promise<RunOutcome> }).runQuorum(a), {
        ...common,
        key,
        ...extra,
      } as Record<string, unknown>);
    const diff = (a: string, b: string) =>
      page.evaluate(([x, y]) => (window as unknown as { maxDiff(a: string, b: string): number }).maxDiff(x, y), [a, b]);
    const full = { graphCapture: true, gpuAccumulation: true };

    // Windows overlapping along i, no TTA.
    const slide = { dims: [48, 16, 16], ttaFlipAxes: [] };
    expect((await run('wasm', { ...slide, path: 'wasm' })).ep).toBe('wasm');
    const plain = await run('plain', { ...slide, path: 'plain' });
    expect(plain.ep).toBe('webgpu');
    expect(plain.webgpuDetail).toMatch(/plain path/);
    expect(await diff('plain', 'wasm')).toBeLessThanOrEqual(1e-4);

    const options: [string, Record<string, unknown>, RegExp][] = [
      ['capture+gpu', { path: full }, /GPU-resident input\/output · graph capture · GPU accumulation$/],
      ['gpu only', { path: { graphCapture: false, gpuAccumulation: true } }, /no graph capture \(off in this run\) · GPU accumulation/],
      ['capture only', { path: { graphCapture: true, gpuAccumulation: false } }, / graph capture · CPU accumulation \(off in this run\)/],
    ];
    for (const [key, extra, detail] of options) {
      const r = await run(key, { ...slide, ...extra });
      expect(r.webgpuDetail).toMatch(detail);
      expect(r.grid.skippedWindows).toBe(0);
      expect(await diff(key, 'plain'), key).toBeLessThanOrEqual(1e-4);
    }
    const skipped = await run('skip', { ...slide, path: full, skipEmptyPatches: true });
    // The synthetic head ends before the last window along i: that window is all zero after z-scoring.
    expect(skipped.grid.skippedWindows).toBeGreaterThan(0);
    expect(skipped.webgpuDetail).toMatch(/empty patches skipped/);
    expect(await diff('skip', 'plain')).toBeLessThanOrEqual(1e-4);

    // TTA: outputs flipped back along j and k by the accumulation shader.
    const tta = { dims: [16, 16, 16], ttaFlipAxes: [1, 2] };
    await run('plain-tta', { ...tta, path: 'plain' });
    const flipped = await run('gpu-tta', { ...tta, path: full });
    expect(flipped.grid.runs).toBe(4);
    expect(await diff('gpu-tta', 'plain-tta')).toBeLessThanOrEqual(1e-4);
  } finally {
    await server.close();
  }
});
