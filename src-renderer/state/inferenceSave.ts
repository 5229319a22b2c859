/**
 * "Save as rater" (issue 5): the shown inference result goes into the project as its model's rater
 * (src-main/services/project/modelResults.ts): the mask at the threshold the user picked, the
 * probabilities quantised to uint8 (src-shared/inference/quantise.ts says why), and the provenance
 * with that threshold and the Σp/mask volumes from the float map. Reviewers and admins only — the
 * store refuses annotators, who never see model results. In review mode the legend is reloaded so
 * the model appears as one more rater with its own colour.
 */
import { quantiseProbabilities } from '../../src-shared/inference/quantise';
import { getApi } from '../api';
import { encodeLabelmap } from '../api/labelmapWire';
import { annotationStore } from './annotationState';
import { shownResult } from './inferenceActions';
import { inferenceStore, type InferenceState } from './inferenceState';
import { refreshReviewLayers } from './reviewActions';

function set(patch: Partial<InferenceState>): void {
  inferenceStore.update((s) => ({ ...s, ...patch }));
}

export async function saveResultAsRater(): Promise<void> {
  const shown = shownResult();
  const s = inferenceStore.getState();
  const a = annotationStore.getState();
  if (!shown || s.saving || s.phase !== 'done') return;
  if (!a.signedIn || !a.currentCase) {
    set({ saveError: 'Sign in to the project (as a reviewer or admin) to save this result as a rater.' });
    return;
  }
  const [x, y, z] = a.currentCase.series[0].geometry.dims;
  if (shown.mask.length !== x * y * z) {
    set({ saveError: `The result has ${shown.mask.length} voxels but the project case grid has ${x * y * z}.` });
    return;
  }
  const threshold = s.threshold;
  const provenance = {
    ...shown.provenance,
    settings: { ...shown.provenance.settings, threshold },
    volumes: s.volumes ? s.volumes.map((v) => ({ ...v })) : undefined,
  };
  set({ saving: true, saveError: null });
  try {
    const [maskGzBase64, probabilityGzBase64] = await Promise.all([
      encodeLabelmap(shown.mask),
      encodeLabelmap(quantiseProbabilities(shown.probabilities)),
    ]);
    const saved = await getApi()['quorum:inference.saveResult']({
      session: a.signedIn.token,
      caseId: a.currentCase.caseId,
      maskGzBase64,
      probabilityGzBase64,
      probabilityVolumes: shown.probabilities.length,
      provenance,
    });
    if (!saved.ok) {
      set({ saving: false, saveError: saved.error.message });
      return;
    }
    set({
      saving: false,
      saved: { raterName: saved.value.rater.name, versionId: saved.value.version.versionId, threshold: saved.value.threshold },
    });
    await refreshReviewLayers();
  } catch (e) {
    set({ saving: false, saveError: e instanceof Error ? e.message : String(e) });
  }
}
