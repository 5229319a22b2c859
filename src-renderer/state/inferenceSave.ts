/**
 * "Save as rater" (issue 5): the shown inference result goes into the project as its model's rater
 * (src-main/services/project/modelResults.ts): the mask at the threshold the user picked, the
 * probabilities as the model's Float32 values (the server quantises them once into the stored form,
 * src-shared/inference/quantise.ts), and the provenance
 * with that threshold and the Σp/mask volumes from the float map.
 *
 * A multi-class result (issue 14; several foreground classes) is saved as its labelmap: each voxel
 * the argmax class, background where that is the background or where its p is at or below the
 * threshold (outputs.ts labelMask), each class written as the value of the project label of the
 * same name (classLabels.ts). A class without such a label refuses the save, naming it. Its stored
 * probabilities are the foreground classes' maps in the model's order (softmax: without the
 * background, which is 1 − their sum); a single-label result stores every output channel as before. Reviewers and admins only — the
 * store refuses annotators, who never see model results. In review mode the legend is reloaded so
 * the model appears as one more rater with its own colour.
 */
import { classValues, remapClasses } from '../../src-shared/inference/classLabels';
import { getApi } from '../api';
import { annotationStore } from './annotationState';
import type { InferenceController } from './inferenceController';
import type { InferenceState } from './inferenceState';
import { refreshReviewLayers, type ReviewSources } from './reviewActions';

/** The maps' Float32 values as one label-major byte array (a view, without a copy, for one map). */
function float32Bytes(maps: readonly Float32Array[]): Uint8Array<ArrayBuffer> {
  // The runners' maps are plain (not shared) buffers.
  if (maps.length === 1) return new Uint8Array(maps[0].buffer as ArrayBuffer, maps[0].byteOffset, maps[0].byteLength);
  const all = new Float32Array(maps.reduce((n, m) => n + m.length, 0));
  let at = 0;
  for (const m of maps) {
    all.set(m, at);
    at += m.length;
  }
  return new Uint8Array(all.buffer);
}

export async function saveResultAsRater(
  inference: Pick<InferenceController, 'resultForSave' | 'store'>,
  review: ReviewSources,
): Promise<void> {
  const set = (patch: Partial<InferenceState>): void => inference.store.update((s) => ({ ...s, ...patch }));
  const s = inference.store.getState();
  if (s.saving || s.phase !== 'done') return;
  // The mask at the threshold picked, computed here, once (the slider never makes one).
  const shown = inference.resultForSave();
  const a = annotationStore.getState();
  if (!shown) return;
  if (!a.signedIn || !a.currentCase) {
    set({ saveError: 'Sign in to the project (as a reviewer or admin) to save this result as a rater.' });
    return;
  }
  const [x, y, z] = a.currentCase.series[0].geometry.dims;
  if (shown.mask.length !== x * y * z) {
    set({ saveError: `The result has ${shown.mask.length} voxels but the project case grid has ${x * y * z}.` });
    return;
  }
  const multi = shown.classes.length > 1;
  const values = multi ? classValues(shown.classes, a.labels) : null;
  if (values && !values.ok) {
    set({ saveError: values.message });
    return;
  }
  const mask = values ? remapClasses(Uint8Array.from(shown.mask), values.values) : shown.mask;
  const probabilities = multi && shown.activation === 'softmax' ? shown.probabilities.slice(1) : shown.probabilities;
  const threshold = s.threshold;
  const provenance = {
    ...shown.provenance,
    settings: { ...shown.provenance.settings, threshold },
    volumes: s.volumes ? s.volumes.map((v) => ({ ...v })) : undefined,
  };
  set({ saving: true, saveError: null });
  try {
    const probabilityBytes = float32Bytes(probabilities);
    const saved = await getApi()['quorum:inference.saveResult']({
      session: a.signedIn.token,
      caseId: a.currentCase.caseId,
      mask,
      probabilities: probabilityBytes,
      probabilityVolumes: probabilities.length,
      provenance,
    });
    if (!saved.ok) {
      // The server limits a request by the case's grid: say what was too large, not only the byte limit.
      const mib = ((mask.length + probabilityBytes.length) / 2 ** 20).toFixed(1);
      const saveError =
        saved.error.code === 'too-large'
          ? `This result is too large to save: its mask and ${probabilities.length} probability map(s) are ${mib} MiB. ${saved.error.message}`
          : saved.error.message;
      set({ saving: false, saveError });
      return;
    }
    set({
      saving: false,
      saved: { raterName: saved.value.rater.name, versionId: saved.value.version.versionId, threshold: saved.value.threshold },
    });
    await refreshReviewLayers(review);
  } catch (e) {
    set({ saving: false, saveError: e instanceof Error ? e.message : String(e) });
  }
}
