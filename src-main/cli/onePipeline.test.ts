/**
 * One evaluation pipeline: the `evaluate` CLI's case function (NIfTI files → evaluateFiles) and the
 * app's per-case evaluation (a rater's labelmap and a model's map → evaluateCase, as the metrics
 * worker runs it) give bit-identical results for the same masks, under every convention — also on
 * an empty reference, an empty prediction, anisotropic spacing, with T and with typed tolerances.
 * The spacings are float32-exact, because a NIfTI stores pixdim as float32.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNifti } from '../../src-shared/nifti/index';
import { evaluateCase } from '../../src-shared/evaluation/caseEvaluation';
import type { EvaluationOptions } from '../../src-shared/evaluation/types';
import { CONVENTIONS, type ConventionResult } from '../../src-shared/metrics/conventions/types';
import type { Dims3, Spacing3 } from '../../src-shared/metrics/grid';
import { emptyMask, fillBall, fillBox } from '../../src-shared/metrics/shapes';
import type { Direction } from '../../src-shared/volume/types';
import { axisAlignedGeometry } from '../../src-shared/volume/geometry';
import { evaluateFiles } from './evaluateCase';
import { toJson } from './serialize';

const I: Direction = [1, 0, 0, 0, 1, 0, 0, 0, 1];
let dir = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'quorum-one-pipeline-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeMask(name: string, mask: Uint8Array, dims: Dims3, spacing: Spacing3): string {
  const p = join(dir, name);
  const geometry = { dims, spacingMm: spacing, originLps: [0, 0, 0] as const, direction: I };
  writeFileSync(p, writeNifti({ geometry, data: mask }, { gzip: true }));
  return p;
}

interface PairCase {
  readonly name: string;
  readonly dims: Dims3;
  readonly spacing: Spacing3;
  readonly ref: Uint8Array;
  readonly pred: Uint8Array;
  readonly thresholdMl?: number;
  readonly tolerancesMm?: readonly number[];
}

/** The app's result for reference = the only rater, prediction = the model's mask p > 0.5. */
async function bothPaths(c: PairCase): Promise<{ cli: Record<string, ConventionResult>; app: Record<string, ConventionResult> }> {
  const files = {
    ref: writeMask(`${c.name}-ref.nii.gz`, c.ref, c.dims, c.spacing),
    pred: writeMask(`${c.name}-pred.nii.gz`, c.pred, c.dims, c.spacing),
  };
  const cli = (await evaluateFiles(files, { convention: 'all', thresholdMl: c.thresholdMl, tolerancesMm: c.tolerancesMm })) as Record<
    string,
    ConventionResult
  >;
  const options: EvaluationOptions = {
    conventions: CONVENTIONS,
    uncertainAs: 'background',
    ...(c.thresholdMl === undefined ? {} : { useThresholdMl: c.thresholdMl }),
    ...(c.tolerancesMm === undefined ? {} : { surfaceTolerancesMm: c.tolerancesMm }),
  };
  const probability = Float32Array.from(c.pred, (v) => (v ? 0.75 : 0.25));
  const evaluation = evaluateCase(
    {
      geometry: axisAlignedGeometry(c.dims, c.spacing),
      raters: [{ id: 'r1', name: 'Rater', labelmap: c.ref, key: 'v1' }],
      model: { id: 'm', name: 'Model', probability, key: 'p1', threshold: 0.5 },
    },
    options,
  );
  const comparison = evaluation.comparisons.find((x) => x.kind === 'model-rater');
  if (!comparison) throw new Error('the app made no model–rater comparison');
  return { cli, app: comparison.results as Record<string, ConventionResult> };
}

const aniso: Dims3 = [24, 20, 10];
const anisoSpacing: Spacing3 = [0.5, 1.25, 3];
const ball = (centre: readonly number[], r: number) => fillBall(emptyMask(aniso), aniso, anisoSpacing, centre, r);

const CASES: readonly PairCase[] = [
  {
    name: 'overlap',
    dims: aniso,
    spacing: anisoSpacing,
    ref: ball([10, 9, 4], 6),
    pred: (() => {
      const m = ball([12, 9, 5], 5.5);
      m[3 + 2 * aniso[0] + 8 * aniso[0] * aniso[1]] = 1; // a false-positive lesion of one voxel
      return m;
    })(),
  },
  {
    name: 'overlap-T-tolerances',
    dims: aniso,
    spacing: anisoSpacing,
    ref: ball([10, 9, 4], 6),
    pred: ball([11, 10, 4], 6),
    thresholdMl: 0.05,
    tolerancesMm: [0.5, 4],
  },
  { name: 'empty-reference', dims: aniso, spacing: anisoSpacing, ref: emptyMask(aniso), pred: ball([12, 9, 5], 3), thresholdMl: 0.01 },
  { name: 'empty-prediction', dims: aniso, spacing: anisoSpacing, ref: ball([10, 9, 4], 4), pred: emptyMask(aniso) },
  {
    name: 'both-empty-isotropic',
    dims: [8, 8, 8],
    spacing: [1, 1, 1],
    ref: emptyMask([8, 8, 8]),
    pred: emptyMask([8, 8, 8]),
  },
  {
    name: 'boxes-isotropic',
    dims: [12, 12, 12],
    spacing: [1, 1, 1],
    ref: fillBox(emptyMask([12, 12, 12]), [12, 12, 12], [2, 2, 2], [6, 6, 6]),
    pred: fillBox(emptyMask([12, 12, 12]), [12, 12, 12], [3, 2, 2], [7, 6, 6]),
  },
];

describe('the CLI and the app evaluate a case through one pipeline', () => {
  for (const c of CASES) {
    it(`gives bit-identical results: ${c.name}`, async () => {
      const { cli, app } = await bothPaths(c);
      for (const convention of CONVENTIONS) {
        // toStrictEqual compares numbers with Object.is (NaN = NaN, 0 ≠ −0); the JSON text also pins the key order.
        expect(app[convention]).toStrictEqual(cli[convention]);
        expect(toJson(app[convention])).toBe(toJson(cli[convention]));
      }
    });
  }

  it('sees the empty cases as empty (so the comparison above covers the empty rules)', async () => {
    const { cli } = await bothPaths(CASES[2]);
    expect(cli.use.dice).toBeNaN();
    expect(cli.isles22.dice).toBe(0);
    expect(cli.metricsreloaded.hd_mm).toBeNaN();
    expect(cli.use.image_class).toBe('FP');
  });
});
