/**
 * What the annotate panel and the help overlay say about each editing tool, and its key: one table,
 * so the buttons' titles and the shortcut list cannot drift apart.
 */
import type { EditTool } from '../viewer/annotationTools';

export interface EditToolInfo {
  readonly tool: EditTool;
  /** KeyboardEvent.key values. */
  readonly keys: readonly string[];
  /** How the help overlay and the button title show the key. */
  readonly keyLabel: string;
  /** The button's text. */
  readonly name: string;
  readonly description: string;
}

export const EDIT_TOOL_INFO: readonly EditToolInfo[] = [
  { tool: 'brush', keys: ['d', 'D'], keyLabel: 'D', name: 'Brush', description: 'circle brush' },
  { tool: 'eraser', keys: ['e', 'E'], keyLabel: 'E', name: 'Eraser', description: 'circle eraser' },
  {
    tool: 'sphere',
    keys: ['s'],
    keyLabel: 'S',
    name: 'Sphere',
    description: 'sphere brush (paints the radius through neighbouring slices)',
  },
  {
    tool: 'threshold',
    keys: ['t', 'T'],
    keyLabel: 'T',
    name: 'Threshold',
    description: 'threshold brush: paints only voxels within the pressed value ± tolerance × window width',
  },
  {
    tool: 'fill',
    keys: ['f', 'F'],
    keyLabel: 'F',
    name: 'Fill',
    description: 'flood fill: the connected in-slice region of the clicked label',
  },
  { tool: 'rectScissors', keys: ['q'], keyLabel: 'Q', name: 'Rect', description: 'rectangle scissors: fill the rectangle dragged' },
  { tool: 'circleScissors', keys: ['Q'], keyLabel: 'Shift+Q', name: 'Circle', description: 'circle scissors: fill the circle dragged' },
  { tool: 'sphereScissors', keys: ['h', 'H'], keyLabel: 'H', name: 'Sphere ✂', description: 'sphere scissors: fill the sphere dragged' },
  {
    tool: 'contour',
    keys: ['n', 'N'],
    keyLabel: 'N',
    name: 'Contour',
    description: 'freehand contour, filled into the labelmap on release (axial view)',
  },
];
