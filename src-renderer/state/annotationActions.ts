/**
 * The rater's own annotation of the open case: load the newest version into the viewer, track
 * edits, save drafts (by hand, 10 s after an edit, and before the case, mode or rater changes),
 * submit, answer "no lesion", and the editing tool settings. Every save is a new version on the
 * server; the newest one is the parent of the next.
 */
import { raterCaseStatus } from '../../src-shared/project/annotationStatus';
import { countLabelled } from '../../src-shared/project/labels';
import type { SlicePatch } from '../../src-shared/project/labelmapSlices';
import { isSeriesAt } from '../../src-shared/project/seriesPath';
import type { AnnotationVersion, CaseRecord, VersionStatus } from '../../src-shared/project/types';
import { getApi } from '../api';
import { onCaseGrid } from '../api/voxelPayload';
import { clampBrushRadius, redoEdit, undoEdit, type EditTool } from '../viewer/annotationTools';
import {
  clearAnnotationLayers,
  interpolateOwnLabelmap,
  ownLabelmap,
  ownLabelmapSlices,
  rebindLayers,
  showOwnLabelmap,
  type EditedSlices,
} from '../viewer/annotationSession';
import { setThresholdTolerance, THRESHOLD_TOLERANCE } from '../viewer/editToolClasses';
import { shownCaseVolume } from '../viewer/viewerSession';
import { appStore } from './appState';
import { annotationStore, NOT_STARTED, tell, updateAnnotation } from './annotationState';
import { loadReviewLayers } from './reviewActions';
import { UnsavedSlices, type Pending } from './unsavedSlices';

/** Autosave runs this long after the first unsaved edit. */
const AUTOSAVE_MS = 10_000;

let autosaveTimer: ReturnType<typeof setTimeout> | null = null;
let editSerial = 0;
let pendingSave: Promise<unknown> = Promise.resolve();
let syncSerial = 0;
/** The slices edited since the last acknowledged version: what the next save sends. */
const unsaved = new UnsavedSlices();

function voxelCount(record: CaseRecord): number {
  const [x, y, z] = record.series[0].geometry.dims;
  return x * y * z;
}

function lesionVoxels(data: Uint8Array): number {
  return countLabelled(data);
}

/** The open case's project record: the series path is the path the case was opened from. */
function recordOfOpenCase(): CaseRecord | null {
  const { openCase } = appStore.getState();
  if (!openCase) return null;
  const { projectCases, projectDir } = annotationStore.getState();
  return projectCases.find((c) => c.series[0] && isSeriesAt(projectDir, c.series[0].path, openCase.path)) ?? null;
}

/**
 * Brings the viewer's annotation layers in line with who is signed in, the mode and the case on
 * screen. Called after sign-in, a mode change and each new case on screen.
 */
export async function syncAnnotationCase(): Promise<void> {
  const serial = ++syncSerial;
  await pendingSave.catch(() => undefined);
  const { signedIn, mode } = annotationStore.getState();
  const shown = shownCaseVolume();
  const openCase = appStore.getState().openCase;
  if (!signedIn || !shown || !openCase || shown.caseDescriptor !== openCase) {
    clearAnnotationLayers();
    updateAnnotation({ currentCase: null, own: NOT_STARTED, layers: [] });
    return;
  }
  const record = recordOfOpenCase();
  if (!record) {
    clearAnnotationLayers();
    updateAnnotation({
      currentCase: null,
      own: NOT_STARTED,
      layers: [],
      message: { text: 'This case is not in the project, so it cannot be annotated here.', error: false },
    });
    return;
  }
  updateAnnotation({ currentCase: record });
  if (mode === 'review') {
    await loadReviewLayers(record, signedIn.token, () => serial === syncSerial);
    return;
  }
  await loadOwn(record, signedIn.token, () => serial === syncSerial);
}

async function loadOwn(record: CaseRecord, token: string, current: () => boolean): Promise<void> {
  const api = getApi();
  const me = annotationStore.getState().signedIn?.raterId;
  const listed = await api['quorum:annotation.list']({ session: token, caseId: record.caseId, ...(me ? { raterId: me } : {}) });
  if (!listed.ok) {
    tell(listed.error.message, true);
    return;
  }
  const newest: AnnotationVersion | null = listed.value[listed.value.length - 1] ?? null;
  let data: Uint8Array | null = null;
  if (newest?.fileHash) {
    const read = await api['quorum:annotation.read']({ session: token, versionId: newest.versionId });
    if (!read.ok) {
      tell(`Your last version could not be read: ${read.error.message}`, true);
      return;
    }
    data = onCaseGrid(read.value.labelmap, voxelCount(record));
  }
  if (!current()) return;
  showOwnLabelmap(data, annotationStore.getState().labels);
  unsaved.loaded(data, record.series[0].geometry.dims);
  editSerial = 0;
  updateAnnotation((s) => ({
    own: {
      versionId: newest?.versionId ?? null,
      status: raterCaseStatus(newest),
      dirty: false,
      saving: false,
      savedAt: newest?.createdAt ?? null,
      voxels: data ? lesionVoxels(data) : 0,
      conflict: null,
    },
    layers: [],
    ownLayerMounts: s.ownLayerMounts + 1,
  }));
}

/** A volume reached the screen: carry the layers over (b-value switch) or load the new case's. */
export function handleVolumeShown(): void {
  if (!rebindLayers()) void syncAnnotationCase();
}

/** The user changed the own labelmap (brush, eraser, undo, redo) on `slices`. */
export function markEdited(slices: EditedSlices): void {
  unsaved.edited(slices);
  editSerial++;
  const { own } = annotationStore.getState();
  if (!own.dirty) updateAnnotation({ own: { ...own, dirty: true } });
  autosaveTimer ??= setTimeout(() => {
    autosaveTimer = null;
    void flushOwnAnnotation('autosave');
  }, AUTOSAVE_MS);
}

/**
 * Saves one at a time, each starting from the version the one before it made: a submit clicked
 * while an autosave is still on its way would otherwise name the autosave's parent and be refused
 * as a conflict with this window's own draft.
 */
function saveOwn(status: VersionStatus, reason: string): Promise<AnnotationVersion | null> {
  const run = pendingSave.catch(() => undefined).then(() => saveOwnNow(status, reason));
  pendingSave = run;
  return run;
}

async function saveOwnNow(status: VersionStatus, reason: string): Promise<AnnotationVersion | null> {
  const { signedIn, currentCase, own, mode } = annotationStore.getState();
  if (!signedIn || !currentCase || mode !== 'annotate') return null;
  if (autosaveTimer) clearTimeout(autosaveTimer);
  autosaveTimer = null;
  // What to send is read now, in one go: edits made while the request is on its way are the next save's.
  const taken = unsaved.take();
  const sent = readWhatToSend(taken, own.versionId);
  if (!sent) {
    unsaved.giveBack(taken);
    return null;
  }
  const serialAtStart = editSerial;
  updateAnnotation({ own: { ...own, saving: true } });
  const api = getApi();
  const r =
    sent.kind === 'slices'
      ? await api['quorum:annotation.saveSlices']({
          session: signedIn.token,
          caseId: currentCase.caseId,
          parentVersionId: sent.parentVersionId,
          status,
          slices: sent.patch,
        })
      : await api['quorum:annotation.save']({
          session: signedIn.token,
          caseId: currentCase.caseId,
          labelmap: sent.labelmap,
          status,
          parentVersionId: own.versionId,
        });
  const latest = annotationStore.getState().own;
  if (!r.ok) {
    unsaved.giveBack(taken);
    // A stale parent: keep the edits on screen and ask (AnnotatePanel) instead of saving over the newer version.
    updateAnnotation({ own: { ...latest, saving: false, conflict: r.error.code === 'conflict' ? status : latest.conflict } });
    tell(`Not saved: ${r.error.message}`, true);
    return null;
  }
  const stillDirty = editSerial !== serialAtStart;
  updateAnnotation({
    own: {
      versionId: r.value.versionId,
      status: raterCaseStatus(r.value),
      dirty: stillDirty,
      saving: false,
      savedAt: r.value.createdAt,
      voxels: unsaved.saved(sent),
      conflict: null,
    },
    message: {
      text: `${status === 'submitted' ? 'Submitted' : reason === 'autosave' ? 'Autosaved draft' : 'Draft saved'} (${new Date(r.value.createdAt).toLocaleTimeString()})`,
      error: false,
    },
  });
  if (status === 'submitted') appStore.emit('workSubmitted', null);
  return r.value;
}

/**
 * The changed slices when they are known and there is a version to put them on (the server keeps
 * the rest of the parent), else the whole labelmap; null without an own layer.
 */
function readWhatToSend(
  taken: Pending,
  parentVersionId: string | null,
): { kind: 'whole'; labelmap: Uint8Array } | { kind: 'slices'; patch: SlicePatch; parentVersionId: string } | null {
  if (taken.kind === 'slices' && taken.slices.size > 0 && parentVersionId !== null) {
    const patch = ownLabelmapSlices([...taken.slices].sort((a, b) => a - b));
    return patch && { kind: 'slices', patch, parentVersionId };
  }
  const labelmap = ownLabelmap();
  return labelmap && { kind: 'whole', labelmap };
}

/** Saves a draft if there are unsaved edits (autosave, and before switching case, mode or rater). */
export async function flushOwnAnnotation(reason: 'autosave' | 'switch'): Promise<void> {
  const { own } = annotationStore.getState();
  // While a conflict waits for an answer, saving again would only be refused again.
  if (!own.dirty || own.conflict !== null) return;
  await saveOwn('draft', reason);
}

/**
 * The answer to a save conflict that keeps the person's edits: they are saved on top of the newest
 * version, which stays in the history (every save is a version), so neither side's work is lost.
 */
export async function keepMyEdits(): Promise<void> {
  const { signedIn, currentCase, own } = annotationStore.getState();
  if (!signedIn || !currentCase || own.conflict === null) return;
  const listed = await getApi()['quorum:annotation.list']({
    session: signedIn.token,
    caseId: currentCase.caseId,
    raterId: signedIn.raterId,
  });
  if (!listed.ok) return tell(listed.error.message, true);
  const newest = listed.value[listed.value.length - 1] ?? null;
  // The edits are relative to the version this window started from, not to the newer one.
  unsaved.wholeNext();
  updateAnnotation({ own: { ...own, versionId: newest?.versionId ?? null, conflict: null } });
  await saveOwn(own.conflict, 'manual');
}

/** The answer that drops this window's unsaved edits, at the person's request, and shows the newer version. */
export async function loadNewerVersion(): Promise<void> {
  const { own } = annotationStore.getState();
  if (own.conflict === null) return;
  updateAnnotation({ own: { ...own, dirty: false, conflict: null }, message: null });
  await syncAnnotationCase();
}

export async function saveDraft(): Promise<void> {
  await saveOwn('draft', 'manual');
}

export async function submitAnnotation(): Promise<void> {
  const { signedIn, own } = annotationStore.getState();
  const data = ownLabelmap();
  if (!signedIn || !data) return;
  if (lesionVoxels(data) === 0) {
    tell('Nothing is drawn. If this case has no lesion, answer "No lesion" instead.', true);
    return;
  }
  if (!own.dirty && own.status === 'draft' && own.versionId) {
    const r = await getApi()['quorum:annotation.submitDraft']({ session: signedIn.token, versionId: own.versionId });
    if (!r.ok) return tell(`Not submitted: ${r.error.message}`, true);
    updateAnnotation({
      own: { ...own, versionId: r.value.versionId, status: raterCaseStatus(r.value), savedAt: r.value.createdAt },
      message: { text: 'Submitted', error: false },
    });
    appStore.emit('workSubmitted', null);
    return;
  }
  await saveOwn('submitted', 'submit');
}

/** The explicit "no lesion" answer: only with nothing drawn, so the answer and the image agree. */
export async function answerNoLesion(): Promise<void> {
  const { signedIn, currentCase, own } = annotationStore.getState();
  const data = ownLabelmap();
  if (!signedIn || !currentCase || !data) return;
  if (lesionVoxels(data) > 0) {
    tell('Voxels are drawn: erase them before answering "No lesion", or submit the drawing.', true);
    return;
  }
  const r = await getApi()['quorum:annotation.noLesion']({
    session: signedIn.token,
    caseId: currentCase.caseId,
    parentVersionId: own.versionId,
  });
  if (!r.ok) return tell(`Not saved: ${r.error.message}`, true);
  updateAnnotation({
    own: { ...own, versionId: r.value.versionId, status: raterCaseStatus(r.value), dirty: false, savedAt: r.value.createdAt, voxels: 0 },
    message: { text: 'Answered: no lesion', error: false },
  });
  appStore.emit('workSubmitted', null);
}

export function chooseEditTool(tool: EditTool | null): void {
  const s = annotationStore.getState();
  if (tool !== null && (s.mode !== 'annotate' || !s.currentCase)) return;
  updateAnnotation({ tool: s.tool === tool ? null : tool });
}

export function changeBrushRadius(deltaMm: number): void {
  updateAnnotation((s) => ({ radiusMm: clampBrushRadius(s.radiusMm + deltaMm) }));
}

export function undoAnnotation(): void {
  if (annotationStore.getState().mode === 'annotate') undoEdit();
}

export function redoAnnotation(): void {
  if (annotationStore.getState().mode === 'annotate') redoEdit();
}

/** Threshold brush tolerance, as a fraction of the window width (clamped, 0.01 steps). */
export function changeThresholdTolerance(delta: number): void {
  updateAnnotation((s) => {
    const next = Math.round(Math.min(THRESHOLD_TOLERANCE.max, Math.max(THRESHOLD_TOLERANCE.min, s.thresholdTolerance + delta)) * 100) / 100;
    setThresholdTolerance(next);
    return { thresholdTolerance: next };
  });
}

/** Fills the empty slices between annotated ones in the own labelmap (one undo step). */
export function interpolateAnnotation(): void {
  const s = annotationStore.getState();
  if (s.mode !== 'annotate' || !s.currentCase) return;
  const r = interpolateOwnLabelmap();
  if (!r) return;
  if (r.filledSlices.length === 0) tell('Nothing to interpolate: annotate two axial slices with empty slices between them.');
  else
    tell(
      `Interpolated ${r.voxels} voxels on ${r.filledSlices.length} slice${r.filledSlices.length === 1 ? '' : 's'} (${r.filledSlices[0] + 1}–${r.filledSlices[r.filledSlices.length - 1] + 1})`,
    );
}
