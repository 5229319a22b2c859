/**
 * One reviewed case as a fit sees it: the model's float logits from a re-run, or its stored map
 * (uint8 q = round(p × 255), what the evaluation channel sends) read as logits, and the raters'
 * consensus as targets, over the stated region. The consensus is src-shared/project/consensus.ts's,
 * with the same rule for uncertain voxels as everywhere else; a rater's explicit "no lesion" counts
 * as an empty map.
 */
import { majorityConsensus, softConsensus } from '../project/consensus';
import type { UncertainAs } from '../project/labels';
import { RecalibrationError } from './fit';
import type { ReferenceKind } from './provenance';
import { logitsFromQuantised } from './recalibration';
import type { CalibrationCase } from './report';
import type { SoftmaxMethod } from './softmax';
import type { SoftmaxCalibrationCase } from './softmaxReport';

/**
 * `whole-image`: every voxel. `model-or-rater`: voxels where the stored p > 0 or a rater marked
 * lesion. The second leaves out the background the model is sure of (q = 0) and every rater left
 * empty: the stored map cannot say how sure (any p < 1/510 is stored as 0, read as 1/510), and
 * over a whole head those clamped voxels would both pull the fit and add Σp that the model never
 * predicted.
 */
export type CalibrationRegion = 'whole-image' | 'model-or-rater';

export interface ReviewedCase {
  readonly caseId: string;
  /** Voxel volume in ml. */
  readonly voxelMl: number;
  /** Each rater's newest submitted labelmap (0/1/2), null for an explicit "no lesion". */
  readonly labelmaps: readonly (Uint8Array | null)[];
  /** The stored result's map of the first foreground label (what the evaluation channel sends). */
  readonly quantisedProbability: Uint8Array;
  /**
   * The model's float logits per output channel from re-running it on the case (pipeline
   * `keepLogits`); absent, the fit reads logit(q / 255) of the stored map instead.
   */
  readonly rerunLogits?: readonly Float32Array[];
}

/** Targets over the whole case and the indices of the region's voxels. */
function selection(c: ReviewedCase, reference: ReferenceKind, region: CalibrationRegion, uncertainAs: UncertainAs) {
  const n = c.quantisedProbability.length;
  if (c.labelmaps.length === 0) throw new RecalibrationError(`case ${c.caseId} has no submitted rater answer to use as reference`);
  const maps = c.labelmaps.map((m) => m ?? new Uint8Array(n));
  if (maps.some((m) => m.length !== n)) throw new RecalibrationError(`case ${c.caseId}: a labelmap and the model's map differ in size`);
  if (c.rerunLogits?.some((z) => z.length !== n))
    throw new RecalibrationError(`case ${c.caseId}: the re-run's logits and the case differ in size`);
  const target = reference === 'soft' ? softConsensus(maps, uncertainAs) : Float32Array.from(majorityConsensus(maps, uncertainAs));
  const q = c.quantisedProbability;
  const inRegion = (v: number) => region === 'whole-image' || q[v] > 0 || maps.some((m) => m[v] !== 0);
  let count = 0;
  for (let v = 0; v < n; v++) if (inRegion(v)) count++;
  const voxels = new Uint32Array(count);
  let o = 0;
  for (let v = 0; v < n; v++) if (inRegion(v)) voxels[o++] = v;
  return { target, voxels };
}

function pick(values: ArrayLike<number>, voxels: Uint32Array): Float32Array {
  return Float32Array.from(voxels, (v) => values[v]);
}

/**
 * A binary model's case: the re-run's float logits when given, else logit(q / 255) of the stored
 * map. The region is chosen from the stored map either way, so both read the same voxels.
 */
export function calibrationCase(
  c: ReviewedCase,
  reference: ReferenceKind,
  region: CalibrationRegion,
  uncertainAs: UncertainAs,
): CalibrationCase {
  const { target, voxels } = selection(c, reference, region, uncertainAs);
  const logits = c.rerunLogits
    ? pick(c.rerunLogits[0], voxels)
    : logitsFromQuantised(Uint8Array.from(voxels, (v) => c.quantisedProbability[v]));
  return { caseId: c.caseId, voxelMl: c.voxelMl, logits, targets: pick(target, voxels) };
}

/**
 * A two-class softmax model's case (background, lesion): raters mark one lesion label, so the
 * targets are (1 − t, t), and a model with more classes has no reference in the project. Per-class
 * temperatures need the re-run's logits; a shared one can also read the stored map, whose
 * logit(q / 255) is z_lesion − z_background, as logits (0, logit(q / 255)): a shared temperature
 * does not depend on what constant the model adds to every class.
 */
export function softmaxCalibrationCase(
  c: ReviewedCase,
  labels: readonly string[],
  method: SoftmaxMethod,
  reference: ReferenceKind,
  region: CalibrationRegion,
  uncertainAs: UncertainAs,
): SoftmaxCalibrationCase {
  if (labels.length !== 2)
    throw new RecalibrationError(
      `raters mark one lesion label, so the project has no reference for a ${labels.length}-class model (${labels.join(', ')})`,
    );
  if (!c.rerunLogits && method === 'class-temperatures')
    throw new RecalibrationError(
      'per-class temperatures need the model’s own logits: re-run the model, or fit one shared temperature on the stored maps',
    );
  const { target, voxels } = selection(c, reference, region, uncertainAs);
  const lesion = pick(target, voxels);
  const logits = c.rerunLogits
    ? c.rerunLogits.map((z) => pick(z, voxels))
    : [new Float32Array(voxels.length), logitsFromQuantised(Uint8Array.from(voxels, (v) => c.quantisedProbability[v]))];
  return { caseId: c.caseId, voxelMl: c.voxelMl, logits, targets: [lesion.map((t) => 1 - t), lesion] };
}
