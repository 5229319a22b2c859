/**
 * The MPR tool group: crosshairs linking the three viewports, window/level, pan, zoom and slice
 * scrolling. Bindings: the left button runs the chosen primary tool, Ctrl+left always drags the
 * window, the right button zooms, the middle button pans and the wheel scrolls slices.
 */
import {
  CrosshairsTool,
  Enums as ToolEnums,
  PanTool,
  StackScrollTool,
  ToolGroupManager,
  WindowLevelTool,
  ZoomTool,
  type Types as ToolTypes,
} from '@cornerstonejs/tools';
import type { PrimaryTool } from '../state/appState';

const { MouseBindings, KeyboardBindings } = ToolEnums;

const TOOL_NAMES: Record<PrimaryTool, string> = {
  crosshairs: CrosshairsTool.toolName,
  windowLevel: WindowLevelTool.toolName,
  pan: PanTool.toolName,
  zoom: ZoomTool.toolName,
};

const VIEW_COLORS: Record<string, string> = {
  axial: 'rgb(255, 80, 80)',
  sagittal: 'rgb(255, 220, 60)',
  coronal: 'rgb(80, 200, 120)',
};

export function createMprToolGroup(
  toolGroupId: string,
  renderingEngineId: string,
  viewports: ReadonlyArray<{ viewportId: string; view: string }>,
): ToolTypes.IToolGroup {
  ToolGroupManager.destroyToolGroup(toolGroupId);
  const group = ToolGroupManager.createToolGroup(toolGroupId);
  if (!group) throw new Error(`Could not create tool group ${toolGroupId}`);
  const viewByViewportId = new Map(viewports.map((v) => [v.viewportId, v.view]));
  for (const { viewportId } of viewports) group.addViewport(viewportId, renderingEngineId);

  group.addTool(CrosshairsTool.toolName, {
    getReferenceLineColor: (viewportId: string) => VIEW_COLORS[viewByViewportId.get(viewportId) ?? ''] ?? 'white',
    getReferenceLineControllable: () => true,
    // Cornerstone gates both click-to-jump and dragging the lines on this flag; rotating the planes
    // comes with it (the letters follow the camera, and R restores the volume-aligned views).
    getReferenceLineDraggableRotatable: () => true,
    getReferenceLineSlabThicknessControlsOn: () => false,
  });
  group.addTool(WindowLevelTool.toolName);
  group.addTool(PanTool.toolName);
  group.addTool(ZoomTool.toolName);
  group.addTool(StackScrollTool.toolName);

  group.setToolActive(StackScrollTool.toolName, { bindings: [{ mouseButton: MouseBindings.Wheel }] });
  setPrimaryTool(group, 'crosshairs');
  return group;
}

/**
 * Sets each navigation tool's bindings to exactly its usual buttons plus, for `tool`, the left
 * button; null leaves the left button to an edit tool (annotationTools.ts). Cornerstone's
 * setToolActive adds the given bindings to those the tool already has, so each tool's bindings
 * are cleared first: otherwise W/L kept the left button after another tool was chosen, and a
 * brush or crosshairs picked after W/L still dragged the window.
 */
export function setPrimaryTool(group: ToolTypes.IToolGroup, tool: PrimaryTool | null): void {
  const primary = { mouseButton: MouseBindings.Primary };
  const usual: Record<PrimaryTool, ToolTypes.IToolBinding[]> = {
    crosshairs: [],
    // Ctrl+left always drags the window.
    windowLevel: [{ mouseButton: MouseBindings.Primary, modifierKey: KeyboardBindings.Ctrl }],
    pan: [{ mouseButton: MouseBindings.Auxiliary }],
    zoom: [{ mouseButton: MouseBindings.Secondary }],
  };
  for (const t of Object.keys(TOOL_NAMES) as PrimaryTool[]) {
    const bindings = t === tool ? [...usual[t], primary] : usual[t];
    group.setToolPassive(TOOL_NAMES[t], { removeAllBindings: true });
    if (bindings.length > 0) group.setToolActive(TOOL_NAMES[t], { bindings });
  }
}
