/**
 * Review mode: every rater's newest submitted labelmap as its own layer (own colour table), a
 * legend with visibility toggles, and the soft-reference heat map (mean of the raters, computed
 * here with src-shared/project/consensus.ts; "no lesion" answers count as all-zero masks). Raters
 * with only a draft are listed but not drawn: review compares submitted work.
 *
 * Only a reviewer's or admin's session gets other raters' versions from the server; an annotator
 * never reaches this code with anyone else's data.
 */
import { raterCaseStatus } from '../../src-shared/project/annotationStatus';
import { countLabels } from '../../src-shared/project/labels';
import type { AnnotationVersion, CaseRecord } from '../../src-shared/project/types';
import { getApi } from '../api';
import { decodeLabelmap } from '../api/labelmapWire';
import { setRaterLayerVisible, showReviewLayers, updateHeatMap } from '../viewer/annotationSession';
import { computeHeatMap } from '../viewer/heatLevels';
import { annotationStore, tell, updateAnnotation, type HeatMapSettings, type RaterLayer } from './annotationState';

export async function loadReviewLayers(record: CaseRecord, token: string, current: () => boolean): Promise<void> {
  const api = getApi();
  const [raters, versions] = await Promise.all([api['quorum:rater.list']({ session: token }), api['quorum:annotation.list']({ session: token, caseId: record.caseId })]);
  if (!raters.ok || !versions.ok) {
    tell(`Review layers could not be loaded: ${!raters.ok ? raters.error.message : !versions.ok ? versions.error.message : ''}`, true);
    return;
  }
  const [x, y, z] = record.series[0].geometry.dims;
  const voxels = x * y * z;
  const byRater = new Map<string, AnnotationVersion[]>();
  for (const v of versions.value) byRater.set(v.raterId, [...(byRater.get(v.raterId) ?? []), v]);
  const layers: RaterLayer[] = [];
  const drawn: Array<{ raterId: string; name: string; colorIndex: number; data: Uint8Array }> = [];
  const named = raters.value.filter((r) => byRater.has(r.raterId));
  for (const [colorIndex, rater] of named.entries()) {
    const own = byRater.get(rater.raterId) ?? [];
    const newest = own[own.length - 1] ?? null;
    const submitted = [...own].reverse().find((v) => v.status === 'submitted') ?? null;
    let data: Uint8Array | null = null;
    if (submitted) {
      const read = await api['quorum:annotation.read']({ session: token, versionId: submitted.versionId });
      if (!read.ok) {
        tell(`${rater.name}'s annotation could not be read: ${read.error.message}`, true);
        continue;
      }
      data = await decodeLabelmap(read.value.labelmapGzBase64, voxels);
      drawn.push({ raterId: rater.raterId, name: rater.name, colorIndex, data });
    }
    const c = data ? countLabels(data) : null;
    layers.push({
      raterId: rater.raterId,
      name: rater.name,
      colorIndex,
      versionId: submitted?.versionId ?? null,
      status: raterCaseStatus(newest),
      visible: data !== null,
      voxels: c ? c.lesion + c.uncertain : 0,
    });
  }
  if (!current()) return;
  const heat = drawn.length > 0 ? computeHeatMap(drawn.map((d) => d.data)) : null;
  showReviewLayers(drawn, heat);
  const settings = { ...annotationStore.getState().heat, raters: drawn.length };
  updateHeatMap(settings);
  updateAnnotation({ layers, heat: settings });
}

export function setLayerVisibility(raterId: string, visible: boolean): void {
  setRaterLayerVisible(raterId, visible);
  updateAnnotation((s) => ({ layers: s.layers.map((l) => (l.raterId === raterId ? { ...l, visible } : l)) }));
}

export function changeHeatMap(patch: Partial<Omit<HeatMapSettings, 'raters'>>): void {
  const heat = { ...annotationStore.getState().heat, ...patch };
  updateAnnotation({ heat });
  updateHeatMap(heat);
}
