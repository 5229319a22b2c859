/**
 * The editing tools on the MPR tool group, each a Cornerstone tool instance:
 * - brush / eraser / sphere brush: BrushTool with FILL_INSIDE_CIRCLE, ERASE_INSIDE_CIRCLE,
 *   FILL_INSIDE_SPHERE (the sphere paints the same radius through neighbouring slices);
 * - threshold brush: QuorumThresholdBrush (editToolClasses.ts: range from the pressed voxel);
 * - flood fill: QuorumPaintFill (in-plane, the connected region of the clicked label value);
 * - scissors: RectangleScissorsTool, CircleScissorsTool, SphereScissorsTool (fill the shape drawn);
 * - freehand contour: PlanarFreehandROITool, whose completed contour annotationSession.ts fills
 *   into the labelmap (src-shared/project/polygonFill.ts) and removes.
 * Plus the brush radius, the label value painted (segment index = a value of the label table), and
 * undo/redo through Cornerstone's history (DefaultHistoryMemo): the brushes and scissors push their
 * own labelmap memos, Quorum's fill/contour/interpolation push diff memos (labelmapEdits.ts).
 *
 * Bindings: an edit tool takes the left button from the primary tool (crosshairs, W/L…); Ctrl+left
 * keeps window/level, the other buttons keep zoom and pan, the wheel keeps scrolling slices.
 */
import { utilities as csUtils } from '@cornerstonejs/core';
import {
  addTool,
  BrushTool,
  CircleScissorsTool,
  Enums as ToolEnums,
  PlanarFreehandROITool,
  RectangleScissorsTool,
  segmentation,
  SphereScissorsTool,
  utilities as toolUtils,
  type Types as ToolTypes,
} from '@cornerstonejs/tools';
import type { PrimaryTool } from '../state/appState';
import { editing } from './ownLabelmapChanges';
import { QuorumPaintFill, QuorumThresholdBrush, type PaintFillConfiguration } from './editToolClasses';
import { setPrimaryTool } from './mprToolGroup';

export type EditTool =
  'brush' | 'eraser' | 'sphere' | 'threshold' | 'fill' | 'rectScissors' | 'circleScissors' | 'sphereScissors' | 'contour';

interface ToolSpec {
  readonly instance: string;
  readonly base: string;
  readonly configuration: Record<string, unknown>;
  /** Takes the brush radius. */
  readonly sized: boolean;
}

const SPECS: Record<EditTool, ToolSpec> = {
  brush: { instance: 'QuorumBrush', base: BrushTool.toolName, configuration: { activeStrategy: 'FILL_INSIDE_CIRCLE' }, sized: true },
  eraser: { instance: 'QuorumEraser', base: BrushTool.toolName, configuration: { activeStrategy: 'ERASE_INSIDE_CIRCLE' }, sized: true },
  sphere: { instance: 'QuorumSphereBrush', base: BrushTool.toolName, configuration: { activeStrategy: 'FILL_INSIDE_SPHERE' }, sized: true },
  threshold: {
    instance: 'QuorumThresholdBrush',
    base: QuorumThresholdBrush.toolName,
    configuration: { activeStrategy: 'THRESHOLD_INSIDE_CIRCLE' },
    sized: true,
  },
  fill: { instance: 'QuorumFill', base: QuorumPaintFill.toolName, configuration: {}, sized: false },
  rectScissors: { instance: 'QuorumRectangleScissors', base: RectangleScissorsTool.toolName, configuration: {}, sized: false },
  circleScissors: { instance: 'QuorumCircleScissors', base: CircleScissorsTool.toolName, configuration: {}, sized: false },
  sphereScissors: { instance: 'QuorumSphereScissors', base: SphereScissorsTool.toolName, configuration: {}, sized: false },
  contour: {
    instance: 'QuorumContour',
    base: PlanarFreehandROITool.toolName,
    configuration: { calculateStats: false, allowOpenContours: false },
    sized: false,
  },
};

const EDIT_TOOLS = Object.keys(SPECS) as EditTool[];

/** The tool instance that draws freehand contours (annotationSession.ts listens for its contours). */
export const CONTOUR_TOOL_NAME = SPECS.contour.instance;

/** Undo depth per case (the issue asks for at least 50). */
const HISTORY_DEPTH = 100;

/** Brush radius limits in mm (Cornerstone's brushSize is a radius in world units). */
export const BRUSH_RADIUS_MM = { min: 0.5, max: 50, initial: 4 } as const;

const { DefaultHistoryMemo } = csUtils.HistoryMemo;

/** Adds the edit tools to `group` once; the fill records its undo steps in `fill`'s layers. */
export function ensureEditTools(group: ToolTypes.IToolGroup, fill: PaintFillConfiguration): void {
  for (const tool of [
    BrushTool,
    QuorumThresholdBrush,
    QuorumPaintFill,
    RectangleScissorsTool,
    CircleScissorsTool,
    SphereScissorsTool,
    PlanarFreehandROITool,
  ])
    addTool(tool);
  for (const tool of EDIT_TOOLS) {
    const spec = SPECS[tool];
    if (!group.hasTool(spec.instance)) {
      group.addToolInstance(spec.instance, spec.base, {
        ...spec.configuration,
        ...(tool === 'fill' ? fill : {}),
        ...(spec.sized ? { brushSize: BRUSH_RADIUS_MM.initial } : {}),
      });
    }
  }
}

/** Puts `tool` on the left button, or (null) gives the left button back to `primaryTool` (after ensureEditTools). */
export function activateEditTool(group: ToolTypes.IToolGroup, tool: EditTool | null, primaryTool: PrimaryTool): void {
  for (const t of EDIT_TOOLS) group.setToolPassive(SPECS[t].instance, { removeAllBindings: true });
  // With an edit tool, no navigation tool keeps the left button (they keep their other buttons).
  setPrimaryTool(group, tool === null ? primaryTool : null);
  if (tool !== null) group.setToolActive(SPECS[tool].instance, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Primary }] });
}

export function clampBrushRadius(mm: number): number {
  return Math.min(BRUSH_RADIUS_MM.max, Math.max(BRUSH_RADIUS_MM.min, Math.round(mm * 2) / 2));
}

/** Sets the brushes' radius (after ensureEditTools). */
export function setBrushRadiusMm(group: ToolTypes.IToolGroup, mm: number): void {
  for (const t of EDIT_TOOLS) if (SPECS[t].sized) toolUtils.segmentation.setBrushSizeForToolGroup(group.id, mm, SPECS[t].instance);
}

/** The label value the tools paint into the segmentation (its segment index): a value of the project's label table. */
export function setPaintLabel(segmentationId: string, label: number): void {
  segmentation.segmentIndex.setActiveSegmentIndex(segmentationId, label);
}

export function undoEdit(): boolean {
  if (!DefaultHistoryMemo.canUndo) return false;
  editing('undo', () => DefaultHistoryMemo.undo());
  return true;
}

export function redoEdit(): boolean {
  if (!DefaultHistoryMemo.canRedo) return false;
  editing('redo', () => DefaultHistoryMemo.redo());
  return true;
}

/** Starts a fresh history (undo is per case): setting the size empties Cornerstone's ring. */
export function resetEditHistory(): void {
  DefaultHistoryMemo.size = HISTORY_DEPTH;
}
