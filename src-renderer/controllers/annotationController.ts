/**
 * The rater's own annotation of the open case: load the newest version into the viewer, track
 * edits, save drafts (by hand, 10 s after an edit, and before the case, mode or rater changes),
 * submit, answer "no lesion", and the editing tool settings. Every save is a new version on the
 * server; the newest one is the parent of the next. Made once at start-up (startApp.ts), which
 * hands it the viewer's 'labelmap-modified' events.
 *
 * An edit is known by its cause, carried on the event (viewer/ownLabelmapChanges.ts): strokes,
 * Quorum's tools, undo and redo mark the draft dirty with the slices they changed; a load (a version
 * put on screen, the layer mounted or carried to another volume) does not.
 */
import type { CaseDescriptor, QuorumApi } from '../../src-shared/api/contract';
import { raterCaseStatus } from '../../src-shared/project/annotationStatus';
import type { InterpolationResult } from '../../src-shared/project/interpolate';
import type { LabelTable } from '../../src-shared/project/labelTable';
import { countLabelled } from '../../src-shared/project/labels';
import type { SlicePatch } from '../../src-shared/project/labelmapSlices';
import { isSeriesAt } from '../../src-shared/project/seriesPath';
import type { AnnotationVersion, CaseRecord, VersionStatus } from '../../src-shared/project/types';
import { onCaseGrid } from '../api/voxelPayload';
import { NOT_STARTED, type AnnotationState } from '../state/annotationState';
import type { AppEvents, AppState } from '../state/appState';
import type { Store } from '../state/createStore';
import { UnsavedSlices, type Pending } from '../state/unsavedSlices';
import { clampBrushRadius, type EditTool } from '../viewer/annotationTools';
import { THRESHOLD_TOLERANCE } from '../viewer/editToolClasses';
import type { ViewerEvents } from './viewerEvents';

/** Autosave runs this long after the first unsaved edit. */
const AUTOSAVE_MS = 10_000;

/** What the annotation asks of the viewer: the own labelmap layer and the tools that write it. */
export interface AnnotationViewer {
  /** The case on screen now, or null. */
  shownCase(): CaseDescriptor | null;
  /** Shows the own labelmap (null: all zero) with a fresh undo history. */
  showOwn(data: Uint8Array | null, labels: LabelTable): void;
  clearLayers(): void;
  /** After a volume reached the screen: true when the layers moved over to it (the same case). */
  rebindLayers(): boolean;
  ownLabelmap(): Uint8Array | null;
  ownLabelmapSlices(indices: number[]): SlicePatch | null;
  interpolate(): InterpolationResult | null;
  undo(): void;
  redo(): void;
  setThresholdTolerance(fraction: number): void;
}

export interface AnnotationDeps {
  readonly api: Pick<
    QuorumApi,
    | 'quorum:annotation.list'
    | 'quorum:annotation.read'
    | 'quorum:annotation.save'
    | 'quorum:annotation.saveSlices'
    | 'quorum:annotation.submitDraft'
    | 'quorum:annotation.noLesion'
  >;
  readonly store: Pick<Store<AnnotationState, never>, 'getState' | 'update'>;
  readonly app: Pick<Store<AppState, AppEvents>, 'getState' | 'emit'>;
  readonly viewer: AnnotationViewer;
  /** Review mode: the raters' layers of `record` (reviewActions.ts); `current` says whether it is still wanted. */
  readonly loadReviewLayers: (record: CaseRecord, token: string, current: () => boolean) => Promise<void>;
}

function voxelCount(record: CaseRecord): number {
  const [x, y, z] = record.series[0].geometry.dims;
  return x * y * z;
}

type WhatToSend = { kind: 'whole'; labelmap: Uint8Array } | { kind: 'slices'; patch: SlicePatch; parentVersionId: string };

export class AnnotationController {
  private autosaveTimer: ReturnType<typeof setTimeout> | null = null;
  private editSerial = 0;
  private pendingSave: Promise<unknown> = Promise.resolve();
  private syncSerial = 0;
  /** The slices edited since the last acknowledged version: what the next save sends. */
  private readonly unsaved = new UnsavedSlices();

  constructor(private readonly deps: AnnotationDeps) {}

  private update(patch: Partial<AnnotationState> | ((s: AnnotationState) => Partial<AnnotationState>)): void {
    this.deps.store.update((s) => ({ ...s, ...(typeof patch === 'function' ? patch(s) : patch) }));
  }

  private tell(text: string, error = false): void {
    this.update({ message: { text, error } });
  }

  /** The open case's project record: the series path is the path the case was opened from. */
  private recordOfOpenCase(): CaseRecord | null {
    const { openCase } = this.deps.app.getState();
    if (!openCase) return null;
    const { projectCases, projectDir } = this.deps.store.getState();
    return projectCases.find((c) => c.series[0] && isSeriesAt(projectDir, c.series[0].path, openCase.path)) ?? null;
  }

  /**
   * Brings the viewer's annotation layers in line with who is signed in, the mode and the case on
   * screen. Called after sign-in, a mode change and each new case on screen.
   */
  async syncCase(): Promise<void> {
    const serial = ++this.syncSerial;
    await this.pendingSave.catch(() => undefined);
    const { signedIn, mode } = this.deps.store.getState();
    const shown = this.deps.viewer.shownCase();
    const openCase = this.deps.app.getState().openCase;
    if (!signedIn || !shown || !openCase || shown !== openCase) {
      this.deps.viewer.clearLayers();
      this.update({ currentCase: null, own: NOT_STARTED, layers: [] });
      return;
    }
    const record = this.recordOfOpenCase();
    if (!record) {
      this.deps.viewer.clearLayers();
      this.update({
        currentCase: null,
        own: NOT_STARTED,
        layers: [],
        message: { text: 'This case is not in the project, so it cannot be annotated here.', error: false },
      });
      return;
    }
    this.update({ currentCase: record });
    const current = () => serial === this.syncSerial;
    if (mode === 'review') await this.deps.loadReviewLayers(record, signedIn.token, current);
    else await this.loadOwn(record, signedIn.token, current);
  }

  private async loadOwn(record: CaseRecord, token: string, current: () => boolean): Promise<void> {
    const { api } = this.deps;
    const me = this.deps.store.getState().signedIn?.raterId;
    const listed = await api['quorum:annotation.list']({ session: token, caseId: record.caseId, ...(me ? { raterId: me } : {}) });
    if (!listed.ok) {
      this.tell(listed.error.message, true);
      return;
    }
    const newest: AnnotationVersion | null = listed.value[listed.value.length - 1] ?? null;
    let data: Uint8Array | null = null;
    if (newest?.fileHash) {
      const read = await api['quorum:annotation.read']({ session: token, versionId: newest.versionId });
      if (!read.ok) {
        this.tell(`Your last version could not be read: ${read.error.message}`, true);
        return;
      }
      data = onCaseGrid(read.value.labelmap, voxelCount(record));
    }
    if (!current()) return;
    this.deps.viewer.showOwn(data, this.deps.store.getState().labels);
    this.unsaved.loaded(data, record.series[0].geometry.dims);
    this.editSerial = 0;
    this.update((s) => ({
      own: {
        versionId: newest?.versionId ?? null,
        status: raterCaseStatus(newest),
        dirty: false,
        saving: false,
        savedAt: newest?.createdAt ?? null,
        voxels: data ? countLabelled(data) : 0,
        conflict: null,
      },
      layers: [],
      ownLayerMounts: s.ownLayerMounts + 1,
    }));
  }

  /** A volume reached the screen: carry the layers over (b-value switch) or load the new case's. */
  volumeShown(): void {
    if (!this.deps.viewer.rebindLayers()) void this.syncCase();
  }

  /** The own labelmap changed: an edit (any cause but a load) marks the draft dirty on its slices and starts the autosave clock. */
  labelmapModified({ slices, cause }: ViewerEvents['labelmap-modified']): void {
    if (cause === 'load') return;
    this.unsaved.edited(slices);
    this.editSerial++;
    const { own } = this.deps.store.getState();
    if (!own.dirty) this.update({ own: { ...own, dirty: true } });
    this.autosaveTimer ??= setTimeout(() => {
      this.autosaveTimer = null;
      void this.flush('autosave');
    }, AUTOSAVE_MS);
  }

  /**
   * Saves one at a time, each starting from the version the one before it made: a submit clicked
   * while an autosave is still on its way would otherwise name the autosave's parent and be refused
   * as a conflict with this window's own draft.
   */
  private save(status: VersionStatus, reason: string): Promise<AnnotationVersion | null> {
    const run = this.pendingSave.catch(() => undefined).then(() => this.saveNow(status, reason));
    this.pendingSave = run;
    return run;
  }

  private async saveNow(status: VersionStatus, reason: string): Promise<AnnotationVersion | null> {
    const { signedIn, currentCase, own, mode } = this.deps.store.getState();
    if (!signedIn || !currentCase || mode !== 'annotate') return null;
    if (this.autosaveTimer) clearTimeout(this.autosaveTimer);
    this.autosaveTimer = null;
    // What to send is read now, in one go: edits made while the request is on its way are the next save's.
    const taken = this.unsaved.take();
    const sent = this.whatToSend(taken, own.versionId);
    if (!sent) {
      this.unsaved.giveBack(taken);
      return null;
    }
    const serialAtStart = this.editSerial;
    this.update({ own: { ...own, saving: true } });
    const { api } = this.deps;
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
    const latest = this.deps.store.getState().own;
    if (!r.ok) {
      this.unsaved.giveBack(taken);
      // A stale parent: keep the edits on screen and ask (AnnotatePanel) instead of saving over the newer version.
      this.update({ own: { ...latest, saving: false, conflict: r.error.code === 'conflict' ? status : latest.conflict } });
      this.tell(`Not saved: ${r.error.message}`, true);
      return null;
    }
    const stillDirty = this.editSerial !== serialAtStart;
    this.update({
      own: {
        versionId: r.value.versionId,
        status: raterCaseStatus(r.value),
        dirty: stillDirty,
        saving: false,
        savedAt: r.value.createdAt,
        voxels: this.unsaved.saved(sent),
        conflict: null,
      },
      message: {
        text: `${status === 'submitted' ? 'Submitted' : reason === 'autosave' ? 'Autosaved draft' : 'Draft saved'} (${new Date(r.value.createdAt).toLocaleTimeString()})`,
        error: false,
      },
    });
    if (status === 'submitted') this.deps.app.emit('workSubmitted', null);
    return r.value;
  }

  /**
   * The changed slices when they are known and there is a version to put them on (the server keeps
   * the rest of the parent), else the whole labelmap; null without an own layer.
   */
  private whatToSend(taken: Pending, parentVersionId: string | null): WhatToSend | null {
    if (taken.kind === 'slices' && taken.slices.size > 0 && parentVersionId !== null) {
      const patch = this.deps.viewer.ownLabelmapSlices([...taken.slices].sort((a, b) => a - b));
      return patch && { kind: 'slices', patch, parentVersionId };
    }
    const labelmap = this.deps.viewer.ownLabelmap();
    return labelmap && { kind: 'whole', labelmap };
  }

  /** Saves a draft if there are unsaved edits (autosave, and before switching case, mode or rater). */
  async flush(reason: 'autosave' | 'switch'): Promise<void> {
    const { own } = this.deps.store.getState();
    // While a conflict waits for an answer, saving again would only be refused again.
    if (!own.dirty || own.conflict !== null) return;
    await this.save('draft', reason);
  }

  /**
   * The answer to a save conflict that keeps the person's edits: they are saved on top of the newest
   * version, which stays in the history (every save is a version), so neither side's work is lost.
   */
  async keepMyEdits(): Promise<void> {
    const { signedIn, currentCase, own } = this.deps.store.getState();
    if (!signedIn || !currentCase || own.conflict === null) return;
    const listed = await this.deps.api['quorum:annotation.list']({
      session: signedIn.token,
      caseId: currentCase.caseId,
      raterId: signedIn.raterId,
    });
    if (!listed.ok) return this.tell(listed.error.message, true);
    const newest = listed.value[listed.value.length - 1] ?? null;
    // The edits are relative to the version this window started from, not to the newer one.
    this.unsaved.wholeNext();
    this.update({ own: { ...own, versionId: newest?.versionId ?? null, conflict: null } });
    await this.save(own.conflict, 'manual');
  }

  /** The answer that drops this window's unsaved edits, at the person's request, and shows the newer version. */
  async loadNewerVersion(): Promise<void> {
    const { own } = this.deps.store.getState();
    if (own.conflict === null) return;
    this.update({ own: { ...own, dirty: false, conflict: null }, message: null });
    await this.syncCase();
  }

  async saveDraft(): Promise<void> {
    await this.save('draft', 'manual');
  }

  async submit(): Promise<void> {
    const { signedIn, own } = this.deps.store.getState();
    const data = this.deps.viewer.ownLabelmap();
    if (!signedIn || !data) return;
    if (countLabelled(data) === 0) {
      this.tell('Nothing is drawn. If this case has no lesion, answer "No lesion" instead.', true);
      return;
    }
    if (!own.dirty && own.status === 'draft' && own.versionId) {
      const r = await this.deps.api['quorum:annotation.submitDraft']({ session: signedIn.token, versionId: own.versionId });
      if (!r.ok) return this.tell(`Not submitted: ${r.error.message}`, true);
      this.update({
        own: { ...own, versionId: r.value.versionId, status: raterCaseStatus(r.value), savedAt: r.value.createdAt },
        message: { text: 'Submitted', error: false },
      });
      this.deps.app.emit('workSubmitted', null);
      return;
    }
    await this.save('submitted', 'submit');
  }

  /** The explicit "no lesion" answer: only with nothing drawn, so the answer and the image agree. */
  async answerNoLesion(): Promise<void> {
    const { signedIn, currentCase, own } = this.deps.store.getState();
    const data = this.deps.viewer.ownLabelmap();
    if (!signedIn || !currentCase || !data) return;
    if (countLabelled(data) > 0) {
      this.tell('Voxels are drawn: erase them before answering "No lesion", or submit the drawing.', true);
      return;
    }
    const r = await this.deps.api['quorum:annotation.noLesion']({
      session: signedIn.token,
      caseId: currentCase.caseId,
      parentVersionId: own.versionId,
    });
    if (!r.ok) return this.tell(`Not saved: ${r.error.message}`, true);
    this.update({
      own: { ...own, versionId: r.value.versionId, status: raterCaseStatus(r.value), dirty: false, savedAt: r.value.createdAt, voxels: 0 },
      message: { text: 'Answered: no lesion', error: false },
    });
    this.deps.app.emit('workSubmitted', null);
  }

  chooseEditTool(tool: EditTool | null): void {
    const s = this.deps.store.getState();
    if (tool !== null && (s.mode !== 'annotate' || !s.currentCase)) return;
    this.update({ tool: s.tool === tool ? null : tool });
  }

  changeBrushRadius(deltaMm: number): void {
    this.update((s) => ({ radiusMm: clampBrushRadius(s.radiusMm + deltaMm) }));
  }

  undo(): void {
    if (this.deps.store.getState().mode === 'annotate') this.deps.viewer.undo();
  }

  redo(): void {
    if (this.deps.store.getState().mode === 'annotate') this.deps.viewer.redo();
  }

  /** Threshold brush tolerance, as a fraction of the window width (clamped, 0.01 steps). */
  changeThresholdTolerance(delta: number): void {
    const s = this.deps.store.getState();
    const next = Math.round(Math.min(THRESHOLD_TOLERANCE.max, Math.max(THRESHOLD_TOLERANCE.min, s.thresholdTolerance + delta)) * 100) / 100;
    this.deps.viewer.setThresholdTolerance(next);
    this.update({ thresholdTolerance: next });
  }

  /** Fills the empty slices between annotated ones in the own labelmap (one undo step). */
  interpolate(): void {
    const s = this.deps.store.getState();
    if (s.mode !== 'annotate' || !s.currentCase) return;
    const r = this.deps.viewer.interpolate();
    if (!r) return;
    if (r.filledSlices.length === 0) this.tell('Nothing to interpolate: annotate two axial slices with empty slices between them.');
    else
      this.tell(
        `Interpolated ${r.voxels} voxels on ${r.filledSlices.length} slice${r.filledSlices.length === 1 ? '' : 's'} (${r.filledSlices[0] + 1}–${r.filledSlices[r.filledSlices.length - 1] + 1})`,
      );
  }
}
