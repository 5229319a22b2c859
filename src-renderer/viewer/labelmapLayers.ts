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

const LABELMAP = ToolEnums.SegmentationRepresentations.Labelmap;

export interface LabelmapLayerSpec {
  readonly segmentationId: string;
  readonly label: string;
  readonly lut: Rgba[];
  /** Initial voxels (Uint8 on the case grid); all zero when absent. */
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

function voxelManagerOf(volume: Types.IImageVolume, segmentationId: string): NonNullable<Types.IImageVolume['voxelManager']> {
  if (!volume.voxelManager) throw new Error(`Labelmap ${segmentationId} has no voxel manager.`);
  return volume.voxelManager;
}

/** Adds a labelmap layer over `referenceVolumeId` (the shown case volume) in all three viewports. */
export function addLabelmapLayer(viewer: MprViewer, referenceVolumeId: string, spec: LabelmapLayerSpec): void {
  if (layers.has(spec.segmentationId)) removeLabelmapLayer(viewer, spec.segmentationId);
  const volumeId = volumeIdOf(spec.segmentationId);
  const volume = volumeLoader.createAndCacheDerivedLabelmapVolume(referenceVolumeId, { volumeId });
  if (spec.data) voxelManagerOf(volume, spec.segmentationId).setCompleteScalarDataArray?.(spec.data);
  segmentation.addSegmentations([
    { segmentationId: spec.segmentationId, representation: { type: LABELMAP, data: { volumeId } }, config: { label: spec.label } },
  ]);
  const lutIndex = segmentation.config.color.addColorLUT(spec.lut.map((c) => [...c]) as Types.ColorLUT);
  layers.set(spec.segmentationId, { volumeId, lutIndex, style: {} });
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

/** A copy of the layer's voxels (Uint8, i fastest). */
export function readLabelmap(segmentationId: string): Uint8Array {
  const data = voxelManagerOf(labelmapVolume(segmentationId), segmentationId).getCompleteScalarDataArray?.();
  if (!data) throw new Error(`Labelmap ${segmentationId} has no voxel data.`);
  return Uint8Array.from(data);
}

/** Replaces the layer's voxels and redraws. */
export function writeLabelmap(segmentationId: string, data: Uint8Array): void {
  voxelManagerOf(labelmapVolume(segmentationId), segmentationId).setCompleteScalarDataArray?.(data);
  segmentation.triggerSegmentationEvents.triggerSegmentationDataModified(segmentationId);
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
