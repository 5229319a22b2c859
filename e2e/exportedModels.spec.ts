/**
 * Issue 14: real exported architectures dropped into the user models folder. The nnU-Net-style
 * and MONAI-style model folders (models/train/export_archs.py, Debian's PyTorch, made at set-up
 * with the Python reference of each pipeline) are copied into the e2e server's user models folder;
 * Settings lists them, and each runs on the demo DWI. The expected lesion volume shown (Σp · voxel
 * volume) must equal the Python reference's, within 1e-4 per voxel (the pipeline test's tolerance,
 * src-shared/inference/exportedArchs.test.ts).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { openAppSignedIn } from './helpers/openApp';
import { openCaseByName } from './helpers/openCase';

const repoRoot = path.resolve(import.meta.dirname, '..');
const TOL_P = 1e-4;
const MODELS = ['nnunet-style', 'monai-style'];
let out = '';

test.beforeAll(() => {
  out = mkdtempSync(path.join(tmpdir(), 'quorum-e2e-archs-'));
  execFileSync('/usr/bin/python3', [path.join(repoRoot, 'models', 'train', 'export_archs.py'), out], {
    env: { ...process.env, OMP_NUM_THREADS: '1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
});
test.afterAll(() => rmSync(out, { recursive: true, force: true }));

test('the nnU-Net-style and MONAI-style folders dropped into the user models folder are listed and run on the demo DWI', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await openAppSignedIn(page);
  await page.getByTestId('settings-button').click();
  const userDir = (await page.getByTestId('settings-user-models-dir').textContent()) ?? '';
  expect(userDir).toMatch(/models$/);
  await page.getByTestId('settings-close').click();
  // Unique folder names: the e2e server is shared with the other specs.
  for (const m of MODELS) cpSync(path.join(out, m), path.join(userDir, `e2e-${m}`), { recursive: true });
  await page.getByTestId('settings-button').click();
  for (const m of MODELS) await expect(page.getByTestId('settings-models')).toContainText(m);
  await page.getByTestId('settings-close').click();

  await openCaseByName(page, /dwi|diffusion/i);
  const voxelMl = 1.5 ** 3 / 1000; // the demo DWI's 1.5 mm voxels
  for (const m of MODELS) {
    const reference = new Float32Array(readFileSync(path.join(out, `${m}.reference.f32`)).buffer.slice(0));
    const expectedMl = reference.reduce((s, p) => s + p, 0) * voxelMl;
    await page.getByTestId('model-select').selectOption(`user/e2e-${m}`);
    await expect(page.getByTestId('model-refusal')).toHaveCount(0);
    await page.getByTestId('inference-run').click();
    const shown = page.getByTestId('inference-volumes');
    await expect(shown).toBeVisible({ timeout: 240_000 });
    const ml = Number(await shown.getAttribute('data-expected-ml'));
    expect(Math.abs(ml - expectedMl)).toBeLessThanOrEqual(reference.length * TOL_P * voxelMl);
  }
});
