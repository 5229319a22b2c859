/**
 * One reviewed case as a fit sees it: the model's stored map (uint8 q = round(p × 255), what the
 * evaluation channel sends) read as logits, and the raters' consensus as targets, over the stated
 * region. The consensus is src-shared/project/consensus.ts's, with the same rule for uncertain
 * voxels as everywhere else; a rater's explicit "no lesion" counts as an empty map.
 */
import { majorityConsensus, softConsensus } from '../project/consensus';
import type { UncertainAs } from '../project/labels';
import { RecalibrationError } from './fit';
import type { ReferenceKind } from './provenance';
import { logitsFromQuantised } from './recalibration';
import type { CalibrationCase } from './report';

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
  readonly quantisedProbability: Uint8Array;
}

export function calibrationCase(
  c: ReviewedCase,
  reference: ReferenceKind,
  region: CalibrationRegion,
  uncertainAs: UncertainAs,
): CalibrationCase {
  const n = c.quantisedProbability.length;
  if (c.labelmaps.length === 0) throw new RecalibrationError(`case ${c.caseId} has no submitted rater answer to use as reference`);
  const maps = c.labelmaps.map((m) => m ?? new Uint8Array(n));
  if (maps.some((m) => m.length !== n)) throw new RecalibrationError(`case ${c.caseId}: a labelmap and the model's map differ in size`);
  const target = reference === 'soft' ? softConsensus(maps, uncertainAs) : Float32Array.from(majorityConsensus(maps, uncertainAs));
  const q = c.quantisedProbability;
  const inRegion = (v: number) => region === 'whole-image' || q[v] > 0 || maps.some((m) => m[v] !== 0);
  let count = 0;
  for (let v = 0; v < n; v++) if (inRegion(v)) count++;
  const selectedQ = new Uint8Array(count);
  const targets = new Float32Array(count);
  let o = 0;
  for (let v = 0; v < n; v++) {
    if (!inRegion(v)) continue;
    selectedQ[o] = q[v];
    targets[o++] = target[v];
  }
  return { caseId: c.caseId, voxelMl: c.voxelMl, logits: logitsFromQuantised(selectedQ), targets };
}
