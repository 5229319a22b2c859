/**
 * Two Cornerstone tools adapted for Quorum, and the hook that turns a freehand contour into labelmap
 * voxels:
 * - QuorumThresholdBrush: Cornerstone's BrushTool with the THRESHOLD_INSIDE_CIRCLE strategy, whose
 *   intensity range is taken from the press: the image value v under the pointer ± the tolerance,
 *   a fraction of the current window width W (range [v − f·W, v + f·W]), fixed for the whole stroke.
 *   Tying it to the window means the range scales with the modality (HU, DWI signal) and follows
 *   what the rater sees: narrowing the window narrows the brush.
 * - QuorumPaintFill: Cornerstone's PaintFillTool (in-plane flood fill of the connected region that
 *   has the clicked label value) plus an undo step; Cornerstone's version writes without history.
 * - Freehand contours are drawn with PlanarFreehandROITool; when one is completed, its polyline is
 *   handed to a listener (which fills it into the labelmap) and the annotation itself is removed.
 */
import { eventTarget, getEnabledElement, utilities as csUtils, type Types } from '@cornerstonejs/core';
import {
  annotation as csAnnotation,
  BrushTool,
  Enums as ToolEnums,
  PaintFillTool,
  segmentation,
  type Types as ToolTypes,
} from '@cornerstonejs/tools';
import type { LabelmapLayers } from './labelmapLayers';
import { recordLabelmapEdit } from './labelmapEdits';
import { editing } from './ownLabelmapChanges';

/** The tolerance f of the threshold brush, as a fraction of the window width. */
export const THRESHOLD_TOLERANCE = { min: 0.01, max: 1, initial: 0.1 } as const;

let tolerance: number = THRESHOLD_TOLERANCE.initial;

/**
 * The DOM event a threshold stroke's range is announced with, on the viewport's element (as
 * Cornerstone announces its own); the viewer turns it into the typed 'threshold-range' event.
 */
export const THRESHOLD_RANGE_EVENT = 'quorum:threshold-range';

export function setThresholdTolerance(fraction: number): void {
  tolerance = Math.min(THRESHOLD_TOLERANCE.max, Math.max(THRESHOLD_TOLERANCE.min, fraction));
}

/** [v − f·W, v + f·W] for the image value v under `world` in `viewport`, or null off the image. */
function rangeAt(viewport: Types.IVolumeViewport, world: Types.Point3): [number, number] | null {
  const image = viewport.getImageData();
  if (!image?.voxelManager) return null;
  const ijk = csUtils.transformWorldToIndex(image.imageData, world) as [number, number, number];
  const [nx, ny, nz] = image.dimensions;
  if (ijk.some((v, a) => v < 0 || v >= [nx, ny, nz][a])) return null;
  const raw = image.voxelManager.getAtIJKPoint(ijk);
  if (raw === null || raw === undefined) return null;
  const value = typeof raw === 'number' ? raw : Math.hypot(...raw);
  const voi = viewport.getProperties()?.voiRange;
  const width = voi ? voi.upper - voi.lower : 0;
  const half = tolerance * (width > 0 ? width : Math.abs(value) || 1);
  return [value - half, value + half];
}

export class QuorumThresholdBrush extends BrushTool {
  static override toolName = 'QuorumThresholdBrushBase';
  constructor(toolProps: ToolTypes.PublicToolProps = {}) {
    super(toolProps);
    const base = this.preMouseDownCallback;
    this.preMouseDownCallback = (evt) => {
      const { element, currentPoints } = evt.detail;
      const viewport = getEnabledElement(element)?.viewport as Types.IVolumeViewport | undefined;
      const range = viewport ? rangeAt(viewport, currentPoints.world) : null;
      if (!range) return false;
      this.configuration.threshold = { ...(this.configuration.threshold ?? {}), isDynamic: false, range };
      element.dispatchEvent(new CustomEvent(THRESHOLD_RANGE_EVENT, { detail: range }));
      return base(evt);
    };
  }
}

/**
 * The fill's configuration: Cornerstone makes the tool itself, so the layer registry it records its
 * undo step in comes through the configuration, as a function (Cornerstone deep-merges
 * configuration objects, which would copy a registry's Map into a plain object).
 */
export interface PaintFillConfiguration {
  readonly labelmaps: () => LabelmapLayers;
}

export class QuorumPaintFill extends PaintFillTool {
  static override toolName = 'QuorumPaintFillBase';
  constructor(toolProps: ToolTypes.PublicToolProps = {}) {
    super(toolProps);
    const base = this.preMouseDownCallback;
    this.preMouseDownCallback = (evt) => {
      const viewport = getEnabledElement(evt.detail.element)?.viewport;
      const segmentationId = viewport ? segmentation.activeSegmentation.getActiveSegmentation(viewport.id)?.segmentationId : undefined;
      const layers = (this.configuration as Partial<PaintFillConfiguration>).labelmaps?.();
      const before = layers && segmentationId && layers.hasLabelmapLayer(segmentationId) ? layers.readLabelmap(segmentationId) : null;
      // Its fill announces its slices like a brush stroke does; it is one of Quorum's edits.
      const used = editing('tool', () => base(evt));
      if (layers && segmentationId && before) recordLabelmapEdit(layers, segmentationId, before);
      return used;
    };
  }
}

/**
 * Calls `listener` with the world polyline of each completed contour drawn with the tool instance
 * `toolName`, then removes that annotation (the labelmap keeps the result, not the contour).
 */
export function onContourCompleted(toolName: string, listener: (polyline: Types.Point3[]) => void): () => void {
  const handler = (evt: Event) => {
    const completed = (evt as CustomEvent<{ annotation?: ToolTypes.Annotation }>).detail?.annotation;
    if (!completed || completed.metadata?.toolName !== toolName) return;
    const contour = (completed.data as { contour?: { polyline?: Types.Point3[] } }).contour;
    if (completed.annotationUID) csAnnotation.state.removeAnnotation(completed.annotationUID);
    if (contour?.polyline && contour.polyline.length >= 3) listener(contour.polyline);
  };
  eventTarget.addEventListener(ToolEnums.Events.ANNOTATION_COMPLETED, handler);
  return () => eventTarget.removeEventListener(ToolEnums.Events.ANNOTATION_COMPLETED, handler);
}
