/**
 * Two sequences side by side (issue 12): two axial viewports under the MPR viewer, each showing one
 * volume of the case (by default the DWI's b1000 and the ADC), all on the case's reference grid, so
 * one world point is one voxel in both. Their cameras follow the main axial view and each other
 * (slice, zoom, pan: Cornerstone's camera synchronizer); each keeps its own window, since DWI signal
 * and ADC values live on different scales. A click in either pane sets the linked crosshair point,
 * drawn in both panes where that world point falls in each pane's own camera.
 *
 * The panes live in the MPR viewer's rendering engine (one WebGL context) and a tool group of their
 * own: wheel scrolls, right button zooms, middle button pans; the left button places the crosshair.
 * One SequencePairPanes is made at start-up (controllers/startApp.ts) and holds the panes open.
 */
import { Enums, setVolumesForViewports, type Types } from '@cornerstonejs/core';
import {
  Enums as ToolEnums,
  PanTool,
  StackScrollTool,
  synchronizers,
  SynchronizerManager,
  ToolGroupManager,
  ZoomTool,
} from '@cornerstonejs/tools';
import type { Vec3 } from '../../src-shared/volume/types';
import type { StreamVolumeBytes } from './createCaseVolume';
import { greyProperties } from './greyDisplay';
import { enablePane, getVolumeViewport } from './mprViewer';
import { nearestVoxel, voxelValue } from './voxelGeometry';
import type { ViewerSession } from './viewerSession';
import type { LoadedVolume } from './createCaseVolume';

const CAMERA_SYNC = 'quorum-pair-camera';
const TOOL_GROUP = 'quorum-pair-tools';

const pairViewportId = (n: number): string => `quorum-pair-${n}`;

export interface PairCrosshair {
  /** Where the point is drawn in the pane (CSS pixels). */
  readonly canvas: readonly [number, number];
  /** The world point at that spot on the pane's own slice: equal to the linked point when the pane shows its slice. */
  readonly worldLps: Vec3;
  /** The pane volume's voxel there and its value (for a resampled sequence, its value on the reference grid). */
  readonly voxel: Vec3 | null;
  readonly value: number | null;
  readonly label: string;
  readonly unit: string | null;
}

/** What the pair needs of the viewer session (viewerSession.ts). */
interface PairViewer {
  readonly shown: ViewerSession['shownCaseVolume'];
  readonly loadVolume: ViewerSession['loadShownCaseVolume'];
  readonly autoWindowOf: ViewerSession['autoWindowOf'];
}

export class SequencePairPanes {
  private panes: { id: string; volume: LoadedVolume }[] = [];

  constructor(private readonly viewer: PairViewer) {}

  /**
   * Opens (or replaces) the two panes: pane n shows volume `indices[n]` of the case on screen.
   * Resolves false when no case is on screen or it changed while the volumes loaded.
   */
  async open(elements: readonly HTMLDivElement[], indices: readonly number[], streamBytes: StreamVolumeBytes): Promise<boolean> {
    this.close();
    const shown = this.viewer.shown();
    if (!shown) return false;
    const volumes: LoadedVolume[] = [];
    for (const index of indices) {
      const v = await this.viewer.loadVolume(index, streamBytes);
      if (!v) return false;
      volumes.push(v);
    }
    if (this.viewer.shown()?.caseDescriptor !== shown.caseDescriptor) return false;
    const engine = shown.viewer.renderingEngine;
    const camera = getVolumeViewport(shown.viewer, 'axial').getCamera();
    this.panes = elements.map((element, n) => {
      const id = pairViewportId(n);
      enablePane(engine, id, element, camera);
      return { id, volume: volumes[n] };
    });
    for (const [n, pane] of this.panes.entries()) {
      await setVolumesForViewports(engine, [{ volumeId: pane.volume.volumeId }], [pane.id], false);
      const vp = engine.getViewport(pane.id) as Types.IVolumeViewport;
      vp.setCamera({ ...camera });
      vp.setProperties(greyProperties(pane.volume.info, this.viewer.autoWindowOf(indices[n])));
    }
    const group = ToolGroupManager.createToolGroup(TOOL_GROUP);
    if (group) {
      for (const pane of this.panes) group.addViewport(pane.id, engine.id);
      for (const tool of [StackScrollTool, ZoomTool, PanTool]) group.addTool(tool.toolName);
      group.setToolActive(StackScrollTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Wheel }] });
      group.setToolActive(ZoomTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Secondary }] });
      group.setToolActive(PanTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Auxiliary }] });
    }
    const cameraSync = synchronizers.createCameraPositionSynchronizer(CAMERA_SYNC);
    for (const viewportId of [shown.viewer.viewportIds.axial, ...this.panes.map((p) => p.id)])
      cameraSync.add({ renderingEngineId: engine.id, viewportId });
    // Again two frames later: the first render can run before a new volume's texture is uploaded
    // and leave the pane black (as mprViewer.ts's renderSettled does for the MPR views).
    engine.render();
    await new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
    if (this.panes.length > 0) engine.render();
    return true;
  }

  close(): void {
    SynchronizerManager.destroySynchronizer(CAMERA_SYNC);
    ToolGroupManager.destroyToolGroup(TOOL_GROUP);
    const shown = this.viewer.shown();
    for (const pane of this.panes) {
      try {
        shown?.viewer.renderingEngine.disableElement(pane.id);
      } catch {
        // The engine went with the viewer.
      }
    }
    this.panes = [];
  }

  /** The world point (LPS) under a CSS-pixel point of pane n, on that pane's current slice. */
  canvasToWorld(n: number, canvasPoint: readonly [number, number]): Vec3 | null {
    const pane = this.panes[n];
    const shown = this.viewer.shown();
    if (!pane || !shown) return null;
    const w = (shown.viewer.renderingEngine.getViewport(pane.id) as Types.IVolumeViewport).canvasToWorld([canvasPoint[0], canvasPoint[1]]);
    return [w[0], w[1], w[2]];
  }

  /** The linked crosshair as pane n draws it, or null when the pane is not open. */
  crosshair(n: number, point: Vec3): PairCrosshair | null {
    const pane = this.panes[n];
    const shown = this.viewer.shown();
    if (!pane || !shown) return null;
    const vp = shown.viewer.renderingEngine.getViewport(pane.id) as Types.IVolumeViewport | undefined;
    if (!vp) return null;
    const canvas = vp.worldToCanvas([point[0], point[1], point[2]]);
    const w = vp.canvasToWorld(canvas);
    const worldLps: Vec3 = [w[0], w[1], w[2]];
    const { info, data, worldToIndex } = pane.volume;
    const voxel = nearestVoxel(info.dims, worldToIndex(worldLps));
    return {
      canvas: [canvas[0], canvas[1]],
      worldLps,
      voxel,
      value: voxel ? voxelValue(data, info.dims, voxel) : null,
      label: info.label,
      unit: info.unit,
    };
  }
}

/** Cornerstone's camera events on the pane elements, for redrawing the crosshair. */
export const PAIR_CAMERA_EVENT = Enums.Events.CAMERA_MODIFIED;
