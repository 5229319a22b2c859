/**
 * Fetches one case's evaluation sources (the evaluation.caseSources channel) and decodes them into
 * the typed arrays evaluateCase takes: each rater's Uint8 labelmap (null for "no lesion"; raters
 * with only a draft are left out, review compares submitted work) and the chosen model's
 * probabilities p = q / 255 as Float32 with the mask saved beside them (the model's mask: the one
 * made at the user's threshold from the float map). Shared by the per-case panel and the dataset dashboard.
 */
import type { CaseSources } from '../../src-shared/api/evaluationChannels';
import type { CaseSourcesInput, CodedProbability, ModelSource, RaterSource } from '../../src-shared/evaluation/types';
import { ApiRequestError, getApi } from '../api';
import { onCaseGrid } from '../api/voxelPayload';
import { freeUnheld } from '../../src-shared/evaluation/inputGrids';
import { liveVersionLabelmaps, shareVersionLabelmap } from './sharedLabelmaps';

export interface LoadedCaseSources {
  readonly caseId: string;
  readonly name: string;
  readonly input: CaseSourcesInput;
  /** The channel's answer without the payloads, for listing (drafts-only raters, other models). */
  readonly meta: {
    readonly raters: ReadonlyArray<Omit<CaseSources['raters'][number], 'labelmap'>>;
    readonly models: ReadonlyArray<Omit<CaseSources['models'][number], 'probabilityQ255' | 'mask'>>;
  };
}

/** A model with no result on the case has no mask; its t only labels the empty column. */
const UNSAVED_THRESHOLD = 0.5;

/** p = q / 255 (float32) of each stored code q: the values the Float32 map p[i] = q[i] / 255 holds. */
const Q255_VALUES = Float32Array.from({ length: 256 }, (_, q) => q / 255);

/**
 * The stored form q kept as it is, with its table: 75 MiB where a Float32 copy cost 300 MiB on a
 * 512×512×300 CT, and every metric reads the same p (metrics take the table, as the soft reference's).
 */
function probabilityOf(stored: Uint8Array, voxels: number): CodedProbability {
  return { codes: onCaseGrid(stored, voxels, 'the stored probability map'), values: Q255_VALUES };
}

/**
 * Loads and decodes a case. `modelRaterId` picks the model (default: the first with a result on
 * this case, else the first listed, which then shows as "no result").
 */
export async function loadCaseSources(token: string, caseId: string, modelRaterId?: string): Promise<LoadedCaseSources> {
  // The versions the review's layers hold already are not sent again (5 × 75 MiB at once on a
  // 512×512×300 CT); pinned here so none is collected before the answer leaves it out.
  const pinned = await liveVersionLabelmaps();
  const res = await getApi()['quorum:evaluation.caseSources']({ session: token, caseId, held: [...pinned.keys()] });
  if (!res.ok) throw new ApiRequestError(res.error.code, res.error.message);
  const s = res.value;
  const g = s.geometry;
  const voxels = g.dims[0] * g.dims[1] * g.dims[2];
  /** One version's voxels: the pinned copy when the server left them out, else its payload shared once. */
  const labelmapOf = (versionId: string, sent: Uint8Array | 'held'): Uint8Array => {
    if (sent !== 'held') return shareVersionLabelmap(versionId, sent, voxels);
    const copy = pinned.get(versionId);
    if (!copy) throw new Error(`the server left out version ${versionId}'s voxels, which this page does not hold`);
    return copy;
  };
  const raters: RaterSource[] = [];
  for (const r of s.raters) {
    if (r.versionId === null) continue;
    // The review's layers may hold this version already: one copy, shared with the worker (sharedLabelmaps.ts).
    const labelmap = r.labelmap === null ? null : labelmapOf(r.versionId, r.labelmap);
    raters.push({ id: r.raterId, name: r.name, labelmap, key: r.versionId });
  }
  const chosen = s.models.find((m) => m.raterId === modelRaterId) ?? s.models.find((m) => m.versionId !== null) ?? s.models[0];
  let model: ModelSource | null = null;
  if (chosen) {
    const probability = chosen.probabilityQ255 === null ? null : probabilityOf(chosen.probabilityQ255, voxels);
    // The saved mask is the model version's labelmap, which the review draws as the model's layer: one shared copy.
    const savedMask = chosen.mask === null || chosen.versionId === null ? null : labelmapOf(chosen.versionId, chosen.mask);
    model = {
      id: chosen.raterId,
      name: chosen.name,
      probability,
      key: chosen.versionId ?? 'none',
      threshold: chosen.threshold ?? UNSAVED_THRESHOLD,
      ...(savedMask === null ? {} : { savedMask }),
      ...(chosen.expectedMl === null ? {} : { expectedMl: chosen.expectedMl }),
    };
  }
  const input: CaseSourcesInput = { geometry: g, raters, model };
  // Every payload of the answer is now copied out (shared memory, or a copy of its own): the answer's
  // buffer is freed now, not at the page's next collection (freeGrid.ts). A payload the input keeps
  // as it is (its own whole buffer: onCaseGrid) is left alone.
  const arrived = [...s.raters.map((r) => r.labelmap), ...s.models.flatMap((m) => [m.probabilityQ255, m.mask])];
  freeUnheld(
    arrived.filter((payload) => payload instanceof Uint8Array),
    input,
  );
  return {
    caseId: s.caseId,
    name: s.name,
    input,
    meta: {
      raters: s.raters.map(({ labelmap: _drop, ...rest }) => rest),
      models: s.models.map(({ probabilityQ255: _drop, mask: _mask, ...rest }) => rest),
    },
  };
}
