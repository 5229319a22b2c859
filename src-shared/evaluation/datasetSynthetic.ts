/**
 * A seeded synthetic cohort for the dashboard benchmark and tests: analytic balls on a fixed grid
 * (default 128×128×64 at 1×1×2 mm), three raters who disagree a little (radius ±10 %, centre
 * ±1 mm, the third misses lesions under 0.2 ml), and a model whose probability is a logistic ramp
 * across its own ball's surface (so V_thr and V_exp differ as they do for real models). About one
 * case in ten has no lesion (every rater answers "no lesion"); a third of those get a small false
 * positive blob from the model. Reference volumes are log-uniform from 0.05 to 120 ml, so every
 * stratum is populated.
 *
 * `syntheticCohort` only draws the numbers (cheap); `syntheticCaseInput` allocates one case's
 * arrays and fills only each ball's bounding box, so making a case costs about its lesion's size,
 * not the volume's. Synthetic data: label it so wherever it is shown. Environment-free.
 */
import type { Dims3, Spacing3 } from '../metrics/grid';
import { mulberry32 } from '../random/mulberry32';
import { axisAlignedGeometry } from '../volume/geometry';
import type { CaseSourcesInput } from './types';

type Vec3 = readonly [number, number, number];

export interface SyntheticBall {
  readonly centreMm: Vec3;
  readonly radiusMm: number;
}

export interface SyntheticCaseSpec {
  readonly caseId: string;
  readonly name: string;
  /** The truth; null for a case without a lesion. */
  readonly lesion: SyntheticBall | null;
  /** One ball per rater; null = "no lesion". */
  readonly raters: readonly (SyntheticBall | null)[];
  /** The model's ball (p = 0.5 on its surface), its ramp width and peak probability; null = nothing predicted. */
  readonly model: (SyntheticBall & { readonly softnessMm: number; readonly peak: number }) | null;
}

export interface SyntheticCohortOptions {
  readonly cases: number;
  readonly seed: number;
  readonly dims?: Dims3;
  readonly spacingMm?: Spacing3;
}

const SYNTHETIC_RATER_NAMES = ['Synthetic rater A', 'Synthetic rater B', 'Synthetic rater C'] as const;
const SYNTHETIC_DIMS: Dims3 = [128, 128, 64];
const SYNTHETIC_SPACING: Spacing3 = [1, 1, 2];

function radiusForMl(ml: number): number {
  return Math.cbrt((3 * ml * 1000) / (4 * Math.PI));
}

export function syntheticCohort(opts: SyntheticCohortOptions): SyntheticCaseSpec[] {
  if (!Number.isInteger(opts.cases) || opts.cases < 1)
    throw new Error(`synthetic cohort: cases must be a whole number ≥ 1, got ${opts.cases}`);
  const dims = opts.dims ?? SYNTHETIC_DIMS;
  const sp = opts.spacingMm ?? SYNTHETIC_SPACING;
  const fov = [dims[0] * sp[0], dims[1] * sp[1], dims[2] * sp[2]];
  const out: SyntheticCaseSpec[] = [];
  for (let i = 0; i < opts.cases; i++) {
    // One generator per case: a case does not change when the cohort grows.
    const rand = mulberry32((opts.seed ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0);
    const u = (lo: number, hi: number) => lo + (hi - lo) * rand();
    const empty = i % 10 === 3 || rand() < 0.03;
    const ml = Math.exp(u(Math.log(0.05), Math.log(120)));
    const r = radiusForMl(ml);
    const margin = Math.min(r + 6, Math.min(...fov) / 2 - 1);
    const centre: Vec3 = [u(margin, fov[0] - margin), u(margin, fov[1] - margin), u(margin, fov[2] - margin)];
    const jitter = (c: Vec3, mm: number): Vec3 => [c[0] + u(-mm, mm), c[1] + u(-mm, mm), c[2] + u(-mm, mm)];
    const name = `synthetic-${String(i + 1).padStart(3, '0')}`;
    if (empty) {
      const fp = rand() < 0.33;
      out.push({
        caseId: name,
        name,
        lesion: null,
        raters: SYNTHETIC_RATER_NAMES.map(() => null),
        model: fp ? { centreMm: centre, radiusMm: u(2, 4), softnessMm: 1, peak: u(0.6, 0.9) } : null,
      });
      continue;
    }
    const raters = SYNTHETIC_RATER_NAMES.map((_, k) =>
      k === 2 && ml < 0.2 ? null : { centreMm: jitter(centre, 1), radiusMm: r * u(0.9, 1.1) },
    );
    out.push({
      caseId: name,
      name,
      lesion: { centreMm: centre, radiusMm: r },
      raters,
      model: { centreMm: jitter(centre, 1.5), radiusMm: r * u(0.85, 1.1), softnessMm: 1.5, peak: 1 },
    });
  }
  return out;
}

/** Index range [lo, hi] of voxel centres within `reach` mm of `c` along one axis. */
function span(c: number, reach: number, spacing: number, n: number): [number, number] {
  return [Math.max(0, Math.ceil((c - reach) / spacing)), Math.min(n - 1, Math.floor((c + reach) / spacing))];
}

/** Writes `value(d)` (d = distance in mm from the centre) into the voxels within `reach` mm; voxel centres at index × spacing. */
function fillBall(
  out: Uint8Array | Float32Array,
  dims: Dims3,
  sp: Spacing3,
  centre: Vec3,
  reach: number,
  value: (d: number) => number,
): void {
  const [i0, i1] = span(centre[0], reach, sp[0], dims[0]);
  const [j0, j1] = span(centre[1], reach, sp[1], dims[1]);
  const [k0, k1] = span(centre[2], reach, sp[2], dims[2]);
  const sj = dims[0];
  const sk = dims[0] * dims[1];
  const r2 = reach * reach;
  for (let k = k0; k <= k1; k++) {
    const dz = k * sp[2] - centre[2];
    for (let j = j0; j <= j1; j++) {
      const dy = j * sp[1] - centre[1];
      const dyz = dy * dy + dz * dz;
      if (dyz > r2) continue;
      const row = k * sk + j * sj;
      for (let i = i0; i <= i1; i++) {
        const dx = i * sp[0] - centre[0];
        const d2 = dx * dx + dyz;
        if (d2 <= r2) out[row + i] = value(Math.sqrt(d2));
      }
    }
  }
}

/** One case's arrays: rater labelmaps (0/1, null for "no lesion") and the model's probability map. */
export function syntheticCaseInput(
  spec: SyntheticCaseSpec,
  dims: Dims3 = SYNTHETIC_DIMS,
  spacingMm: Spacing3 = SYNTHETIC_SPACING,
): CaseSourcesInput {
  const n = dims[0] * dims[1] * dims[2];
  const raters = spec.raters.map((ball, k) => {
    let labelmap: Uint8Array | null = null;
    if (ball) {
      labelmap = new Uint8Array(n);
      fillBall(labelmap, dims, spacingMm, ball.centreMm, ball.radiusMm, () => 1);
    }
    return {
      id: `synthetic-rater-${k + 1}`,
      name: SYNTHETIC_RATER_NAMES[k] ?? `Synthetic rater ${k + 1}`,
      labelmap,
      key: `${spec.caseId}:r${k}`,
    };
  });
  const probability = new Float32Array(n);
  const m = spec.model;
  if (m) {
    // Beyond 6 ramp widths p < 0.0025: left at 0, which keeps the fill to the ball's neighbourhood.
    fillBall(
      probability,
      dims,
      spacingMm,
      m.centreMm,
      m.radiusMm + 6 * m.softnessMm,
      (d) => m.peak / (1 + Math.exp((d - m.radiusMm) / m.softnessMm)),
    );
  }
  return {
    geometry: axisAlignedGeometry(dims, spacingMm),
    raters,
    model: { id: 'synthetic-model', name: 'Synthetic model', probability, key: `${spec.caseId}:model`, threshold: 0.5 },
  };
}
