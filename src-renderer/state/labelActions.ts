/**
 * The project's label table in the renderer (issue 14): loaded at sign-in, replaced by an admin,
 * and which of its labels the editing tools paint (the picker, keys 1–9, L for "uncertain").
 */
import type { LabelTable } from '../../src-shared/project/labelTable';
import { getApi } from '../api';
import { annotationStore, tell, updateAnnotation } from './annotationState';
import { appStore } from './appState';

/** The chosen label if the table still has it, else the table's first label that is not uncertain. */
function keptLabel(labels: LabelTable, chosen: number): number {
  if (labels.some((l) => l.value === chosen)) return chosen;
  return (labels.find((l) => !l.uncertain) ?? labels[0])?.value ?? chosen;
}

function showTable(labels: LabelTable): void {
  updateAnnotation((s) => ({ labels, label: keptLabel(labels, s.label) }));
  appStore.emit('labelTableChanged', null);
}

/** Reads the project's table for the signed-in person (before their first case is shown). */
export async function loadLabels(token: string): Promise<void> {
  const r = await getApi()['quorum:labels.get']({ session: token });
  if (r.ok) showTable(r.value);
  else tell(`The project's labels could not be read: ${r.error.message}`, true);
}

/** An admin replaces the table; null when saved, else the server's reason (nothing changed). */
export async function saveLabels(labels: LabelTable): Promise<string | null> {
  const token = annotationStore.getState().signedIn?.token;
  if (!token) return 'Sign in as an admin to change the labels.';
  const r = await getApi()['quorum:labels.set']({ session: token, labels });
  if (!r.ok) return r.error.message;
  showTable(r.value);
  return null;
}

export function chooseLabel(value: number): void {
  if (annotationStore.getState().labels.some((l) => l.value === value)) updateAnnotation({ label: value });
}

/** Keys 1–9: the label at that position of the table (1-based); a position past the end does nothing. */
export function chooseLabelAt(position: number): void {
  const entry = annotationStore.getState().labels[position - 1];
  if (entry) updateAnnotation({ label: entry.value });
}

/** L: to the uncertain label and back to the first certain one. */
export function toggleLabel(): void {
  const { labels, label } = annotationStore.getState();
  const uncertain = labels.find((l) => l.uncertain);
  const certain = labels.find((l) => !l.uncertain);
  if (!uncertain || !certain) return;
  updateAnnotation({ label: label === uncertain.value ? certain.value : uncertain.value });
}

/**
 * Whether keys 1–9 pick labels: while the person annotates a project case in the viewer. Elsewhere
 * they keep their other meanings (CT windows in the viewer; the reader study captures 1–5 for its
 * rating before any shortcut sees them).
 */
export function labelKeysActive(): boolean {
  const s = annotationStore.getState();
  return appStore.getState().workspace === 'viewer' && s.signedIn !== null && s.currentCase !== null && s.mode === 'annotate';
}
