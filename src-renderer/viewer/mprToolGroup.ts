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
  group.setToolActive(ZoomTool.toolName, { bindings: [{ mouseButton: MouseBindings.Secondary }] });
  group.setToolActive(PanTool.toolName, { bindings: [{ mouseButton: MouseBindings.Auxiliary }] });
  setPrimaryTool(group, 'crosshairs');
  return group;
}

/** Puts `tool` on the left button, keeping Ctrl+left for window/level and the other buttons. */
export function setPrimaryTool(group: ToolTypes.IToolGroup, tool: PrimaryTool): void {
  const ctrlWindowLevel = { mouseButton: MouseBindings.Primary, modifierKey: KeyboardBindings.Ctrl };
  // Return every tool to its non-primary bindings, then add the primary one.
  group.setToolPassive(CrosshairsTool.toolName);
  group.setToolActive(WindowLevelTool.toolName, { bindings: [ctrlWindowLevel] });
  group.setToolActive(PanTool.toolName, { bindings: [{ mouseButton: MouseBindings.Auxiliary }] });
  group.setToolActive(ZoomTool.toolName, { bindings: [{ mouseButton: MouseBindings.Secondary }] });
  const primary = { mouseButton: MouseBindings.Primary };
  const name = TOOL_NAMES[tool];
  if (tool === 'windowLevel') {
    group.setToolActive(name, { bindings: [ctrlWindowLevel, primary] });
  } else if (tool === 'pan') {
    group.setToolActive(name, { bindings: [{ mouseButton: MouseBindings.Auxiliary }, primary] });
  } else if (tool === 'zoom') {
    group.setToolActive(name, { bindings: [{ mouseButton: MouseBindings.Secondary }, primary] });
  } else {
    group.setToolActive(name, { bindings: [primary] });
  }
}
