/**
 * One-time start-up of Cornerstone3D core and tools, and registration of the tools the MPR viewer
 * uses. Idempotent: React may mount the viewer twice in development.
 */
import { init as initCore } from '@cornerstonejs/core';
import { addTool, CrosshairsTool, init as initTools, PanTool, StackScrollTool, WindowLevelTool, ZoomTool } from '@cornerstonejs/tools';

let started: Promise<void> | null = null;

export function initCornerstone(): Promise<void> {
  started ??= (async () => {
    await initCore();
    initTools();
    for (const tool of [CrosshairsTool, WindowLevelTool, PanTool, ZoomTool, StackScrollTool]) addTool(tool);
  })();
  return started;
}
