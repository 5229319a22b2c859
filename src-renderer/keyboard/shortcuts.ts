/**
 * The keyboard shortcuts: one table, used both to handle keys and to list them in the help
 * overlay, so the two cannot drift apart.
 */
import { chooseLabelAt, labelKeysActive, toggleLabel } from '../state/labelActions';
import { EDIT_TOOL_INFO } from '../state/editToolInfo';
import { toggleDisagreementMap, toggleSideBySide, type ReviewMapLayers } from '../state/reviewActions';
import { stepShownSequence, stepVolume } from '../state/caseActions';
import { toggleSequencePair } from '../state/sequencePairState';
import { appStore } from '../state/appState';
import {
  choosePrimaryTool,
  chooseWindow,
  dismissError,
  requestSliceStep,
  requestViewReset,
  setHelpVisible,
  setOpenDialogVisible,
  toggleHelp,
} from '../state/uiActions';
import type { AnnotationController } from '../controllers/annotationController';
import type { InferenceController } from '../state/inferenceController';
import { CT_PRESETS } from '../viewer/windowPresets';

/** The controllers a shortcut may act through (created at start-up, main.tsx). */
export interface ShortcutContext {
  readonly inference: Pick<InferenceController, 'runModel'>;
  readonly annotation: Pick<AnnotationController, 'chooseEditTool' | 'interpolate' | 'changeBrushRadius' | 'undo' | 'redo' | 'saveDraft'>;
  readonly annotationLayers: ReviewMapLayers;
}

export interface Shortcut {
  /** Keys as KeyboardEvent.key values. */
  readonly keys: readonly string[];
  /** How the help overlay shows the keys. */
  readonly label: string;
  readonly description: string;
  readonly run: (event: KeyboardEvent, context: ShortcutContext) => void;
  /** Needs Ctrl (or ⌘); shortcuts without it ignore keys pressed with Ctrl. */
  readonly ctrl?: boolean;
  /** Only while this holds; otherwise the key falls through to a later shortcut with the same key. */
  readonly when?: () => boolean;
}

export const SHORTCUTS: readonly Shortcut[] = [
  // Before the CT windows: while annotating, the digits pick labels, as in 3D Slicer's segment editor.
  {
    keys: ['1', '2', '3', '4', '5', '6', '7', '8', '9'],
    label: '1–9',
    description: "Annotate: paint the label at that place in the project's label list (else the CT windows below)",
    run: (event) => chooseLabelAt(Number(event.key)),
    when: labelKeysActive,
  },
  ...CT_PRESETS.map((p) => ({
    keys: [p.key],
    label: p.key,
    description: `CT window: ${p.label} (W ${p.widthHu} L ${p.levelHu})`,
    run: () => chooseWindow(p.id),
  })),
  { keys: ['0'], label: '0', description: 'Automatic window (1st–99th percentile)', run: () => chooseWindow('auto') },
  { keys: ['r', 'R'], label: 'R', description: 'Reset zoom, pan, slices and window', run: () => requestViewReset() },
  { keys: ['ArrowUp', 'PageUp'], label: '↑ / PgUp', description: 'Previous slice in the active viewport', run: () => requestSliceStep(-1) },
  { keys: ['ArrowDown', 'PageDown'], label: '↓ / PgDn', description: 'Next slice in the active viewport', run: () => requestSliceStep(1) },
  { keys: ['b'], label: 'B', description: 'Next b-value / volume', run: () => stepVolume(1) },
  { keys: ['B'], label: 'Shift+B', description: 'Previous b-value / volume', run: () => stepVolume(-1) },
  { keys: ['a'], label: 'A', description: 'Next sequence (DWI, ADC, FLAIR…; a DWI on its b1000)', run: () => stepShownSequence(1) },
  { keys: ['A'], label: 'Shift+A', description: 'Previous sequence', run: () => stepShownSequence(-1) },
  {
    keys: ['k', 'K'],
    label: 'K',
    description: 'Two sequences side by side with a linked crosshair (DWI b1000 | ADC)',
    run: () => toggleSequencePair(),
  },
  { keys: ['c', 'C'], label: 'C', description: 'Left button: crosshairs', run: () => choosePrimaryTool('crosshairs') },
  {
    keys: ['w', 'W'],
    label: 'W',
    description: 'Left button: window/level (Ctrl+drag always works)',
    run: () => choosePrimaryTool('windowLevel'),
  },
  { keys: ['p', 'P'], label: 'P', description: 'Left button: pan (middle button always pans)', run: () => choosePrimaryTool('pan') },
  { keys: ['z', 'Z'], label: 'Z', description: 'Left button: zoom (right button always zooms)', run: () => choosePrimaryTool('zoom') },
  { keys: ['o', 'O'], label: 'O', description: 'Open a file or folder', run: () => setOpenDialogVisible(true) },
  ...EDIT_TOOL_INFO.map((t) => ({
    keys: t.keys,
    label: t.keyLabel,
    description: `Annotate: ${t.description} on the left button`,
    run: (_event: KeyboardEvent, { annotation }: ShortcutContext) => annotation.chooseEditTool(t.tool),
  })),
  {
    keys: ['i', 'I'],
    label: 'I',
    description: 'Annotate: interpolate the empty slices between annotated ones',
    run: (_event, { annotation }) => annotation.interpolate(),
  },
  {
    keys: ['['],
    label: '[',
    description: 'Annotate: smaller brush (also Ctrl+wheel)',
    run: (_event, { annotation }) => annotation.changeBrushRadius(-0.5),
  },
  {
    keys: [']'],
    label: ']',
    description: 'Annotate: larger brush (also Ctrl+wheel)',
    run: (_event, { annotation }) => annotation.changeBrushRadius(0.5),
  },
  {
    keys: ['l', 'L'],
    label: 'L',
    description: 'Annotate: switch between the uncertain label and the first label',
    run: () => toggleLabel(),
  },
  { keys: ['z'], label: 'Ctrl+Z', description: 'Annotate: undo', run: (_event, { annotation }) => annotation.undo(), ctrl: true },
  {
    keys: ['Z', 'y', 'Y'],
    label: 'Ctrl+Shift+Z / Ctrl+Y',
    description: 'Annotate: redo',
    run: (_event, { annotation }) => annotation.redo(),
    ctrl: true,
  },
  {
    keys: ['m', 'M'],
    label: 'M',
    description: 'Review: show or hide the disagreement map',
    run: (_event: KeyboardEvent, { annotationLayers }: ShortcutContext) => toggleDisagreementMap(annotationLayers),
  },
  {
    keys: ['v', 'V'],
    label: 'V',
    description: 'Review: side by side (synchronised viewports, one layer each)',
    run: () => toggleSideBySide(),
  },
  {
    keys: ['s', 'S'],
    label: 'Ctrl+S',
    description: 'Annotate: save a draft',
    run: (_event, { annotation }) => void annotation.saveDraft(),
    ctrl: true,
  },
  {
    keys: ['g', 'G'],
    label: 'G',
    description: 'Model: run the selected model on the open case',
    run: (_event, { inference }) => void inference.runModel(),
  },
  {
    keys: ['j', 'J'],
    label: 'J',
    description: 'Worklist: open the next case that needs your work (reviewing: awaiting review)',
    run: () => appStore.emit('nextCaseRequested', null),
  },
  { keys: ['?'], label: '?', description: 'Show or hide this help', run: () => toggleHelp() },
  {
    keys: ['Escape'],
    label: 'Esc',
    description: 'Close help, dialog or message',
    run: () => {
      const s = appStore.getState();
      if (s.helpVisible) setHelpVisible(false);
      else if (s.openDialogVisible) setOpenDialogVisible(false);
      else dismissError();
    },
  },
];

/** Mouse bindings, listed in the help overlay beside the keys. */
export const MOUSE_HELP: ReadonlyArray<{ label: string; description: string }> = [
  { label: 'Wheel', description: 'Scroll slices' },
  { label: 'Left drag', description: 'Active tool (crosshairs by default)' },
  { label: 'Ctrl + left drag', description: 'Window/level' },
  { label: 'Right drag', description: 'Zoom' },
  { label: 'Middle drag', description: 'Pan' },
];

/** Handles a keydown unless the user is typing in a field; returns whether it was used. */
export function handleShortcut(event: KeyboardEvent, context: ShortcutContext): boolean {
  const target = event.target as HTMLElement | null;
  if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.isContentEditable)) {
    if (event.key !== 'Escape') return false;
  }
  if (event.altKey) return false;
  const ctrl = event.ctrlKey || event.metaKey;
  const shortcut = SHORTCUTS.find((s) => s.keys.includes(event.key) && (s.ctrl ?? false) === ctrl && (s.when?.() ?? true));
  if (!shortcut) return false;
  shortcut.run(event, context);
  return true;
}
