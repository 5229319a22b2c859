/**
 * Review mode: every rater's newest submitted labelmap as its own layer (own colour table), a
 * legend with visibility toggles, and the soft-reference heat map (mean of the raters, computed
 * here with src-shared/project/consensus.ts; "no lesion" answers count as all-zero masks). Raters
 * with only a draft are listed but not drawn: review compares submitted work.
 *
 * The heat map, its p = 0.5 contour and the disagreement map are made of human raters only, like
 * every consensus of the metrics panel and the dashboard: a saved model result is drawn as a layer
 * but joins them only when the user ticks "count model results" (issue 11, item 8). They use the
 * metrics panel's uncertain-voxel rule, so the heat map's Σ and the panel's V_soft are one number.
 *
 * Only a reviewer's or admin's session gets other raters' versions from the server; an annotator
 * never reaches this code with anyone else's data.
 */
import { raterCaseStatus } from '../../src-shared/project/annotationStatus';
import { labelsEvaluated } from '../../src-shared/project/labelTable';
import { countLabelled, type UncertainAs } from '../../src-shared/project/labels';
import type { AnnotationVersion, CaseRecord } from '../../src-shared/project/types';
import { getApi } from '../api';
import { HEAT_SEGMENTATION, raterSegmentationId, type AnnotationLayers } from '../viewer/annotationSession';
import { computeHeatMap, heatMapSum } from '../viewer/heatLevels';
import { raterColorIndices } from '../viewer/raterColors';
import { shareVersionLabelmap, sharedVersionLabelmap, sharingWhile } from './sharedLabelmaps';
import { annotationStore, tell, updateAnnotation, type HeatMapSettings, type RaterLayer, type ReviewMapSettings } from './annotationState';
import { freeGrid } from '../../src-shared/volume/freeGrid';

/**
 * What loading the review's layers draws on, made at start-up (controllers/startApp.ts): the viewer's
 * annotation layers, and the metrics panel's uncertain-voxel rule, which the heat map follows so its
 * Σ and the panel's V_soft are one number.
 */
export interface ReviewSources {
  readonly layers: AnnotationLayers;
  readonly uncertainAs: () => UncertainAs;
}

/**
 * Loads the review's layers into `review.layers`; the metrics panel waits for them to reuse their
 * copies (sharedLabelmaps.ts).
 */
export function loadReviewLayers(review: ReviewSources, record: CaseRecord, token: string, current: () => boolean): Promise<void> {
  return sharingWhile(loadLayers(review, record, token, current));
}

async function loadLayers(review: ReviewSources, record: CaseRecord, token: string, current: () => boolean): Promise<void> {
  const viewerLayers = review.layers;
  const api = getApi();
  const [raters, versions] = await Promise.all([
    api['quorum:rater.list']({ session: token }),
    api['quorum:annotation.list']({ session: token, caseId: record.caseId }),
  ]);
  if (!raters.ok || !versions.ok) {
    tell(`Review layers could not be loaded: ${!raters.ok ? raters.error.message : !versions.ok ? versions.error.message : ''}`, true);
    return;
  }
  const [x, y, z] = record.series[0].geometry.dims;
  const voxels = x * y * z;
  const byRater = new Map<string, AnnotationVersion[]>();
  for (const v of versions.value) byRater.set(v.raterId, [...(byRater.get(v.raterId) ?? []), v]);
  const layers: RaterLayer[] = [];
  const drawn: Array<{ raterId: string; name: string; colorIndex: number; data: Uint8Array; model: boolean }> = [];
  const colorIndices = raterColorIndices(raters.value);
  for (const rater of raters.value.filter((r) => byRater.has(r.raterId))) {
    const colorIndex = colorIndices.get(rater.raterId) ?? 0;
    const own = byRater.get(rater.raterId) ?? [];
    const newest = own[own.length - 1] ?? null;
    const submitted = [...own].reverse().find((v) => v.status === 'submitted') ?? null;
    let data: Uint8Array | null = null;
    if (submitted) {
      data = sharedVersionLabelmap(submitted.versionId);
      if (!data) {
        const read = await api['quorum:annotation.read']({ session: token, versionId: submitted.versionId });
        if (!read.ok) {
          tell(`${rater.name}'s annotation could not be read: ${read.error.message}`, true);
          continue;
        }
        const arrived = read.value.labelmap;
        data = shareVersionLabelmap(submitted.versionId, arrived, voxels);
        // The answer's one payload, copied into shared memory: freed now rather than at the page's
        // next collection, which a reload of 6 raters on 512×512×300 met holding 450 MiB of them.
        if (data.buffer !== arrived.buffer) freeGrid(arrived);
      }
      drawn.push({ raterId: rater.raterId, name: rater.name, colorIndex, data, model: rater.kind === 'model' });
    }
    layers.push({
      raterId: rater.raterId,
      name: rater.name,
      colorIndex,
      versionId: submitted?.versionId ?? null,
      status: raterCaseStatus(newest),
      visible: data !== null,
      voxels: data ? countLabelled(data) : 0,
      model: rater.kind === 'model',
    });
  }
  if (!current()) return;
  const before = annotationStore.getState().heat;
  const members = drawn.filter((d) => before.includeModels || !d.model);
  const uncertainAs = review.uncertainAs();
  const labels = labelsEvaluated(annotationStore.getState().labels);
  const label = labels ? (labels.find((l) => l === before.label) ?? labels[0]) : null;
  const heat =
    members.length > 0
      ? computeHeatMap(
          members.map((d) => d.data),
          uncertainAs,
          label,
        )
      : null;
  viewerLayers.showReviewLayers(drawn, heat, annotationStore.getState().labels);
  const voxelMl = record.series[0].geometry.spacingMm.reduce((a, b) => a * b, 1) / 1000;
  const models = members.filter((d) => d.model).length;
  const settings = { ...before, raters: members.length, models, uncertainAs, label, softMl: heat ? heatMapSum(heat) * voxelMl : 0 };
  viewerLayers.updateHeatMap(settings);
  const maps = annotationStore.getState().maps;
  const disagreementVoxels = viewerLayers.updateDisagreementMap({ visible: maps.disagreementVisible, measure: maps.measure });
  const contourVoxels = viewerLayers.updateSoftContour(maps.contourVisible);
  updateAnnotation({ layers, heat: settings, maps: { ...maps, disagreementVoxels, contourVoxels } });
}

/** Reloads the review layers of the case on screen (review mode only), e.g. after a model result was saved. */
export async function refreshReviewLayers(review: ReviewSources): Promise<void> {
  const s = annotationStore.getState();
  if (s.mode !== 'review' || !s.signedIn || !s.currentCase) return;
  const record = s.currentCase;
  await loadReviewLayers(review, record, s.signedIn.token, () => annotationStore.getState().currentCase?.caseId === record.caseId);
}

/** The explicit choice to count saved model results as raters in the heat map, its contour and the disagreement map. */
export async function includeModelsInConsensus(review: ReviewSources, includeModels: boolean): Promise<void> {
  updateAnnotation((s) => ({ heat: { ...s.heat, includeModels } }));
  await refreshReviewLayers(review);
}

/** Shows another certain label's soft reference and contour (multi-label tables). */
export async function showLabelInReview(review: ReviewSources, label: number): Promise<void> {
  updateAnnotation((s) => ({ heat: { ...s.heat, label } }));
  await refreshReviewLayers(review);
}

export function setLayerVisibility(viewerLayers: AnnotationLayers, raterId: string, visible: boolean): void {
  viewerLayers.setRaterLayerVisible(raterId, visible);
  updateAnnotation((s) => ({ layers: s.layers.map((l) => (l.raterId === raterId ? { ...l, visible } : l)) }));
}

export function changeHeatMap(
  viewerLayers: Pick<AnnotationLayers, 'updateHeatMap'>,
  patch: Partial<Pick<HeatMapSettings, 'visible' | 'opacity' | 'threshold'>>,
): void {
  const heat = { ...annotationStore.getState().heat, ...patch };
  updateAnnotation({ heat });
  viewerLayers.updateHeatMap(heat);
}

/** What redraws the disagreement map and the contour. */
export type ReviewMapLayers = Pick<AnnotationLayers, 'updateDisagreementMap' | 'updateSoftContour'>;

/** The disagreement map (shown, measure) and the p = 0.5 contour. */
export function changeReviewMaps(
  viewerLayers: ReviewMapLayers,
  patch: Partial<Pick<ReviewMapSettings, 'disagreementVisible' | 'measure' | 'contourVisible'>>,
): void {
  const next = { ...annotationStore.getState().maps, ...patch };
  const disagreementVoxels = viewerLayers.updateDisagreementMap({ visible: next.disagreementVisible, measure: next.measure });
  const contourVoxels = viewerLayers.updateSoftContour(next.contourVisible);
  updateAnnotation({ maps: { ...next, disagreementVoxels, contourVoxels } });
}

export function toggleDisagreementMap(viewerLayers: ReviewMapLayers): void {
  const s = annotationStore.getState();
  if (s.mode === 'review' && s.currentCase) changeReviewMaps(viewerLayers, { disagreementVisible: !s.maps.disagreementVisible });
}

/** Opens side-by-side with the first two drawn raters (or a rater and the soft reference), or closes it. */
export function toggleSideBySide(): void {
  const s = annotationStore.getState();
  if (s.sideBySide.open) {
    updateAnnotation({ sideBySide: { ...s.sideBySide, open: false } });
    return;
  }
  if (s.mode !== 'review' || !s.currentCase) return;
  const drawn = s.layers.filter((l) => l.versionId !== null).map((l) => raterSegmentationId(l.raterId));
  const panes = drawn.length >= 2 ? drawn.slice(0, 2) : [...drawn, HEAT_SEGMENTATION].slice(0, 2);
  if (panes.length < 2) return tell('Side by side needs at least one submitted annotation.', true);
  updateAnnotation({ sideBySide: { open: true, panes } });
}

export function choosePaneLayer(pane: number, segmentationId: string): void {
  updateAnnotation((s) => ({
    sideBySide: { ...s.sideBySide, panes: s.sideBySide.panes.map((p, n) => (n === pane ? segmentationId : p)) },
  }));
}

export function addPane(): void {
  updateAnnotation((s) => ({
    sideBySide: { ...s.sideBySide, panes: [...s.sideBySide.panes, s.sideBySide.panes[0] ?? HEAT_SEGMENTATION].slice(0, 4) },
  }));
}
