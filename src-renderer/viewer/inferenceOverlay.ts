/**
 * The inference result drawn on the MPR viewer: the chosen map (probability, entropy or mutual
 * information) as a labelmap of quantised levels on a red–yellow ramp, and the thresholded mask as
 * a cyan outline over it. Both are labelmap layers (labelmapLayers.ts) derived from the volume on
 * screen, so they share the case grid the pipeline's output is on.
 *
 * The annotation session may remove every layer (mode switch, b-value switch rebinds only its own),
 * so `ensureInferenceLayers` re-adds ours from the arrays kept here.
 */
import { addLabelmapLayer, hasLabelmapLayer, removeLabelmapLayer, writeLabelmap } from './labelmapLayers';
import type { Rgba } from './raterColors';
import { shownCaseVolume } from './viewerSession';

const INFERENCE_MAP_SEGMENTATION = 'quorum-inference-map';
export const INFERENCE_MASK_SEGMENTATION = 'quorum-inference-mask';
export const MAP_LEVELS = 16;
/** Values at or below this fraction of the map's scale stay transparent. */
export const MAP_FLOOR = 0.05;

/**
 * The map's ramp: red (low) to yellow (high), fully saturated from the first level. viridis starts
 * at a dark purple that, blended over grey at the fill alpha, is barely distinguishable from the
 * image, and a model's low probabilities are exactly what a reader must see.
 */
export function mapLut(levels: number): Rgba[] {
  const lut: Rgba[] = [[0, 0, 0, 0]];
  for (let m = 1; m <= levels; m++) lut.push([255, Math.round((255 * (m - 1)) / Math.max(1, levels - 1)), 0, 255]);
  return lut;
}

const MASK_LUT: Rgba[] = [
  [0, 0, 0, 0],
  [0, 255, 255, 255],
];

let layers: { caseId: string; volumeId: string; map: Uint8Array; mask: Uint8Array } | null = null;

/** Shows (or replaces) the two layers for `caseId`; false when that case is not on screen. */
export function showInferenceLayers(caseId: string, map: Uint8Array, mask: Uint8Array): boolean {
  const shown = shownCaseVolume();
  if (!shown || shown.caseDescriptor.caseId !== caseId) return false;
  removeInferenceLayers();
  layers = { caseId, volumeId: shown.volumeId, map, mask };
  addLabelmapLayer(shown.viewer, shown.volumeId, {
    segmentationId: INFERENCE_MAP_SEGMENTATION,
    label: 'Model output',
    lut: mapLut(MAP_LEVELS),
    data: map,
    style: { renderOutline: false, fillAlpha: 0.6 },
  });
  addLabelmapLayer(shown.viewer, shown.volumeId, {
    segmentationId: INFERENCE_MASK_SEGMENTATION,
    label: 'Model mask',
    lut: MASK_LUT,
    data: mask,
    style: { renderFill: false, renderOutline: true, outlineWidth: 1 },
  });
  shown.viewer.renderingEngine.render();
  return true;
}

/** After another volume reached the screen: re-adds our layers when they were dropped or the volume changed. */
export function ensureInferenceLayers(): void {
  if (!layers) return;
  const shown = shownCaseVolume();
  if (!shown || shown.caseDescriptor.caseId !== layers.caseId) {
    removeInferenceLayers();
    return;
  }
  const present = hasLabelmapLayer(INFERENCE_MAP_SEGMENTATION) && hasLabelmapLayer(INFERENCE_MASK_SEGMENTATION);
  if (present && shown.volumeId === layers.volumeId) return;
  showInferenceLayers(layers.caseId, layers.map, layers.mask);
}

/** Redraws the map layer after its array changed in place (display switch). */
export function updateInferenceMap(): void {
  if (layers && hasLabelmapLayer(INFERENCE_MAP_SEGMENTATION)) writeLabelmap(INFERENCE_MAP_SEGMENTATION, layers.map);
  shownCaseVolume()?.viewer.renderingEngine.render();
}

/** Redraws the mask layer after its array changed in place (threshold). */
export function updateInferenceMask(): void {
  if (layers && hasLabelmapLayer(INFERENCE_MASK_SEGMENTATION)) writeLabelmap(INFERENCE_MASK_SEGMENTATION, layers.mask);
  shownCaseVolume()?.viewer.renderingEngine.render();
}

export function removeInferenceLayers(): void {
  const shown = shownCaseVolume();
  if (shown) {
    removeLabelmapLayer(shown.viewer, INFERENCE_MAP_SEGMENTATION);
    removeLabelmapLayer(shown.viewer, INFERENCE_MASK_SEGMENTATION);
    shown.viewer.renderingEngine.render();
  }
  layers = null;
}
