/**
 * Why the rater's own labelmap changed, for the viewer's typed 'labelmap-modified' event
 * (controllers/viewerEvents.ts). Cornerstone announces every change of a layer's voxels with one
 * event, SEGMENTATION_DATA_MODIFIED, whoever made it; the cause is named here:
 * - Quorum's own edits (flood fill, contour fill, interpolation) and undo/redo run inside
 *   `editing(cause, …)`, and the events they fire (synchronously) carry that cause;
 * - outside them, Cornerstone writes the layer in two ways: its tools' strokes (brush, eraser,
 *   threshold brush), whose events name the axial slices they changed ('brush'), and its display's
 *   echo when a layer is mounted on a viewport (a version loaded, a volume switch), which names no
 *   slice and changes no voxel ('load').
 * So opening a case is never taken for an edit, and no user input has to be watched to tell.
 * No DOM or Cornerstone import: unit-tested in Node.
 */
import type { LabelmapChangeCause, ViewerEvents } from '../controllers/viewerEvents';

/** The segmentation id of the signed-in rater's editable labelmap. */
export const OWN_SEGMENTATION = 'quorum-own';

type QuorumEdit = Extract<LabelmapChangeCause, 'tool' | 'undo' | 'redo'>;

/** The Quorum edit running now (a synchronous scope: the events fire inside the call), or null. */
let running: QuorumEdit | null = null;

/** Runs `edit`; the labelmap changes it announces meanwhile are told with `cause`. */
export function editing<T>(cause: QuorumEdit, edit: () => T): T {
  const outer = running;
  running = cause;
  try {
    return edit();
  } finally {
    running = outer;
  }
}

/** The typed event for a SEGMENTATION_DATA_MODIFIED detail, or null when it is not about the own layer. */
export function ownLabelmapChange(
  detail: { segmentationId?: string; modifiedSlicesToUse?: number[] } | undefined,
): ViewerEvents['labelmap-modified'] | null {
  if (detail?.segmentationId !== OWN_SEGMENTATION) return null;
  const slices = detail.modifiedSlicesToUse;
  if (running) return { slices: slices ?? 'unknown', cause: running };
  return slices ? { slices, cause: 'brush' } : { slices: 'unknown', cause: 'load' };
}
