/**
 * Annotation layers as Cornerstone3D labelmap segmentations on the MPR viewer: the rater's own
 * editable labelmap, each rater's read-only labelmap (reviewer mode) and the heat map. One layer =
 * one segmentation with a labelmap volume derived from the shown case volume (same grid: i fastest,
 * slices along k, as the project store keeps masks), its own colour LUT, and one labelmap
 * representation per viewport.
 *
 * In Cornerstone's vocabulary: segmentation, representation, segment index (= our label value).
 */
import { cache, volumeLoader, type Types } from '@cornerstonejs/core';
import { Enums as ToolEnums, segmentation } from '@cornerstonejs/tools';
import { decacheVolume } from './createCaseVolume';
import { MPR_VIEWS, type MprViewer } from './mprViewer';
import type { Rgba } from './raterColors';
import type { SlicePatch } from '../../src-shared/project/labelmapSlices';

const LABELMAP = ToolEnums.SegmentationRepresentations.Labelmap;

export interface LabelmapLayerSpec {
  readonly segmentationId: string;
  readonly label: string;
  readonly lut: Rgba[];
  /**
   * The layer's voxels (Uint8 on the case grid), kept as they are, not copied: Cornerstone's slice
   * images are views of this array, so a layer costs one byte a voxel and a review's raters share
   * their arrays with the maps computed from them. Give each layer its own array. All zero when absent.
   */
  readonly data?: Uint8Array;
  /** How the layer is drawn (Cornerstone's defaults for what is absent); the same whether active or not. */
  readonly style?: LayerStyle;
}

export interface LayerStyle {
  readonly fillAlpha?: number;
  readonly renderFill?: boolean;
  readonly renderOutline?: boolean;
  readonly outlineWidth?: number;
}

interface Layer {
  volumeId: string;
  /** The array Cornerstone's slice images view: writing it and calling `layerModified` redraws. */
  voxels: Uint8Array;
  lutIndex: number;
  /** The style last applied (a side-by-side pane gets the same). */
  style: Record<string, number | boolean>;
}

const layers = new Map<string, Layer>();
/** Viewports outside the MPR trio that show single layers (side-by-side panes). */
const extraViewportIds = new Set<string>();

function volumeIdOf(segmentationId: string): string {
  // No ':' (Cornerstone would read a loader scheme), see createCaseVolume.ts.
  return `${segmentationId}-labelmap`;
}

function viewportIds(viewer: MprViewer): string[] {
  return MPR_VIEWS.map((v) => viewer.viewportIds[v]);
}

function labelmapVolume(segmentationId: string): Types.IImageVolume {
  const layer = layers.get(segmentationId);
  const volume = layer ? cache.getVolume(layer.volumeId) : undefined;
  if (!volume) throw new Error(`No labelmap layer ${segmentationId}.`);
  return volume;
}

/** Adds a labelmap layer over `referenceVolumeId` (the shown case volume) in all three viewports. */
export function addLabelmapLayer(viewer: MprViewer, referenceVolumeId: string, spec: LabelmapLayerSpec): void {
  if (layers.has(spec.segmentationId)) removeLabelmapLayer(viewer, spec.segmentationId);
  const volumeId = volumeIdOf(spec.segmentationId);
  const reference = cache.getVolume(referenceVolumeId);
  if (!reference) throw new Error(`No volume ${referenceVolumeId} to draw ${spec.segmentationId} on.`);
  const [nx, ny, nz] = reference.dimensions;
  const voxels = spec.data ?? new Uint8Array(nx * ny * nz);
  if (voxels.length !== nx * ny * nz)
    throw new Error(`Labelmap ${spec.segmentationId} has ${voxels.length} voxels, but the case grid has ${nx * ny * nz}.`);
  // A local volume over `voxels` (its slices are subarray views), where a derived labelmap volume
  // would allocate its own slices and take a copy: the copy doubled every layer's bytes.
  volumeLoader.createLocalVolume(volumeId, {
    scalarData: voxels,
    dimensions: reference.dimensions,
    spacing: reference.spacing,
    origin: reference.origin,
    direction: reference.direction,
    metadata: reference.metadata,
    referencedVolumeId: referenceVolumeId,
    referencedImageIds: reference.imageIds,
  });
  segmentation.addSegmentations([
    { segmentationId: spec.segmentationId, representation: { type: LABELMAP, data: { volumeId } }, config: { label: spec.label } },
  ]);
  const lutIndex = segmentation.config.color.addColorLUT(spec.lut.map((c) => [...c]) as Types.ColorLUT);
  layers.set(spec.segmentationId, { volumeId, voxels, lutIndex, style: {} });
  for (const viewportId of viewportIds(viewer)) {
    segmentation.addLabelmapRepresentationToViewportMap({
      [viewportId]: [{ segmentationId: spec.segmentationId, config: { colorLUTOrIndex: lutIndex } }],
    });
  }
  if (spec.style) setLayerStyle(viewer, spec.segmentationId, spec.style);
}

export function hasLabelmapLayer(segmentationId: string): boolean {
  return layers.has(segmentationId);
}

function removeLabelmapLayer(viewer: MprViewer, segmentationId: string): void {
  const layer = layers.get(segmentationId);
  if (!layer) return;
  for (const viewportId of [...viewportIds(viewer), ...extraViewportIds]) {
    try {
      segmentation.removeSegmentationRepresentations(viewportId, { segmentationId }, true);
    } catch {
      // The viewport may be gone already (unmount); the segmentation is removed below either way.
    }
  }
  segmentation.removeSegmentation(segmentationId);
  segmentation.state.removeColorLUT(layer.lutIndex);
  // Each removed layer kept its 75 MiB (512×512×300) of slice images until the cache filled.
  decacheVolume(layer.volumeId);
  layers.delete(segmentationId);
}

export function removeAllLabelmapLayers(viewer: MprViewer): void {
  for (const id of [...layers.keys()]) removeLabelmapLayer(viewer, id);
}

function layerOf(segmentationId: string): Layer {
  const layer = layers.get(segmentationId);
  if (!layer) throw new Error(`No labelmap layer ${segmentationId}.`);
  return layer;
}

/** A copy of the layer's voxels (Uint8, i fastest). */
export function readLabelmap(segmentationId: string): Uint8Array {
  return layerOf(segmentationId).voxels.slice();
}

/**
 * The layer's own voxels, live (what it was given or allocated): to compute a map straight into
 * the layer without a second grid-sized array. Call `layerModified` after writing.
 */
export function layerVoxels(segmentationId: string): Uint8Array {
  return layerOf(segmentationId).voxels;
}

/** Redraws a layer whose voxels were written in place. */
export function layerModified(segmentationId: string): void {
  segmentation.triggerSegmentationEvents.triggerSegmentationDataModified(segmentationId);
}

/**
 * Sets the voxels at flat `indices` to `values` and redraws, naming the slices they lie on (as
 * Cornerstone's own tools do), so listeners see which slices changed without comparing volumes.
 */
export function setLabelmapVoxels(segmentationId: string, indices: Uint32Array, values: Uint8Array, slices: number[]): void {
  const { voxels } = layerOf(segmentationId);
  for (let m = 0; m < indices.length; m++) voxels[indices[m]] = values[m];
  reportModifiedSlices(segmentationId, slices);
}

/** Tells the layer's listeners (and renderer) that `slices` changed. */
export function reportModifiedSlices(segmentationId: string, slices: number[]): void {
  segmentation.triggerSegmentationEvents.triggerSegmentationDataModified(segmentationId, slices);
}

/** A copy of the layer's axial slices `indices` (sorted, distinct). */
export function readLabelmapSlices(segmentationId: string, indices: number[]): SlicePatch {
  const { voxels } = layerOf(segmentationId);
  const [nx, ny] = labelmapVolume(segmentationId).dimensions;
  const size = nx * ny;
  const bytes = new Uint8Array(indices.length * size);
  indices.forEach((k, n) => {
    if (!Number.isInteger(k) || k < 0 || (k + 1) * size > voxels.length) throw new Error(`Labelmap ${segmentationId} has no slice ${k}.`);
    bytes.set(voxels.subarray(k * size, (k + 1) * size), n * size);
  });
  return { indices, bytes };
}

export function setLayerVisible(viewer: MprViewer, segmentationId: string, visible: boolean): void {
  if (!layers.has(segmentationId)) return;
  for (const viewportId of viewportIds(viewer)) {
    segmentation.config.visibility.setSegmentationRepresentationVisibility(viewportId, { segmentationId, type: LABELMAP }, visible);
  }
}

/** Applies `style` to the layer whether or not it is the active segmentation (review layers are all inactive but one). */
export function setLayerStyle(viewer: MprViewer, segmentationId: string, style: LayerStyle): void {
  const both = {
    ...(style.fillAlpha === undefined ? {} : { fillAlpha: style.fillAlpha, fillAlphaInactive: style.fillAlpha }),
    ...(style.renderFill === undefined ? {} : { renderFill: style.renderFill, renderFillInactive: style.renderFill }),
    ...(style.renderOutline === undefined ? {} : { renderOutline: style.renderOutline, renderOutlineInactive: style.renderOutline }),
    ...(style.outlineWidth === undefined
      ? {}
      : { outlineWidth: style.outlineWidth, outlineWidthInactive: style.outlineWidth, outlineOpacity: 1, outlineOpacityInactive: 1 }),
  };
  const layer = layers.get(segmentationId);
  if (layer) layer.style = { ...layer.style, ...both };
  for (const viewportId of viewportIds(viewer))
    segmentation.segmentationStyle.setStyle({ type: LABELMAP, viewportId, segmentationId }, both, true);
  viewer.renderingEngine.render();
}

/** The segmentation the brush edits, in every viewport. */
export function setActiveLayer(viewer: MprViewer, segmentationId: string): void {
  for (const viewportId of viewportIds(viewer)) segmentation.activeSegmentation.setActiveSegmentation(viewportId, segmentationId);
}

/** Ids of the segmentations drawn on the axial viewport (what a test can count). */
export function shownLayerIds(viewer: MprViewer): string[] {
  return segmentation.state.getSegmentationRepresentations(viewer.viewportIds.axial).map((r) => r.segmentationId);
}

/** The layer's grid: dims, and world (LPS mm) → continuous voxel index (voxel centres at integers). */
export function labelmapGrid(segmentationId: string): {
  dims: [number, number, number];
  spacingMm: [number, number, number];
  worldToIndex: (world: Types.Point3) => [number, number, number];
} {
  const volume = labelmapVolume(segmentationId);
  const imageData = volume.imageData;
  if (!imageData) throw new Error(`Labelmap ${segmentationId} has no image geometry.`);
  const [nx, ny, nz] = volume.dimensions;
  const [sx, sy, sz] = volume.spacing;
  return {
    dims: [nx, ny, nz],
    spacingMm: [sx, sy, sz],
    worldToIndex: (world) => {
      const [i, j, k] = imageData.worldToIndex([...world]);
      return [i, j, k];
    },
  };
}

/** Shows one existing layer, with its LUT and style, in a viewport outside the MPR trio (a side-by-side pane). */
export function showLayerInViewport(viewportId: string, segmentationId: string): void {
  const layer = layers.get(segmentationId);
  if (!layer) throw new Error(`No labelmap layer ${segmentationId}.`);
  extraViewportIds.add(viewportId);
  segmentation.addLabelmapRepresentationToViewportMap({ [viewportId]: [{ segmentationId, config: { colorLUTOrIndex: layer.lutIndex } }] });
  segmentation.segmentationStyle.setStyle({ type: LABELMAP, viewportId, segmentationId }, layer.style, true);
}

/** Removes every layer from a viewport outside the MPR trio and forgets it. */
export function clearViewportLayers(viewportId: string): void {
  try {
    segmentation.removeSegmentationRepresentations(viewportId, {}, true);
  } catch {
    // Already gone with its element.
  }
  extraViewportIds.delete(viewportId);
}
