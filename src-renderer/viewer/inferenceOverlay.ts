/**
 * The inference result drawn on the MPR viewer:
 * - the map (probability, entropy or mutual information) as a Float32 overlay volume on the case
 *   grid, the way Cornerstone3D draws a PET over a CT (fusion): one more volume actor per viewport,
 *   coloured on its red–yellow ramp by a transfer function (overlayTransfer.ts);
 * - the region the threshold keeps (thresholdIndex.ts region score) as a cyan outline, as the
 *   former mask labelmap drew it, on a canvas over each viewport (outlineLayer.ts), also over the
 *   side-by-side panes showing "Model mask".
 * Moving the threshold redraws the outline of the pixels on screen: no voxel is written, copied or
 * uploaded and nothing is rendered in WebGL (issue 15). A display or class switch builds a new map
 * volume.
 *
 * Viewer changes that replace the viewports' actors (a b-value switch: setVolumesForViewports) or
 * the viewports themselves (a remount) drop ours, so `ensure` re-adds them from the arrays kept here.
 */
import vtkPiecewiseFunction from '@kitware/vtk.js/Common/DataModel/PiecewiseFunction';
import vtkColorTransferFunction from '@kitware/vtk.js/Rendering/Core/ColorTransferFunction';
import { cache, Enums, type Types } from '@cornerstonejs/core';
import { createComputedVolume, decacheVolume, type LoadedVolume } from './createCaseVolume';
import type { ColourScale } from './mapScales';
import { getVolumeViewport, MPR_VIEWS, type MprViewer } from './mprViewer';
import { createOutlineLayer, type OutlineLayer } from './outlineLayer';
import { mapTransferNodes, type TransferNodes } from './overlayTransfer';
import type { ViewerSession } from './viewerSession';
import { createWorldToIndex } from './voxelGeometry';

type Shown = NonNullable<ReturnType<ViewerSession['shownCaseVolume']>>;

/** The side-by-side panes' layer id for the model mask (the thresholded region's outline). */
export const INFERENCE_MASK_LAYER = 'quorum-inference-mask';

interface OverlayLayer {
  readonly data: Float32Array;
  nodes: TransferNodes;
  /** Registered for the case volume now on screen; null until then (or after that volume left). */
  volume: LoadedVolume | null;
}

export interface InferenceOverlay {
  /** Shows (or replaces) the map and the region's outline for `caseId`; false when that case is not on screen. */
  show(caseId: string, map: Float32Array, scale: ColourScale, region: Float32Array, threshold: number): Promise<boolean>;
  /** Another map (display or class switch) in place of the shown one. */
  setMap(map: Float32Array, scale: ColourScale): Promise<void>;
  /** The outline of the region above `threshold`, redrawn for the pixels on screen. */
  setThreshold(threshold: number): void;
  /** After another volume reached the screen: re-adds the layers when they were dropped. */
  ensure(): Promise<void>;
  remove(): void;
  /** Draws the region's outline alone over a viewport outside the MPR trio (a side-by-side pane), now and for later results. */
  showMaskIn(viewport: Types.IVolumeViewport): void;
  hideMaskIn(viewportId: string): void;
}

let serial = 0;

function applyNodes(actor: Types.VolumeActor, nodes: TransferNodes): void {
  const property = actor.getProperty();
  const cfun = vtkColorTransferFunction.newInstance();
  for (const n of nodes.colour) cfun.addRGBPoint(n.x, n.r, n.g, n.b);
  const ofun = vtkPiecewiseFunction.newInstance();
  for (const n of nodes.opacity) ofun.addPoint(n.x, n.y);
  property.setRGBTransferFunction(0, cfun);
  property.setScalarOpacity(0, ofun);
  // Voxels as blocks, like the labelmaps: an interpolated map would blend levels across voxels.
  property.setInterpolationTypeToNearest();
}

/** The viewer's three viewports; none once it is unmounted (its engine destroyed). */
function viewports(viewer: MprViewer): Types.IVolumeViewport[] {
  if (viewer.renderingEngine.hasBeenDestroyed) return [];
  return MPR_VIEWS.map((view) => getVolumeViewport(viewer, view)).filter((vp) => vp !== undefined);
}

function render(viewer: MprViewer): void {
  if (!viewer.renderingEngine.hasBeenDestroyed) viewer.renderingEngine.render();
}

/** `session`: the live viewer, whose three panes the overlay is drawn on. */
export function createInferenceOverlay(session: ViewerSession): InferenceOverlay {
  let state: { caseId: string; viewer: MprViewer; map: OverlayLayer; outline: OutlineLayer } | null = null;
  /** Side-by-side panes showing the model mask, by viewport id. */
  const panes = new Map<string, Types.IVolumeViewport>();

  /** Registers `layer`'s voxels for the shown volume's grid and adds it to the three viewports (no events: our VOI is no window). */
  async function attach(shown: Shown, name: string, layer: OverlayLayer): Promise<void> {
    const volume = createComputedVolume(
      shown.caseDescriptor,
      { ...shown.info, volumeId: `${name}-${++serial}`, dataType: 'float32' },
      layer.data,
    );
    layer.volume = volume;
    // Marks every slice for upload: a local volume's texture is otherwise left empty until an edit.
    cache.getVolume(volume.volumeId)?.modified();
    // Adding a volume resets a viewport's camera: keep the slices and zoom the user is looking at.
    const vps = viewports(shown.viewer);
    const cameras = vps.map((vp) => vp.getCamera());
    await Promise.all(
      vps.map((vp) =>
        vp.addVolumes(
          [
            {
              volumeId: volume.volumeId,
              actorUID: volume.volumeId,
              visibility: true,
              // As Cornerstone draws labelmaps: a composite blend would scale the opacity by the
              // slab's thin depth (a slice shows almost nothing); the maximum on the slice is its value.
              blendMode: Enums.BlendModes.MAXIMUM_INTENSITY_BLEND,
              callback: ({ volumeActor }) => applyNodes(volumeActor, layer.nodes),
            },
          ],
          false,
          true,
        ),
      ),
    );
    vps.forEach((vp, i) => vp.setCamera(cameras[i]));
    // Removed or replaced while its actors were being made: take them off again.
    if (state?.map !== layer) detach(shown.viewer, layer);
  }

  function detach(viewer: MprViewer, layer: OverlayLayer): void {
    const volume = layer.volume;
    if (!volume) return;
    for (const vp of viewports(viewer)) if (vp.getActor(volume.volumeId)) vp.removeVolumeActors([volume.volumeId]);
    decacheVolume(volume.volumeId);
    layer.volume = null;
  }

  function present(viewer: MprViewer, layer: OverlayLayer): boolean {
    const id = layer.volume?.volumeId;
    return id !== undefined && viewports(viewer).every((vp) => vp.getActor(id) !== undefined);
  }

  /** The outline over the viewer's three viewports and the panes (attaching is a no-op where it is drawn already). */
  function attachOutline(viewer: MprViewer, outline: OutlineLayer): void {
    for (const vp of [...viewports(viewer), ...panes.values()]) outline.attach(vp);
  }

  const overlay: InferenceOverlay = {
    async show(caseId, map, scale, region, threshold) {
      const shown = session.shownCaseVolume();
      if (!shown || shown.caseDescriptor.caseId !== caseId) return false;
      overlay.remove();
      const s = {
        caseId,
        viewer: shown.viewer,
        map: { data: map, nodes: mapTransferNodes(scale.lut, scale.max, scale.notDrawn.value), volume: null },
        outline: createOutlineLayer(region, shown.info.dims, createWorldToIndex(shown.info), threshold),
      };
      state = s;
      await attach(shown, 'inference-map', s.map);
      // Removed or replaced while the map's actors were being made.
      if (state !== s) return true;
      attachOutline(shown.viewer, s.outline);
      render(shown.viewer);
      return true;
    },

    async setMap(map, scale) {
      const s = state;
      const shown = session.shownCaseVolume();
      if (!s || !shown) return;
      detach(s.viewer, s.map);
      s.map = { data: map, nodes: mapTransferNodes(scale.lut, scale.max, scale.notDrawn.value), volume: null };
      await attach(shown, 'inference-map', s.map);
      render(shown.viewer);
    },

    setThreshold(threshold) {
      state?.outline.setThreshold(threshold);
    },

    async ensure() {
      const s = state;
      if (!s) return;
      const shown = session.shownCaseVolume();
      if (!shown || shown.caseDescriptor.caseId !== s.caseId) {
        overlay.remove();
        return;
      }
      // A remounted viewer has new viewports: the outline goes over them.
      attachOutline(shown.viewer, s.outline);
      if (present(shown.viewer, s.map)) return;
      detach(s.viewer, s.map);
      s.viewer = shown.viewer;
      await attach(shown, 'inference-map', s.map);
      render(shown.viewer);
    },

    remove() {
      const s = state;
      state = null;
      if (!s) return;
      detach(s.viewer, s.map);
      s.outline.detachAll();
      render(s.viewer);
    },

    showMaskIn(viewport) {
      panes.set(viewport.id, viewport);
      state?.outline.attach(viewport);
    },

    hideMaskIn(viewportId) {
      panes.delete(viewportId);
      state?.outline.detach(viewportId);
    },
  };
  return overlay;
}
