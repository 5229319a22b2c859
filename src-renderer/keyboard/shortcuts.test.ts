import { describe, expect, it } from 'vitest';
import { LABEL_PRESETS } from '../../src-shared/project/labelTable';
import type { CaseRecord } from '../../src-shared/project/types';
import { annotationStore, initialAnnotationState } from '../state/annotationState';
import { appStore } from '../state/appState';
import { handleShortcut, SHORTCUTS, type ShortcutContext } from './shortcuts';

/** No model runs and no labelmap is shown in these tests: the controllers the keys act through are stubs. */
const CONTEXT: ShortcutContext = {
  inference: { runModel: () => Promise.resolve() },
  annotation: {
    chooseEditTool: () => {},
    interpolate: () => {},
    changeBrushRadius: () => {},
    undo: () => {},
    redo: () => {},
    saveDraft: () => Promise.resolve(),
  },
  annotationLayers: { updateDisagreementMap: () => 0, updateSoftContour: () => 0 },
};

function key(k: string, target: Partial<HTMLElement> = { tagName: 'BODY' }, mods: Partial<KeyboardEvent> = {}): KeyboardEvent {
  return { key: k, target, ctrlKey: false, metaKey: false, altKey: false, ...mods } as unknown as KeyboardEvent;
}

describe('keyboard shortcuts', () => {
  it('bind every key (with or without Ctrl) at most once, apart from keys that only apply in one state', () => {
    const keys = SHORTCUTS.filter((s) => !s.when).flatMap((s) => s.keys.map((k) => `${s.ctrl ? 'Ctrl+' : ''}${k}`));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('apply the CT presets on 1–4 and the automatic window on 0', () => {
    expect(handleShortcut(key('4'), CONTEXT)).toBe(true);
    expect(appStore.getState().windowChoice).toBe('bone');
    handleShortcut(key('1'), CONTEXT);
    expect(appStore.getState().windowChoice).toBe('brain');
    handleShortcut(key('0'), CONTEXT);
    expect(appStore.getState().windowChoice).toBe('auto');
  });

  it('pick the label at that place of the table with 1–9 while annotating a project case, and keep the CT windows otherwise', () => {
    const labels = LABEL_PRESETS['covid-ct'].labels;
    const annotating = {
      signedIn: { raterId: 'r', name: 'Alice', role: 'annotator', token: 't' },
      currentCase: { caseId: 'c' } as unknown as CaseRecord,
      mode: 'annotate',
      labels,
      label: labels[0].value,
    } as const;
    annotationStore.update((s) => ({ ...s, ...annotating }));
    handleShortcut(key('1'), CONTEXT);
    const window = appStore.getState().windowChoice;
    handleShortcut(key('3'), CONTEXT);
    expect(annotationStore.getState().label).toBe(labels[2].value);
    handleShortcut(key('9'), CONTEXT);
    expect(annotationStore.getState().label).toBe(labels[2].value);
    handleShortcut(key('l'), CONTEXT);
    expect(annotationStore.getState().label).toBe(labels.find((l) => l.uncertain)?.value);
    expect(appStore.getState().windowChoice).toBe(window);
    // In the reader study's workspace the digits are never labels (its rating keys 1–5 are captured before any shortcut).
    appStore.update((s) => ({ ...s, workspace: 'study' }));
    handleShortcut(key('1'), CONTEXT);
    expect(annotationStore.getState().label).toBe(labels.find((l) => l.uncertain)?.value);
    appStore.update((s) => ({ ...s, workspace: 'viewer' }));
    // Reviewing, the same keys set the CT window again.
    annotationStore.update((s) => ({ ...s, mode: 'review' }));
    handleShortcut(key('4'), CONTEXT);
    expect(appStore.getState().windowChoice).toBe('bone');
    expect(annotationStore.getState().label).toBe(labels.find((l) => l.uncertain)?.value);
    annotationStore.update(() => initialAnnotationState);
  });

  it('toggle help with ? and close it with Escape', () => {
    handleShortcut(key('?'), CONTEXT);
    expect(appStore.getState().helpVisible).toBe(true);
    handleShortcut(key('Escape'), CONTEXT);
    expect(appStore.getState().helpVisible).toBe(false);
  });

  it('leave typing in a text field alone, and Ctrl combinations to the browser', () => {
    expect(handleShortcut(key('1', { tagName: 'INPUT' }), CONTEXT)).toBe(false);
    expect(handleShortcut(key('r', { tagName: 'BODY' }, { ctrlKey: true }), CONTEXT)).toBe(false);
    expect(handleShortcut(key('x'), CONTEXT)).toBe(false);
  });

  it('tell Z (zoom tool) from Ctrl+Z (undo) and Ctrl+Shift+Z (redo)', () => {
    const find = (k: string, ctrl: boolean) => SHORTCUTS.find((s) => s.keys.includes(k) && (s.ctrl ?? false) === ctrl)?.description;
    expect(find('z', false)).toMatch(/zoom/);
    expect(find('z', true)).toMatch(/undo/);
    expect(find('Z', true)).toMatch(/redo/);
    expect(handleShortcut(key('z'), CONTEXT)).toBe(true);
    expect(appStore.getState().primaryTool).toBe('zoom');
  });
});
