/**
 * The annotation layers of the one live viewer (viewerSession.ts): the signed-in rater's editable
 * labelmap, or in review mode one read-only layer per rater plus the heat map. The controllers and
 * the review verbs call one AnnotationLayers, made at start-up; only this module and
 * labelmapLayers.ts touch Cornerstone segmentations.
 *
 * The layers are derived from the volume on screen; when the viewports get another volume of the
 * same case (a b-value switch), `rebindLayers` moves them over with their voxels.
 */
import type { PrimaryTool } from '../state/appState';
import { fillPolygon } from '../../src-shared/project/polygonFill';
import { interpolateSlices, type InterpolationResult } from '../../src-shared/project/interpolate';
import type { LabelTable } from '../../src-shared/project/labelTable';
import type { SlicePatch } from '../../src-shared/project/labelmapSlices';
import {
  activateEditTool,
  CONTOUR_TOOL_NAME,
  ensureEditTools,
  resetEditHistory,
  setBrushRadiusMm,
  setPaintLabel,
  type EditTool,
} from './annotationTools';
import { onContourCompleted, type PaintFillConfiguration } from './editToolClasses';
import { editLabelmap } from './labelmapEdits';
import type { DisagreementMeasure } from '../../src-shared/project/disagreement';
import { freeGrid } from '../../src-shared/volume/freeGrid';
import { disagreementLutAt } from './disagreementColours';
import { heatLutAt, heatVoxelsDrawn, softContourLevels, softContourVoxels, type HeatMap } from './heatLevels';
import {
  layerModified,
  setActiveLayer,
  shownLayerIds,
  type LabelmapLayers,
  type LabelmapLayerSpec,
  type LayerStyle,
} from './labelmapLayers';
import { ownLabelmapLut, raterLut, softContourLut, type Rgba } from './raterColors';
import { OWN_SEGMENTATION } from './ownLabelmapChanges';
import type { ViewerSession } from './viewerSession';

export const HEAT_SEGMENTATION = 'quorum-heat';
export const DISAGREEMENT_SEGMENTATION = 'quorum-disagreement';
export const SOFT_CONTOUR_SEGMENTATION = 'quorum-soft-contour';
export const raterSegmentationId = (raterId: string): string => `quorum-rater-${raterId.replace(/[^A-Za-z0-9_-]/g, '_')}`;

/**
 * The annotation layers of the live viewer and what they were built from, made once at start-up
 * (controllers/startApp.ts) over the viewer session and its labelmap layers.
 */
export class AnnotationLayers {
  /** What the layers were built for, so a b-value switch can rebind them and a new case clears them. */
  private bound: { caseId: string; volumeId: string; specs: LabelmapLayerSpec[] } | null = null;
  /**
   * Review mode: the soft reference, whose vote codes both the heat map's and the disagreement map's
   * layers draw (one grid, two colour tables); the contour is computed into its own layer's voxels.
   */
  private heat: HeatMap | null = null;
  /** Whether the contour layer's voxels hold `heat`'s p = 0.5 region (else all 0: hidden, or not drawn yet). */
  private contourDrawn = false;
  /** The label value the tools paint now (the contour fill and interpolation write it too). */
  private paintLabel = 1;
  private contourListener: (() => void) | null = null;

  /** The fill tool's access to the layers (see editToolClasses.ts). */
  private readonly fill: PaintFillConfiguration = { labelmaps: () => this.labelmaps };

  constructor(
    private readonly viewer: ViewerSession,
    private readonly labelmaps: LabelmapLayers,
  ) {}

  private viewerOrThrow() {
    const shown = this.viewer.shownCaseVolume();
    if (!shown) throw new Error('No case volume is on screen.');
    return shown;
  }

  private addLayer(spec: LabelmapLayerSpec): void {
    const shown = this.viewerOrThrow();
    if (!this.bound || this.bound.caseId !== shown.caseDescriptor.caseId)
      this.bound = { caseId: shown.caseDescriptor.caseId, volumeId: shown.volumeId, specs: [] };
    this.labelmaps.addLabelmapLayer(shown.viewer, shown.volumeId, spec);
    this.bound.specs = [...this.bound.specs.filter((s) => s.segmentationId !== spec.segmentationId), spec];
  }

  clearAnnotationLayers(): void {
    const shown = this.viewer.shownCaseVolume();
    // The review's own grids (the vote codes, the contour), gone with their layers: freed now rather
    // than at the page's next collection, which a review reload (a new rater, a model result) would
    // otherwise meet holding both the old grids and the new (freeGrid.ts).
    const owned =
      this.heat && this.labelmaps.hasLabelmapLayer(SOFT_CONTOUR_SEGMENTATION)
        ? [this.heat.votes.codes, this.labelmaps.layerVoxels(SOFT_CONTOUR_SEGMENTATION)]
        : [];
    if (shown) {
      this.labelmaps.removeAllLabelmapLayers(shown.viewer);
      for (const grid of owned) freeGrid(grid);
    }
    this.bound = null;
    this.heat = null;
    this.contourDrawn = false;
    shown?.viewer.renderingEngine.render();
  }

  /**
   * Called after a volume reached the screen: a new case drops the old layers (returns false), another
   * volume of the same case carries them over with their current voxels (returns true).
   */
  rebindLayers(): boolean {
    const shown = this.viewer.shownCaseVolume();
    if (!shown || !this.bound) return false;
    if (this.bound.caseId !== shown.caseDescriptor.caseId) {
      this.clearAnnotationLayers();
      return false;
    }
    // Other features (the model overlay) may add segmentations of their own: look for ours only.
    const present = new Set(shownLayerIds(shown.viewer));
    if (this.bound.volumeId === shown.volumeId && this.bound.specs.every((s) => present.has(s.segmentationId))) return true;
    // The same arrays move over (the new volume's slices view them): no copy, and the review's maps keep writing into them.
    const specs = this.bound.specs.map((s) => ({
      ...s,
      data: this.labelmaps.hasLabelmapLayer(s.segmentationId) ? this.labelmaps.layerVoxels(s.segmentationId) : s.data,
    }));
    this.labelmaps.removeAllLabelmapLayers(shown.viewer);
    this.bound = { caseId: this.bound.caseId, volumeId: shown.volumeId, specs: [] };
    for (const spec of specs) this.addLayer(spec);
    if (specs.some((s) => s.segmentationId === OWN_SEGMENTATION)) setActiveLayer(shown.viewer, OWN_SEGMENTATION);
    shown.viewer.renderingEngine.render();
    return true;
  }

  /** Shows the rater's own editable labelmap (`data` null: all zero) in the labels' colours and starts a fresh undo history. */
  showOwnLabelmap(data: Uint8Array | null, labels: LabelTable): void {
    this.clearAnnotationLayers();
    this.addLayer({
      segmentationId: OWN_SEGMENTATION,
      label: 'My annotation',
      lut: ownLabelmapLut(labels),
      ...(data ? { data } : {}),
      style: { fillAlpha: 0.5, renderOutline: true, outlineWidth: 1 },
    });
    const { viewer } = this.viewerOrThrow();
    setActiveLayer(viewer, OWN_SEGMENTATION);
    ensureEditTools(viewer.toolGroup, this.fill);
    this.contourListener ??= onContourCompleted(CONTOUR_TOOL_NAME, (polyline) => this.fillContour(polyline));
    resetEditHistory();
    viewer.renderingEngine.render();
  }

  ownLabelmap(): Uint8Array | null {
    return this.labelmaps.hasLabelmapLayer(OWN_SEGMENTATION) ? this.labelmaps.readLabelmap(OWN_SEGMENTATION) : null;
  }

  /** A copy of the own labelmap's axial slices `indices` (sorted, distinct); null without the layer. */
  ownLabelmapSlices(indices: number[]): SlicePatch | null {
    return this.labelmaps.hasLabelmapLayer(OWN_SEGMENTATION) ? this.labelmaps.readLabelmapSlices(OWN_SEGMENTATION, indices) : null;
  }

  applyEditTool(tool: EditTool | null, primaryTool: PrimaryTool, radiusMm: number, label: number): void {
    const shown = this.viewer.shownCaseVolume();
    if (!shown) return;
    const editable = tool !== null && this.labelmaps.hasLabelmapLayer(OWN_SEGMENTATION);
    ensureEditTools(shown.viewer.toolGroup, this.fill);
    activateEditTool(shown.viewer.toolGroup, editable ? tool : null, primaryTool);
    setBrushRadiusMm(shown.viewer.toolGroup, radiusMm);
    this.paintLabel = label;
    if (this.labelmaps.hasLabelmapLayer(OWN_SEGMENTATION)) setPaintLabel(OWN_SEGMENTATION, label);
  }

  /**
   * Fills a completed freehand contour into the own labelmap on its axial slice (one undo step).
   * Contours drawn on the sagittal or coronal view are refused with a reason: the fill works on the
   * labelmap's k slices only.
   */
  private fillContour(polyline: ReadonlyArray<readonly [number, number, number]>): void {
    if (!this.labelmaps.hasLabelmapLayer(OWN_SEGMENTATION)) return;
    const grid = this.labelmaps.labelmapGrid(OWN_SEGMENTATION);
    const ijk = polyline.map((p) => grid.worldToIndex([p[0], p[1], p[2]]));
    const ks = ijk.map((p) => p[2]);
    const k = Math.round(ks[0]);
    if (Math.max(...ks) - Math.min(...ks) > 0.5) {
      const why = 'Contours are filled on axial slices only: draw the contour on the axial view.';
      this.viewer.shownCaseVolume()?.events.emit('contour-refused', { why, cause: 'not-axial' });
      return;
    }
    if (k < 0 || k >= grid.dims[2]) return;
    editLabelmap(this.labelmaps, OWN_SEGMENTATION, (voxels) => {
      fillPolygon(
        voxels,
        { dims: grid.dims, k },
        ijk.map((p) => [p[0], p[1]] as const),
        this.paintLabel,
      );
    });
  }

  /** Fills the empty axial slices between annotated ones (shape-based interpolation), as one undo step. */
  interpolateOwnLabelmap(): InterpolationResult | null {
    if (!this.labelmaps.hasLabelmapLayer(OWN_SEGMENTATION)) return null;
    const grid = this.labelmaps.labelmapGrid(OWN_SEGMENTATION);
    let result: InterpolationResult = { filledSlices: [], voxels: 0 };
    editLabelmap(this.labelmaps, OWN_SEGMENTATION, (voxels) => {
      result = interpolateSlices(voxels, { dims: grid.dims, spacingMm: [grid.spacingMm[0], grid.spacingMm[1]] }, this.paintLabel);
    });
    return result;
  }

  /**
   * Review mode: one read-only layer per rater, each with its own LUT, plus the heat map, the
   * disagreement map and the soft reference's p = 0.5 contour, all of the raters `heatMap` averages
   * (human raters unless models were included).
   */
  showReviewLayers(
    raters: ReadonlyArray<{ raterId: string; name: string; colorIndex: number; data: Uint8Array }>,
    heatMap: HeatMap | null,
    labels: LabelTable,
  ): void {
    this.clearAnnotationLayers();
    // The maps and the contour first, so the raters' outlines are drawn over them and keep their own colours.
    // They start transparent: updateHeatMap and updateDisagreementMap colour the vote codes both
    // layers show (one array, not copied), updateSoftContour fills the contour.
    if (heatMap) {
      this.heat = heatMap;
      this.addLayer({
        segmentationId: HEAT_SEGMENTATION,
        label: 'Soft reference (mean of raters)',
        lut: heatLutAt(heatMap, 0, false),
        data: heatMap.votes.codes,
        style: { renderOutline: false },
      });
      this.addLayer({
        segmentationId: DISAGREEMENT_SEGMENTATION,
        label: 'Disagreement',
        lut: disagreementLutAt(heatMap.votes, 'entropy', false).lut,
        data: heatMap.votes.codes,
        style: { renderOutline: false, fillAlpha: 0.7 },
      });
      // Under the raters: where the contour runs along a rater's edge, the rater's colour stays visible.
      this.addLayer({
        segmentationId: SOFT_CONTOUR_SEGMENTATION,
        label: 'Soft reference p = 0.5',
        lut: softContourLut(),
        style: { renderFill: false, renderOutline: true, outlineWidth: 2 },
      });
    }
    for (const r of raters) {
      this.addLayer({
        segmentationId: raterSegmentationId(r.raterId),
        label: r.name,
        lut: raterLut(r.colorIndex, labels),
        data: r.data,
        style: { fillAlpha: 0.2, renderOutline: true, outlineWidth: 2 },
      });
    }
    this.viewerOrThrow().viewer.renderingEngine.render();
  }

  /**
   * Colours a map layer anew (its voxels unchanged) and keeps what it is drawn with, so a rebind
   * (another volume of the case) draws it the same.
   */
  private restyleMap(segmentationId: string, lut: Rgba[], style?: LayerStyle): void {
    const shown = this.viewer.shownCaseVolume();
    if (!shown || !this.bound) return;
    this.labelmaps.setLayerLut(shown.viewer, segmentationId, lut);
    if (style) this.labelmaps.setLayerStyle(shown.viewer, segmentationId, style);
    this.bound.specs = this.bound.specs.map((s) =>
      s.segmentationId === segmentationId ? { ...s, lut, ...(style ? { style: { ...s.style, ...style } } : {}) } : s,
    );
  }

  /** Redraws the disagreement map (hidden: no voxels drawn); returns the number of voxels drawn. */
  updateDisagreementMap(settings: { visible: boolean; measure: DisagreementMeasure }): number {
    if (!this.heat || !this.labelmaps.hasLabelmapLayer(DISAGREEMENT_SEGMENTATION)) return 0;
    const { lut, drawn } = disagreementLutAt(this.heat.votes, settings.measure, settings.visible);
    this.restyleMap(DISAGREEMENT_SEGMENTATION, lut);
    return drawn;
  }

  /**
   * Shows or hides the p = 0.5 contour; returns the number of voxels inside it. Its voxels are
   * written (and uploaded) only when it changes between shown and hidden: the other review maps'
   * changes, which call this too, leave it as it is.
   */
  updateSoftContour(visible: boolean): number {
    const shown = this.viewer.shownCaseVolume();
    if (!shown || !this.heat || !this.labelmaps.hasLabelmapLayer(SOFT_CONTOUR_SEGMENTATION)) return 0;
    if (visible !== this.contourDrawn) {
      const contour = this.labelmaps.layerVoxels(SOFT_CONTOUR_SEGMENTATION);
      if (visible) softContourLevels(this.heat, contour);
      else contour.fill(0);
      this.contourDrawn = visible;
      layerModified(SOFT_CONTOUR_SEGMENTATION);
      shown.viewer.renderingEngine.render();
    }
    return softContourVoxels(this.heat);
  }

  setRaterLayerVisible(raterId: string, visible: boolean): void {
    const shown = this.viewer.shownCaseVolume();
    if (shown) this.labelmaps.setLayerVisible(shown.viewer, raterSegmentationId(raterId), visible);
  }

  /** Redraws the heat map for new settings; returns the number of voxels drawn. */
  updateHeatMap(settings: { visible: boolean; opacity: number; threshold: number }): number {
    if (!this.heat || !this.labelmaps.hasLabelmapLayer(HEAT_SEGMENTATION)) return 0;
    // The threshold and hiding change colours only (heatLevels.ts). Hidden = every level transparent,
    // not Cornerstone's visibility flag, which a later data change re-shows (seen in 5.14).
    this.restyleMap(HEAT_SEGMENTATION, heatLutAt(this.heat, settings.threshold, settings.visible), { fillAlpha: settings.opacity });
    return settings.visible ? heatVoxelsDrawn(this.heat, settings.threshold) : 0;
  }
}
