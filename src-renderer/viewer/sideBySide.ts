/**
 * Side-by-side review: two or more extra axial viewports beside the MPR viewer, each showing the
 * case volume with one annotation layer (rater A | rater B, model | soft reference…). Their cameras
 * and windows follow the main axial viewport and each other through Cornerstone synchronizers
 * (camera position and VOI), so scrolling, zooming or panning any of them moves all.
 *
 * The panes live in the MPR viewer's rendering engine (one WebGL context) and in a tool group of
 * their own: scroll, zoom, pan and window, no crosshairs (they link the three MPR planes only).
 *
 * The model mask is no labelmap (the threshold moves an outline drawn over the pixels on screen):
 * its panes ask the inference overlay to draw it over them, and to stop when they close.
 *
 * One SideBySidePanes is made at start-up (controllers/startApp.ts) and holds the panes open.
 */
import { setVolumesForViewports, type Types } from '@cornerstonejs/core';
import {
  Enums as ToolEnums,
  PanTool,
  StackScrollTool,
  synchronizers,
  SynchronizerManager,
  ToolGroupManager,
  WindowLevelTool,
  ZoomTool,
} from '@cornerstonejs/tools';
import { greyProperties } from './greyDisplay';
import { INFERENCE_MASK_LAYER, type InferenceOverlay } from './inferenceOverlay';
import type { LabelmapLayers } from './labelmapLayers';
import { enablePane, getVolumeViewport } from './mprViewer';
import type { ViewerSession } from './viewerSession';

const CAMERA_SYNC = 'quorum-side-camera';
const VOI_SYNC = 'quorum-side-voi';
const TOOL_GROUP = 'quorum-side-tools';

/** Who draws the model mask over a pane: the inference overlay. */
export type ModelMaskPanes = Pick<InferenceOverlay, 'showMaskIn' | 'hideMaskIn'>;

const paneViewportId = (n: number): string => `quorum-side-${n}`;

export class SideBySidePanes {
  /** The viewport ids of the panes open now. */
  private paneIds: string[] = [];
  /** The panes among them that show the model mask. */
  private maskPaneIds: string[] = [];

  /** `shown`: the case volume on screen (viewerSession.ts); `layers`: the labelmap layers the panes show; `modelMask`: who draws the model mask. */
  constructor(
    private readonly shown: ViewerSession['shownCaseVolume'],
    private readonly layers: LabelmapLayers,
    private readonly modelMask: ModelMaskPanes,
  ) {}

  /**
   * Opens one pane per element, pane n showing layer `layerIds[n]` (null: the image alone; the model
   * mask drawn by `modelMask`). Replaces panes already open. Returns false when no case is on screen.
   */
  async open(elements: readonly HTMLDivElement[], layerIds: ReadonlyArray<string | null>): Promise<boolean> {
    this.close();
    const shown = this.shown();
    if (!shown) return false;
    const engine = shown.viewer.renderingEngine;
    const axial = getVolumeViewport(shown.viewer, 'axial');
    const camera = axial.getCamera();
    const ids = elements.map((_, n) => paneViewportId(n));
    elements.forEach((element, n) => enablePane(engine, ids[n], element, camera));
    this.paneIds = ids;
    await setVolumesForViewports(engine, [{ volumeId: shown.volumeId }], ids, false);
    // Closed (or re-opened) while the volume was being set: leave the newer state alone.
    if (this.paneIds !== ids) return false;
    const voiRange = axial.getProperties()?.voiRange;
    for (const id of ids) {
      const vp = engine.getViewport(id) as Types.IVolumeViewport;
      vp.setCamera({ ...camera });
      vp.setProperties(greyProperties(shown.info, voiRange));
    }
    ids.forEach((id, n) => {
      const layer = layerIds[n];
      if (layer && this.layers.hasLabelmapLayer(layer)) this.layers.showLayerInViewport(id, layer);
    });
    this.maskPaneIds = ids.filter((_, n) => layerIds[n] === INFERENCE_MASK_LAYER);
    for (const id of this.maskPaneIds) this.modelMask.showMaskIn(engine.getViewport(id) as Types.IVolumeViewport);

    const group = ToolGroupManager.createToolGroup(TOOL_GROUP);
    if (group) {
      for (const id of ids) group.addViewport(id, engine.id);
      for (const tool of [StackScrollTool, ZoomTool, PanTool, WindowLevelTool]) group.addTool(tool.toolName);
      group.setToolActive(StackScrollTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Wheel }] });
      group.setToolActive(WindowLevelTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Primary }] });
      group.setToolActive(ZoomTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Secondary }] });
      group.setToolActive(PanTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Auxiliary }] });
    }
    const cameraSync = synchronizers.createCameraPositionSynchronizer(CAMERA_SYNC);
    const voiSync = synchronizers.createVOISynchronizer(VOI_SYNC, { syncInvertState: false, syncColormap: false });
    for (const viewportId of [shown.viewer.viewportIds.axial, ...ids]) {
      cameraSync.add({ renderingEngineId: engine.id, viewportId });
      voiSync.add({ renderingEngineId: engine.id, viewportId });
    }
    engine.render();
    return true;
  }

  close(): void {
    SynchronizerManager.destroySynchronizer(CAMERA_SYNC);
    SynchronizerManager.destroySynchronizer(VOI_SYNC);
    ToolGroupManager.destroyToolGroup(TOOL_GROUP);
    for (const id of this.maskPaneIds) this.modelMask.hideMaskIn(id);
    this.maskPaneIds = [];
    const shown = this.shown();
    for (const id of this.paneIds) {
      this.layers.clearViewportLayers(id);
      try {
        shown?.viewer.renderingEngine.disableElement(id);
      } catch {
        // The engine went with the viewer.
      }
    }
    this.paneIds = [];
  }
}
