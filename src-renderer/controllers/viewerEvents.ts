/**
 * The viewer's one typed event map (after NiiVue's): what happened on screen, each event with its
 * cause, so a listener acts on why something changed instead of guessing it. Made once at
 * start-up (startApp.ts) and given to the viewer when it mounts (viewerSession.mountViewer), which
 * translates Cornerstone's DOM events into these; listeners subscribe here, before or after the
 * viewer exists.
 */
import { createTypedEvents, type TypedEvents } from './typedEvents';

/** The axial slices (k) a change of a labelmap wrote, or 'unknown' where its event named none. */
export type EditedSlices = readonly number[] | 'unknown';

/**
 * Why the rater's own labelmap changed: a stroke of one of Cornerstone's tools (brush, eraser,
 * threshold brush), one of Quorum's edits (flood fill, contour fill, interpolation), an undo or
 * redo, or a load (a version put on screen, the layer mounted on a viewport or carried to another
 * volume) — the only cause that is not an edit.
 */
export type LabelmapChangeCause = 'brush' | 'tool' | 'undo' | 'redo' | 'load';

export type ViewerEvents = {
  /** A volume of the open case reached the MPR views: another case (fresh cameras), or another volume of the same case (a b-value or sequence switch, cameras kept). */
  'volume-shown': {
    readonly caseId: string;
    readonly volumeId: string;
    readonly index: number;
    readonly cause: 'case-opened' | 'volume-switched';
  };
  /** What the panes show changed: slice numbers and orientation letters ('camera'), the window ('window'), or a new volume. */
  'view-changed': { readonly cause: 'camera' | 'window' | 'volume-shown' };
  /** A threshold-brush stroke started: the intensity range it paints (shown in the panel). */
  'threshold-range': { readonly range: readonly [number, number]; readonly cause: 'stroke-started' };
  /** A freehand contour was not filled into the labelmap, and why (for the user). */
  'contour-refused': { readonly why: string; readonly cause: 'not-axial' };
  /** The rater's own (editable) labelmap changed on `slices` (viewer/ownLabelmapChanges.ts names the cause). */
  'labelmap-modified': { readonly slices: EditedSlices; readonly cause: LabelmapChangeCause };
};

export type ViewerEventBus = TypedEvents<ViewerEvents>;

export function createViewerEvents(): ViewerEventBus {
  return createTypedEvents<ViewerEvents>();
}
