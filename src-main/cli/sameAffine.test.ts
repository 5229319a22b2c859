/**
 * The evaluate CLI and the app place voxels by the same affine (issue 15): on an oblique,
 * anisotropic NIfTI pair the CLI (spawned as a process) and the app's evaluation path (the server's
 * case open, whose geometry the project stores, then evaluateCase as the metrics worker runs it)
 * report bit-identical distances. Before, the CLI took the spacing from the float32 pixdim and the
 * app from the sform's column norms, which differ in the last bits, so HD95 and ASSD differed by
 * about 1e-8 mm.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNifti } from '../../src-shared/nifti/index';
import { emptyMask, fillBox } from '../../src-shared/metrics/shapes';
import { evaluateCase } from '../../src-shared/evaluation/caseEvaluation';
import type { ConventionResult } from '../../src-shared/metrics/conventions/types';
import type { Direction, Geometry, Vec3 } from '../../src-shared/volume/types';
import { openCase } from '../services/caseLoader';

const ROOT = join(__dirname, '..', '..');
const dims: Vec3 = [14, 12, 9];

/** Rows = voxel axes in LPS: rotated 20° about S, then 35° about the rotated i axis (no axis is straight). */
function obliqueDirection(): Direction {
  const [a, b] = [(20 * Math.PI) / 180, (35 * Math.PI) / 180];
  const i: Vec3 = [Math.cos(a), Math.sin(a), 0];
  const j0: Vec3 = [-Math.sin(a), Math.cos(a), 0];
  const j: Vec3 = [j0[0] * Math.cos(b), j0[1] * Math.cos(b), Math.sin(b)];
  const k: Vec3 = [i[1] * j[2] - i[2] * j[1], i[2] * j[0] - i[0] * j[2], i[0] * j[1] - i[1] * j[0]];
  return [...i, ...j, ...k] as unknown as Direction;
}

const geometry: Geometry = { dims, spacingMm: [0.7, 0.9, 3.3], originLps: [-41.3, 17.9, 5.1], direction: obliqueDirection() };
// Two boxes that overlap in part, so HD95 and ASSD are finite and not zero.
const ref = () => fillBox(emptyMask(dims), dims, [3, 2, 2], [9, 8, 5]);
const pred = () => fillBox(emptyMask(dims), dims, [5, 3, 3], [12, 10, 7]);

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'quorum-same-affine-'));
  writeFileSync(join(dir, 'ref.nii.gz'), writeNifti({ geometry, data: ref() }, { gzip: true }));
  writeFileSync(join(dir, 'pred.nii.gz'), writeNifti({ geometry, data: pred() }, { gzip: true }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(): Record<'use' | 'metricsreloaded', ConventionResult> {
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'src-main/cli/evaluate.ts'),
      '--ref',
      join(dir, 'ref.nii.gz'),
      '--pred',
      join(dir, 'pred.nii.gz'),
    ].concat(['--convention', 'all']),
    { cwd: ROOT, encoding: 'utf8' },
  );
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as Record<'use' | 'metricsreloaded', ConventionResult>;
}

/** The app: the server opens the reference as a case; its grid is what the project stores and the panel evaluates on. */
async function app(): Promise<Record<'use' | 'metricsreloaded', ConventionResult>> {
  const opened = await openCase(join(dir, 'ref.nii.gz'), { caseId: 'c', volumeUrl: () => '' });
  if (!opened.ok) throw new Error(opened.error.message);
  const grid = opened.value.descriptor.volumes[0];
  const mask = pred();
  const ev = evaluateCase(
    {
      geometry: grid,
      raters: [{ id: 'r', name: 'Reference', labelmap: ref(), key: 'v1' }],
      model: { id: 'm', name: 'Prediction', probability: Float32Array.from(mask), key: 'v1', threshold: 0.5, savedMask: mask },
    },
    { conventions: ['use', 'metricsreloaded'], uncertainAs: 'lesion' },
  );
  const c = ev.comparisons.find((x) => x.kind === 'model-rater');
  if (!c) throw new Error('no model-rater comparison');
  return c.results as Record<'use' | 'metricsreloaded', ConventionResult>;
}

describe('evaluate CLI and the app on an oblique anisotropic pair', () => {
  it('give bit-identical HD95 and ASSD', async () => {
    const [fromCli, fromApp] = [cli(), await app()];
    for (const convention of ['use', 'metricsreloaded'] as const) {
      const a = fromApp[convention];
      const c = fromCli[convention];
      expect(a.hd95_mm).not.toBeNull();
      expect(a.assd_mm).toBeGreaterThan(0);
      // toBe: Object.is, so equal to the last bit (JSON prints the shortest string that reads back the same double).
      expect({ convention, hd95: c.hd95_mm, assd: c.assd_mm }).toEqual({ convention, hd95: a.hd95_mm, assd: a.assd_mm });
      expect(Object.is(c.hd95_mm, a.hd95_mm) && Object.is(c.assd_mm, a.assd_mm)).toBe(true);
    }
  });
});
