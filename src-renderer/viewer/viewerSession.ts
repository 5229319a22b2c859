/**
 * The one live viewer of the window: the MPR viewer, the open case's loaded volumes and the cameras
 * chosen for it. One ViewerSession is made at start-up (controllers/startApp.ts) and reached by
 * components through useControllers(); only this module and the ones it imports touch Cornerstone.
 * State it needs from the app (window choice, primary tool) is passed in, and what happens on
 * screen is announced on the viewer's event map (controllers/viewerEvents.ts), given at mount.
 */
import { Enums, eventTarget, getRenderingEngine } from '@cornerstonejs/core';
import { Enums as ToolEnums, synchronizers, SynchronizerManager } from '@cornerstonejs/tools';
import type { CaseDescriptor, VolumeInfo } from '../../src-shared/api/contract';
import type { ViewerEventBus } from '../controllers/viewerEvents';
import type { Vec3 } from '../../src-shared/volume/types';
import type { PrimaryTool, WindowChoice } from '../state/appState';
import type { CursorReadout } from '../state/cursorState';
import { computeEdgeLabels, computeVolumeAlignedCameras, type AlignedCamera, type EdgeLabels, type MprView } from './cameraOrientation';
import { ADC_VOI, fitAdcOffThread, isAdcVolume, isDerivedAdc, viewableVolumes } from './adcVolume';
import { isDwiVolume } from '../../src-shared/inference/sequenceSources';
import { createCaseVolume, createComputedVolume, removeCaseVolumes, type StreamVolumeBytes, type LoadedVolume } from './createCaseVolume';
import { THRESHOLD_RANGE_EVENT } from './editToolClasses';
import { initCornerstone } from './initCornerstone';
import { ownLabelmapChange } from './ownLabelmapChanges';
import {
  canvasToWorld,
  createMprViewer,
  destroyMprViewer,
  getSliceInfo,
  getVolumeViewport,
  MPR_VIEWS,
  resetCameras,
  resizeMprViewer,
  setViewerPrimaryTool,
  setVoiRange,
  showVolume,
  stepSlice,
  type MprViewer,
  type SliceInfo,
} from './mprViewer';
import { nearestVoxel, voxelValue } from './voxelGeometry';
import { invertsGrey } from './greyDisplay';
import { computeAutoVoiRange, CT_PRESETS, windowToVoiRange, type VoiRange } from './windowPresets';

export interface PaneInfo {
  readonly slice: SliceInfo | null;
  readonly labels: EdgeLabels | null;
  /** The camera's view-plane normal (LPS), exposed for tests of the volume-aligned views. */
  readonly normal: Vec3 | null;
}

interface Session {
  viewer: MprViewer;
  caseDescriptor: CaseDescriptor | null;
  cameras: Record<MprView, AlignedCamera> | null;
  volumes: Map<number, LoadedVolume>;
  /** Automatic windows per volume index, computed once (a histogram pass over all voxels). */
  autoRanges: Map<number, VoiRange>;
  /** The case whose cameras the viewports have; another case gets fresh ones. */
  camerasFor: CaseDescriptor | null;
  shownIndex: number | null;
  /** Incremented by each showCaseVolume call. */
  latestRequest: number;
  /** Volumes of a previous case, removed from the cache once the new case is shown. */
  retired: LoadedVolume[];
  events: ViewerEventBus;
  detach: () => void;
}

const VOI_SYNC_ID = 'quorum-mpr-voi';

/**
 * The one live viewer of the window, made once at start-up (controllers/startApp.ts) and handed to
 * whoever shows or reads it: at most one mounted MPR viewer at a time, with its case's volumes.
 */
export class ViewerSession {
  private session: Session | null = null;

  /** The mounted viewer and the case volume it shows, or null. */
  shownCaseVolume(): {
    viewer: MprViewer;
    caseDescriptor: CaseDescriptor;
    index: number;
    volumeId: string;
    info: VolumeInfo;
    events: ViewerEventBus;
  } | null {
    const s = this.session;
    const loaded = s && s.shownIndex !== null ? s.volumes.get(s.shownIndex) : undefined;
    if (!s || !s.caseDescriptor || s.shownIndex === null || !loaded) return null;
    return {
      viewer: s.viewer,
      caseDescriptor: s.caseDescriptor,
      index: s.shownIndex,
      volumeId: loaded.volumeId,
      info: loaded.info,
      events: s.events,
    };
  }

  /** Mounts the viewer on the three pane elements; what happens on screen is told to `events`. */
  async mountViewer(elements: Record<MprView, HTMLDivElement>, events: ViewerEventBus): Promise<void> {
    await initCornerstone();
    if (this.session) this.unmountViewer();
    const viewer = createMprViewer(elements);
    // Window/level dragged in one viewport applies to all three.
    SynchronizerManager.destroySynchronizer(VOI_SYNC_ID);
    const voiSync = synchronizers.createVOISynchronizer(VOI_SYNC_ID, { syncInvertState: false, syncColormap: false });
    for (const view of MPR_VIEWS) voiSync.add({ renderingEngineId: viewer.renderingEngine.id, viewportId: viewer.viewportIds[view] });
    // Cornerstone's DOM events, and the threshold brush's, told on the typed map with their cause.
    const onCamera = () => events.emit('view-changed', { cause: 'camera' });
    const onWindow = () => events.emit('view-changed', { cause: 'window' });
    const onRange = (e: Event) => {
      const range = (e as CustomEvent<[number, number]>).detail;
      events.emit('threshold-range', { range, cause: 'stroke-started' });
    };
    const listeners: Array<[string, (e: Event) => void]> = [
      [Enums.Events.CAMERA_MODIFIED, onCamera],
      [Enums.Events.VOI_MODIFIED, onWindow],
      [THRESHOLD_RANGE_EVENT, onRange],
    ];
    for (const view of MPR_VIEWS) for (const [type, listener] of listeners) elements[view].addEventListener(type, listener);
    // Segmentation changes are announced on Cornerstone's global target, for every layer: the own one's, with its cause.
    const onLabelmap = (e: Event) => {
      const change = ownLabelmapChange((e as CustomEvent<{ segmentationId?: string; modifiedSlicesToUse?: number[] }>).detail);
      if (change) events.emit('labelmap-modified', change);
    };
    eventTarget.addEventListener(ToolEnums.Events.SEGMENTATION_DATA_MODIFIED, onLabelmap);
    const detach = () => {
      for (const view of MPR_VIEWS) for (const [type, listener] of listeners) elements[view].removeEventListener(type, listener);
      eventTarget.removeEventListener(ToolEnums.Events.SEGMENTATION_DATA_MODIFIED, onLabelmap);
    };
    this.session = {
      viewer,
      caseDescriptor: null,
      cameras: null,
      volumes: new Map(),
      autoRanges: new Map(),
      camerasFor: null,
      shownIndex: null,
      latestRequest: 0,
      retired: [],
      events,
      detach,
    };
  }

  unmountViewer(): void {
    if (!this.session) return;
    this.session.detach();
    removeCaseVolumes([...this.session.volumes.values(), ...this.session.retired]);
    SynchronizerManager.destroySynchronizer(VOI_SYNC_ID);
    if (getRenderingEngine(this.session.viewer.renderingEngine.id)) destroyMprViewer(this.session.viewer);
    this.session = null;
  }

  /**
   * Shows volume `index` of `caseDescriptor` (of its viewable volumes: the file's, then a derived ADC),
   * fetching it first if needed. A different case resets the cameras; another volume of the same case
   * (a b-value switch) keeps them, so the same anatomy stays under the cursor. Resolves to the
   * Cornerstone volume id shown, or null when a newer request won.
   */
  async showCaseVolume(params: {
    caseDescriptor: CaseDescriptor;
    index: number;
    windowChoice: WindowChoice;
    streamBytes: StreamVolumeBytes;
  }): Promise<string | null> {
    const s = this.requireSession();
    const { caseDescriptor, index } = params;
    // Only the latest request may change the screen; an older one that finishes late gives up.
    const request = ++s.latestRequest;
    if (s.caseDescriptor !== caseDescriptor) {
      // The old case's volumes stay in Cornerstone's cache until the new one is on screen: the
      // viewports still draw them, and a failed fetch must not leave them pointing at nothing.
      s.retired.push(...s.volumes.values());
      s.volumes = new Map();
      s.autoRanges = new Map();
      s.caseDescriptor = caseDescriptor;
      s.shownIndex = null;
      s.cameras = computeVolumeAlignedCameras(caseDescriptor.volumes[0].direction);
    }
    const info = viewableVolumes(caseDescriptor)[index];
    if (!info) throw new Error(`The case has no volume ${index + 1}.`);
    let loaded = s.volumes.get(index);
    if (!loaded) {
      loaded = isDerivedAdc(info)
        ? await fitAdcVolume(s, caseDescriptor, info, params.streamBytes)
        : await createCaseVolume(caseDescriptor, info, params.streamBytes);
      if (this.session !== s) return null;
      if (s.caseDescriptor !== caseDescriptor) {
        removeCaseVolumes([loaded]);
        return null;
      }
      s.volumes.set(index, loaded);
    }
    if (request !== s.latestRequest) return null;
    s.shownIndex = null;
    await showVolume(s.viewer, {
      volumeId: loaded.volumeId,
      voiRange: voiRangeFor(s, params.windowChoice, index) ?? autoRangeOf(s, index),
      invert: invertsGrey(info),
      cameras: s.camerasFor === caseDescriptor ? undefined : (s.cameras ?? undefined),
    });
    removeCaseVolumes(s.retired.splice(0));
    const cause = s.camerasFor === caseDescriptor ? 'volume-switched' : 'case-opened';
    s.camerasFor = caseDescriptor;
    s.shownIndex = index;
    s.events.emit('view-changed', { cause: 'volume-shown' });
    s.events.emit('volume-shown', { caseId: caseDescriptor.caseId, volumeId: loaded.volumeId, index, cause });
    return loaded.volumeId;
  }

  /**
   * Volume `index` of the case on screen, fetched into Cornerstone's cache if needed but not shown in
   * the MPR views (the sequence pair's panes show it). Null when another case is on screen meanwhile.
   */
  async loadShownCaseVolume(index: number, streamBytes: StreamVolumeBytes): Promise<LoadedVolume | null> {
    const s = this.requireSession();
    const caseDescriptor = s.caseDescriptor;
    const info = caseDescriptor?.volumes[index];
    if (!caseDescriptor || !info) return null;
    const known = s.volumes.get(index);
    if (known) return known;
    const loaded = await createCaseVolume(caseDescriptor, info, streamBytes);
    if (this.session !== s || s.caseDescriptor !== caseDescriptor) {
      removeCaseVolumes([loaded]);
      return null;
    }
    s.volumes.set(index, s.volumes.get(index) ?? loaded);
    return s.volumes.get(index) ?? loaded;
  }

  /** The automatic window of a loaded volume of the case on screen. */
  autoWindowOf(index: number): VoiRange | null {
    const s = this.session;
    return s && s.volumes.has(index) ? autoRangeOf(s, index) : null;
  }

  applyWindowChoice(choice: WindowChoice): void {
    const s = this.session;
    if (!s || s.shownIndex === null) return;
    const range = voiRangeFor(s, choice, s.shownIndex);
    if (range) setVoiRange(s.viewer, range);
  }

  /** Whether the window on screen is still the one `choice` sets (false once the user drags it). */
  windowMatchesChoice(choice: WindowChoice): boolean {
    const s = this.session;
    if (!s || s.shownIndex === null || choice === 'custom') return true;
    const expected = voiRangeFor(s, choice, s.shownIndex);
    const range = getVolumeViewport(s.viewer, 'axial').getProperties()?.voiRange;
    if (!expected || !range) return true;
    const tolerance = 1e-6 * Math.max(1, Math.abs(expected.upper - expected.lower));
    return Math.abs(range.lower - expected.lower) <= tolerance && Math.abs(range.upper - expected.upper) <= tolerance;
  }

  currentWindow(): { width: number; level: number } | null {
    const s = this.session;
    if (!s || s.shownIndex === null) return null;
    const range = getVolumeViewport(s.viewer, 'axial').getProperties()?.voiRange;
    return range ? { width: range.upper - range.lower, level: (range.upper + range.lower) / 2 } : null;
  }

  resetView(windowChoice: WindowChoice): void {
    const s = this.session;
    if (!s || !s.cameras || s.shownIndex === null) return;
    // Window first: the camera events that follow check the window against the (new) choice.
    this.applyWindowChoice(windowChoice === 'custom' ? 'auto' : windowChoice);
    resetCameras(s.viewer, s.cameras);
  }

  stepSliceIn(view: MprView, delta: number): void {
    if (this.session && this.session.shownIndex !== null) stepSlice(this.session.viewer, view, delta);
  }

  /** Moves a view to slice `index` (0-based along the view's voxel axis, as paneInfo counts it). */
  private goToSlice(view: MprView, index: number): void {
    const current = (): number | null => this.paneInfo(view).slice?.index ?? null;
    const from = current();
    if (from === null || from === index) return;
    // Cornerstone scrolls from the camera's side, which may run against the voxel axis: one probe step tells which way.
    const probeStep = from > 0 ? -1 : 1;
    this.stepSliceIn(view, probeStep);
    const moved = current();
    if (moved === null || moved === from) return;
    const direction = (moved - from) * probeStep;
    this.stepSliceIn(view, (index - moved) * direction);
  }

  /**
   * Puts the views at these slices and keeps them there until the user's first input: Cornerstone
   * resets every view's camera when an actor is added (a labelmap layer mounting after the case is
   * shown, through the crosshairs tool's reset), so the slices are applied again after each reset.
   */
  holdSlicesUntilInput(slices: Partial<Record<MprView, number>>): void {
    const s = this.session;
    if (!s) return;
    const apply = () => {
      if (this.session !== s) return;
      for (const view of MPR_VIEWS) {
        const index = slices[view];
        if (index !== undefined) this.goToSlice(view, index);
      }
    };
    // After every listener of the reset (the crosshairs tool's own reset included) has run.
    const onReset = () => requestAnimationFrame(apply);
    const elements = MPR_VIEWS.map((view) => s.viewer.elements[view]);
    const inputs = ['pointerdown', 'wheel', 'keydown'] as const;
    const release = () => {
      for (const el of elements) el.removeEventListener(Enums.Events.CAMERA_RESET, onReset);
      for (const type of inputs) window.removeEventListener(type, release, { capture: true });
    };
    for (const el of elements) el.addEventListener(Enums.Events.CAMERA_RESET, onReset);
    for (const type of inputs) window.addEventListener(type, release, { capture: true });
    apply();
  }

  setPrimaryToolOf(tool: PrimaryTool): void {
    if (this.session) setViewerPrimaryTool(this.session.viewer, tool);
  }

  paneInfo(view: MprView): PaneInfo {
    const s = this.session;
    const volume = s && s.shownIndex !== null ? s.volumes.get(s.shownIndex) : undefined;
    if (!s || !s.cameras || !volume) return { slice: null, labels: null, normal: null };
    const camera = getVolumeViewport(s.viewer, view).getCamera();
    const labels =
      camera.viewPlaneNormal && camera.viewUp
        ? computeEdgeLabels({ viewPlaneNormal: toVec3(camera.viewPlaneNormal), viewUp: toVec3(camera.viewUp) })
        : null;
    return {
      slice: getSliceInfo(s.viewer, view, s.cameras[view].voxelAxis, volume.info.dims, volume.worldToIndex),
      labels,
      normal: camera.viewPlaneNormal ? toVec3(camera.viewPlaneNormal) : null,
    };
  }

  /** World position and the file's value under a canvas point (CSS pixels in the viewport element). */
  probe(view: MprView, canvasPoint: readonly [number, number]): CursorReadout | null {
    const s = this.session;
    const volume = s && s.shownIndex !== null ? s.volumes.get(s.shownIndex) : undefined;
    if (!s || !volume) return null;
    const worldLps = toVec3(canvasToWorld(s.viewer, view, canvasPoint));
    const voxel = nearestVoxel(volume.info.dims, volume.worldToIndex(worldLps));
    return {
      worldLps,
      voxel,
      value: voxel ? voxelValue(volume.data, volume.info.dims, voxel) : null,
      unit: volume.info.unit,
      viewportId: s.viewer.viewportIds[view],
    };
  }

  /** Centres every MPR viewport on an LPS point (focal point moves there, each camera keeps its direction and distance). */
  centreViewportsOn(worldLps: Vec3): boolean {
    const shown = this.shownCaseVolume();
    if (!shown) return false;
    for (const view of MPR_VIEWS) {
      const viewport = getVolumeViewport(shown.viewer, view);
      const { focalPoint, position } = viewport.getCamera();
      if (!focalPoint || !position) continue;
      const d = [worldLps[0] - focalPoint[0], worldLps[1] - focalPoint[1], worldLps[2] - focalPoint[2]];
      viewport.setCamera({
        focalPoint: [worldLps[0], worldLps[1], worldLps[2]],
        position: [position[0] + d[0], position[1] + d[1], position[2] + d[2]],
      });
    }
    shown.viewer.renderingEngine.render();
    return true;
  }

  resizeViewer(): void {
    if (this.session) resizeMprViewer(this.session.viewer);
  }

  private requireSession(): Session {
    if (!this.session) throw new Error('The viewer is not mounted yet.');
    return this.session;
  }
}

/** The derived ADC: every DWI volume (fetched where not yet shown, and kept), fitted in a worker. */
async function fitAdcVolume(
  s: Session,
  caseDescriptor: CaseDescriptor,
  info: VolumeInfo,
  streamBytes: StreamVolumeBytes,
): Promise<LoadedVolume> {
  const dwi: LoadedVolume[] = [];
  for (const [index, volume] of caseDescriptor.volumes.entries()) {
    if (!isDwiVolume(volume)) continue; // the case's other sequences (ADC, FLAIR…) are no b-values
    let loaded = s.volumes.get(index);
    if (!loaded) {
      loaded = await createCaseVolume(caseDescriptor, volume, streamBytes);
      if (s.caseDescriptor === caseDescriptor) s.volumes.set(index, loaded);
    }
    dwi.push(loaded);
  }
  return createComputedVolume(caseDescriptor, info, await fitAdcOffThread(dwi));
}

function autoRangeOf(s: Session, index: number): VoiRange {
  let range = s.autoRanges.get(index);
  const volume = s.volumes.get(index);
  if (!range && volume) {
    range = computeAutoVoiRange(volume.data, volume.info.min, volume.info.max);
    s.autoRanges.set(index, range);
  }
  return range ?? { lower: 0, upper: 1 };
}

/** The VOI range for a window choice; null for 'custom' (keep what the user dragged). */
function voiRangeFor(s: Session, choice: WindowChoice, index: number): VoiRange | null {
  if (choice === 'custom') return null;
  // ADC maps keep one fixed window, whatever the presets (they are in HU) or the histogram say.
  const info = s.caseDescriptor ? viewableVolumes(s.caseDescriptor)[index] : undefined;
  if (info && isAdcVolume(info)) return ADC_VOI;
  if (choice === 'auto') return autoRangeOf(s, index);
  const preset = CT_PRESETS.find((p) => p.id === choice);
  return preset ? windowToVoiRange(preset.widthHu, preset.levelHu) : null;
}

function toVec3(p: ArrayLike<number>): Vec3 {
  return [p[0], p[1], p[2]];
}
