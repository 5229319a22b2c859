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
   * images are views of this array, so a layer costs one byte a voxel. A layer that is written (the
   * own labelmap, the contour) needs an array of its own; read-only layers may share one (the heat
   * and disagreement maps both draw the review's vote codes, each through its own colour table). All
   * zero when absent.
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

function volumeIdOf(segmentationId: string): string {
  // No ':' (Cornerstone would read a loader scheme), see createCaseVolume.ts.
  return `${segmentationId}-labelmap`;
}

function viewportIds(viewer: MprViewer): string[] {
  return MPR_VIEWS.map((v) => viewer.viewportIds[v]);
}

/**
 * The labelmap layers on the live viewer, by segmentation id: made once at start-up
 * (controllers/startApp.ts) and handed to the annotation layers, the side-by-side panes and the
 * edit tools, so every reader sees the same registry.
 */
export class LabelmapLayers {
  private readonly layers = new Map<string, Layer>();
  /** Viewports outside the MPR trio that show single layers (side-by-side panes). */
  private readonly extraViewportIds = new Set<string>();

  private labelmapVolume(segmentationId: string): Types.IImageVolume {
    const layer = this.layers.get(segmentationId);
    const volume = layer ? cache.getVolume(layer.volumeId) : undefined;
    if (!volume) throw new Error(`No labelmap layer ${segmentationId}.`);
    return volume;
  }

  /** Adds a labelmap layer over `referenceVolumeId` (the shown case volume) in all three viewports. */
  addLabelmapLayer(viewer: MprViewer, referenceVolumeId: string, spec: LabelmapLayerSpec): void {
    if (this.layers.has(spec.segmentationId)) this.removeLabelmapLayer(viewer, spec.segmentationId);
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
    this.layers.set(spec.segmentationId, { volumeId, voxels, lutIndex, style: {} });
    for (const viewportId of viewportIds(viewer)) {
      segmentation.addLabelmapRepresentationToViewportMap({
        [viewportId]: [{ segmentationId: spec.segmentationId, config: { colorLUTOrIndex: lutIndex } }],
      });
    }
    if (spec.style) this.setLayerStyle(viewer, spec.segmentationId, spec.style);
  }

  hasLabelmapLayer(segmentationId: string): boolean {
    return this.layers.has(segmentationId);
  }

  private removeLabelmapLayer(viewer: MprViewer, segmentationId: string): void {
    const layer = this.layers.get(segmentationId);
    if (!layer) return;
    for (const viewportId of [...viewportIds(viewer), ...this.extraViewportIds]) {
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
    this.layers.delete(segmentationId);
  }

  removeAllLabelmapLayers(viewer: MprViewer): void {
    for (const id of [...this.layers.keys()]) this.removeLabelmapLayer(viewer, id);
  }

  private layerOf(segmentationId: string): Layer {
    const layer = this.layers.get(segmentationId);
    if (!layer) throw new Error(`No labelmap layer ${segmentationId}.`);
    return layer;
  }

  /** A copy of the layer's voxels (Uint8, i fastest). */
  readLabelmap(segmentationId: string): Uint8Array {
    return this.layerOf(segmentationId).voxels.slice();
  }

  /**
   * The layer's own voxels, live (what it was given or allocated): to compute a map straight into
   * the layer without a second grid-sized array. Call `layerModified` after writing.
   */

  layerVoxels(segmentationId: string): Uint8Array {
    return this.layerOf(segmentationId).voxels;
  }

  /**
   * Sets the voxels at flat `indices` to `values` and redraws, naming the slices they lie on (as
   * Cornerstone's own tools do), so listeners see which slices changed without comparing volumes.
   */
  setLabelmapVoxels(segmentationId: string, indices: Uint32Array, values: Uint8Array, slices: number[]): void {
    const { voxels } = this.layerOf(segmentationId);
    for (let m = 0; m < indices.length; m++) voxels[indices[m]] = values[m];
    reportModifiedSlices(segmentationId, slices);
  }

  /** A copy of the layer's axial slices `indices` (sorted, distinct). */
  readLabelmapSlices(segmentationId: string, indices: number[]): SlicePatch {
    const { voxels } = this.layerOf(segmentationId);
    const [nx, ny] = this.labelmapVolume(segmentationId).dimensions;
    const size = nx * ny;
    const bytes = new Uint8Array(indices.length * size);
    indices.forEach((k, n) => {
      if (!Number.isInteger(k) || k < 0 || (k + 1) * size > voxels.length) throw new Error(`Labelmap ${segmentationId} has no slice ${k}.`);
      bytes.set(voxels.subarray(k * size, (k + 1) * size), n * size);
    });
    return { indices, bytes };
  }

  setLayerVisible(viewer: MprViewer, segmentationId: string, visible: boolean): void {
    if (!this.layers.has(segmentationId)) return;
    for (const viewportId of viewportIds(viewer)) {
      segmentation.config.visibility.setSegmentationRepresentationVisibility(viewportId, { segmentationId, type: LABELMAP }, visible);
    }
  }

  /**
   * Gives the layer new colours in place (same LUT slot, in every viewport showing it, panes too):
   * what a threshold or visibility change of a map needs, with no voxel written or uploaded.
   */
  setLayerLut(viewer: MprViewer, segmentationId: string, lut: Rgba[]): void {
    const layer = this.layerOf(segmentationId);
    segmentation.config.color.addColorLUT(lut.map((c) => [...c]) as Types.ColorLUT, layer.lutIndex);
    for (const viewportId of [...viewportIds(viewer), ...this.extraViewportIds]) {
      if (segmentation.state.getSegmentationRepresentations(viewportId, { segmentationId }).length === 0) continue;
      segmentation.triggerSegmentationEvents.triggerSegmentationRepresentationModified(viewportId, segmentationId);
    }
    viewer.renderingEngine.render();
  }

  /** Applies `style` to the layer whether or not it is the active segmentation (review layers are all inactive but one). */
  setLayerStyle(viewer: MprViewer, segmentationId: string, style: LayerStyle): void {
    const both = {
      ...(style.fillAlpha === undefined ? {} : { fillAlpha: style.fillAlpha, fillAlphaInactive: style.fillAlpha }),
      ...(style.renderFill === undefined ? {} : { renderFill: style.renderFill, renderFillInactive: style.renderFill }),
      ...(style.renderOutline === undefined ? {} : { renderOutline: style.renderOutline, renderOutlineInactive: style.renderOutline }),
      ...(style.outlineWidth === undefined
        ? {}
        : { outlineWidth: style.outlineWidth, outlineWidthInactive: style.outlineWidth, outlineOpacity: 1, outlineOpacityInactive: 1 }),
    };
    const layer = this.layers.get(segmentationId);
    if (layer) layer.style = { ...layer.style, ...both };
    for (const viewportId of viewportIds(viewer))
      segmentation.segmentationStyle.setStyle({ type: LABELMAP, viewportId, segmentationId }, both, true);
    viewer.renderingEngine.render();
  }

  /** The layer's grid: dims, and world (LPS mm) → continuous voxel index (voxel centres at integers). */
  labelmapGrid(segmentationId: string): {
    dims: [number, number, number];
    spacingMm: [number, number, number];
    worldToIndex: (world: Types.Point3) => [number, number, number];
  } {
    const volume = this.labelmapVolume(segmentationId);
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
  showLayerInViewport(viewportId: string, segmentationId: string): void {
    const layer = this.layers.get(segmentationId);
    if (!layer) throw new Error(`No labelmap layer ${segmentationId}.`);
    this.extraViewportIds.add(viewportId);
    segmentation.addLabelmapRepresentationToViewportMap({
      [viewportId]: [{ segmentationId, config: { colorLUTOrIndex: layer.lutIndex } }],
    });
    segmentation.segmentationStyle.setStyle({ type: LABELMAP, viewportId, segmentationId }, layer.style, true);
  }

  /** Removes every layer from a viewport outside the MPR trio and forgets it. */
  clearViewportLayers(viewportId: string): void {
    try {
      segmentation.removeSegmentationRepresentations(viewportId, {}, true);
    } catch {
      // Already gone with its element.
    }
    this.extraViewportIds.delete(viewportId);
  }
}

/** Redraws a layer whose voxels were written in place. */
export function layerModified(segmentationId: string): void {
  segmentation.triggerSegmentationEvents.triggerSegmentationDataModified(segmentationId);
}

/** Tells the layer's listeners (and renderer) that `slices` changed. */
export function reportModifiedSlices(segmentationId: string, slices: number[]): void {
  segmentation.triggerSegmentationEvents.triggerSegmentationDataModified(segmentationId, slices);
}

/** The segmentation the brush edits, in every viewport. */
export function setActiveLayer(viewer: MprViewer, segmentationId: string): void {
  for (const viewportId of viewportIds(viewer)) segmentation.activeSegmentation.setActiveSegmentation(viewportId, segmentationId);
}

/** Ids of the segmentations drawn on the axial viewport (what a test can count). */
export function shownLayerIds(viewer: MprViewer): string[] {
  return segmentation.state.getSegmentationRepresentations(viewer.viewportIds.axial).map((r) => r.segmentationId);
}
