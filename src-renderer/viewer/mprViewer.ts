/**
 * The three-viewport MPR viewer: one rendering engine, three ORTHOGRAPHIC volume viewports and
 * their tool group. Thin functions over Cornerstone3D taking the viewer handle first, in the
 * spirit of NiiVue's function modules; React components call these and never touch Cornerstone.
 */
import { Enums, RenderingEngine, setVolumesForViewports, utilities as csUtils, type Types } from '@cornerstonejs/core';
import type { Types as ToolTypes } from '@cornerstonejs/tools';
import type { PrimaryTool } from '../state/appState';
import { measureStage, timeStage, timeStageAsync } from '../state/timing';
import { STANDARD_CAMERAS, type CameraVectors, type MprView } from './cameraOrientation';
import { createMprToolGroup, setPrimaryTool } from './mprToolGroup';
import type { VoiRange } from './windowPresets';

export const MPR_VIEWS: readonly MprView[] = ['axial', 'sagittal', 'coronal'];

export interface MprViewer {
  readonly renderingEngine: RenderingEngine;
  readonly toolGroup: ToolTypes.IToolGroup;
  readonly viewportIds: Readonly<Record<MprView, string>>;
  readonly elements: Readonly<Record<MprView, HTMLDivElement>>;
  /** The Cornerstone volume shown now, if any. */
  shownVolumeId: string | null;
}

export interface SliceInfo {
  /** 0-based. */
  readonly index: number;
  readonly count: number;
}

const RENDERING_ENGINE_ID = 'quorum-mpr';
const TOOL_GROUP_ID = 'quorum-mpr-tools';

/**
 * An ORTHOGRAPHIC volume viewport looking along `camera`. Vectors, not the 'axial'/'sagittal'/'coronal'
 * names: with a name, every resetCamera (resize, reset) re-applies Cornerstone's patient-axis camera
 * and undoes the volume-aligned one.
 */
function orthographicViewport(viewportId: string, element: HTMLDivElement, camera: CameraVectors): Types.PublicViewportInput {
  return {
    viewportId,
    element,
    type: Enums.ViewportType.ORTHOGRAPHIC,
    defaultOptions: {
      orientation: { viewPlaneNormal: [...camera.viewPlaneNormal] as Types.Point3, viewUp: [...camera.viewUp] as Types.Point3 },
      background: [0, 0, 0] as Types.Point3,
    },
  };
}

/** Adds a pane (side by side, the sequence pair) to `engine`, looking along `camera` (the axial viewport's, as it is now). */
export function enablePane(engine: RenderingEngine, viewportId: string, element: HTMLDivElement, camera: Types.ICamera): void {
  engine.enableElement(
    orthographicViewport(viewportId, element, {
      viewPlaneNormal: camera.viewPlaneNormal ?? [0, 0, 1],
      viewUp: camera.viewUp ?? [0, -1, 0],
    }),
  );
}

export function createMprViewer(elements: Record<MprView, HTMLDivElement>): MprViewer {
  const renderingEngine = new RenderingEngine(RENDERING_ENGINE_ID);
  const viewportIds = { axial: 'mpr-axial', sagittal: 'mpr-sagittal', coronal: 'mpr-coronal' } as const;
  renderingEngine.setViewports(MPR_VIEWS.map((view) => orthographicViewport(viewportIds[view], elements[view], STANDARD_CAMERAS[view])));
  const toolGroup = createMprToolGroup(
    TOOL_GROUP_ID,
    RENDERING_ENGINE_ID,
    MPR_VIEWS.map((view) => ({ viewportId: viewportIds[view], view })),
  );
  return { renderingEngine, toolGroup, viewportIds, elements, shownVolumeId: null };
}

export function getVolumeViewport(viewer: MprViewer, view: MprView): Types.IVolumeViewport {
  return viewer.renderingEngine.getViewport(viewer.viewportIds[view]) as Types.IVolumeViewport;
}

export interface ShowVolumeParams {
  readonly volumeId: string;
  readonly voiRange: VoiRange;
  /** Invert the grey scale (DICOM MONOCHROME1). */
  readonly invert: boolean;
  /** Cameras for a fresh case; omit to keep the current cameras (switching b-value). */
  readonly cameras?: Record<MprView, CameraVectors>;
}

/** Shows a volume in all three viewports, either resetting the cameras or keeping them. */
export async function showVolume(viewer: MprViewer, params: ShowVolumeParams): Promise<void> {
  const { cameras } = params;
  const kept = cameras ? null : MPR_VIEWS.map((view) => getVolumeViewport(viewer, view).getCamera());
  const ids = MPR_VIEWS.map((view) => viewer.viewportIds[view]);
  await timeStageAsync('viewport.setVolumes', () =>
    setVolumesForViewports(viewer.renderingEngine, [{ volumeId: params.volumeId }], ids, false),
  );
  viewer.shownVolumeId = params.volumeId;
  timeStage('viewport.configure', () => configureViewports(viewer, params, kept));
  await renderSettled(viewer);
}

function configureViewports(viewer: MprViewer, params: ShowVolumeParams, kept: Types.ICamera[] | null): void {
  const { cameras } = params;
  MPR_VIEWS.forEach((view, n) => {
    const viewport = getVolumeViewport(viewer, view);
    if (cameras) {
      const { viewPlaneNormal, viewUp } = cameras[view];
      viewport.setOrientation({ viewPlaneNormal: [...viewPlaneNormal] as Types.Point3, viewUp: [...viewUp] as Types.Point3 });
    } else if (kept) {
      viewport.setCamera(kept[n]);
    }
    viewport.setProperties({ voiRange: { ...params.voiRange }, invert: params.invert });
  });
}

/**
 * Renders now and again two frames later: the first render after setVolumes can run before the
 * volume texture is uploaded and leave a viewport black (seen with SwiftShader in headless Chromium).
 */
async function renderSettled(viewer: MprViewer): Promise<void> {
  const start = performance.now();
  timeFirstRenders(viewer, start);
  viewer.renderingEngine.render();
  await new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
  measureStage('render.settle', start);
  viewer.renderingEngine.render();
}

/** Records `quorum:render.<view>`: from `start` to each viewport's next IMAGE_RENDERED event. */
function timeFirstRenders(viewer: MprViewer, start: number): void {
  for (const view of MPR_VIEWS) {
    viewer.elements[view].addEventListener(Enums.Events.IMAGE_RENDERED, () => measureStage(`render.${view}`, start), { once: true });
  }
}

export function setVoiRange(viewer: MprViewer, voiRange: VoiRange): void {
  for (const view of MPR_VIEWS) getVolumeViewport(viewer, view).setProperties({ voiRange: { ...voiRange } });
  viewer.renderingEngine.render();
}

/** Re-applies the cameras of a fresh case (zoom, pan and slice back to the centre). */
export function resetCameras(viewer: MprViewer, cameras: Record<MprView, CameraVectors>): void {
  for (const view of MPR_VIEWS) {
    const { viewPlaneNormal, viewUp } = cameras[view];
    getVolumeViewport(viewer, view).setOrientation({
      viewPlaneNormal: [...viewPlaneNormal] as Types.Point3,
      viewUp: [...viewUp] as Types.Point3,
    });
  }
  viewer.renderingEngine.render();
}

export function stepSlice(viewer: MprViewer, view: MprView, delta: number): void {
  csUtils.scroll(viewer.renderingEngine.getViewport(viewer.viewportIds[view]), { delta });
}

/**
 * The slice shown in a view, counted along the voxel axis the view steps through (so "Slice 1" is
 * the file's first slice on that axis), from the camera's focal point. Cornerstone's own
 * getSliceIndex counts from the camera side, which for axial runs superior to inferior.
 */
export function getSliceInfo(
  viewer: MprViewer,
  view: MprView,
  voxelAxis: 0 | 1 | 2,
  dims: readonly [number, number, number],
  worldToIndex: (world: readonly [number, number, number]) => readonly [number, number, number],
): SliceInfo | null {
  if (!viewer.shownVolumeId) return null;
  const { focalPoint } = getVolumeViewport(viewer, view).getCamera();
  if (!focalPoint) return null;
  const continuous = worldToIndex([focalPoint[0], focalPoint[1], focalPoint[2]])[voxelAxis];
  const index = Math.min(dims[voxelAxis] - 1, Math.max(0, Math.round(continuous)));
  return { index, count: dims[voxelAxis] };
}

export function setViewerPrimaryTool(viewer: MprViewer, tool: PrimaryTool): void {
  setPrimaryTool(viewer.toolGroup, tool);
}

/** Canvas point (CSS pixels relative to the viewport element) → LPS world point. */
export function canvasToWorld(viewer: MprViewer, view: MprView, canvasPoint: readonly [number, number]): Types.Point3 {
  return getVolumeViewport(viewer, view).canvasToWorld([canvasPoint[0], canvasPoint[1]]);
}

export function resizeMprViewer(viewer: MprViewer): void {
  // keepCamera: a window resize must not undo the reader's zoom, pan or slice.
  viewer.renderingEngine.resize(true, true);
}

export function destroyMprViewer(viewer: MprViewer): void {
  viewer.renderingEngine.destroy();
}
