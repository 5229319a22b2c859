/**
 * The Calibration section's controller: fit a recalibration of the project's model on its reviewed
 * cases (in the calibration worker), by default on the float logits of re-running the model on each
 * case (the inference worker, with progress and cancel), falling back to the stored p × 255 maps
 * where the model cannot run here; and save it as a new model version. Made once at start-up
 * (startApp.ts). Nothing here throws; problems become the section's message.
 */
import type { QuorumApi } from '../../src-shared/api/contract';
import type { ModelEntry } from '../../src-shared/api/inferenceChannels';
import { manifestCalibration, type LogitSource } from '../../src-shared/calibration/provenance';
import type { ReviewedCase } from '../../src-shared/calibration/reviewedCase';
import type { CalibrationFit, CalibrationWorkerTask, CalibrationWorkerTasks } from '../../src-shared/calibration/workerProtocol';
import type { AnnotationState } from '../state/annotationState';
import {
  initialCalibrationState,
  type CalibrationMethod,
  type CalibrationSettings,
  type CalibrationState,
} from '../state/calibrationState';
import { createStore, type Store } from '../state/createStore';
import type { LoadedCaseSources } from '../state/evaluationSources';
import type { InferenceController } from '../state/inferenceController';
import { createTaskWorker, TaskCancelledError, type WorkerLike } from '../workers/taskWorker';
import type { DashboardController } from './dashboardController';

/** Fixed, and recorded in the manifest: the same cases give the same folds. */
const FOLD_SEED = 17;

export interface CalibrationDeps {
  readonly api: Pick<QuorumApi, 'quorum:projectCase.list' | 'quorum:models.list' | 'quorum:models.saveCalibrated'>;
  readonly annotation: Pick<Store<AnnotationState, never>, 'getState'>;
  /** The fit uses the dashboard's uncertain-voxel rule. */
  readonly dashboard: Pick<DashboardController, 'store'>;
  readonly loadCaseSources: (token: string, caseId: string) => Promise<LoadedCaseSources>;
  /** The model's float logits on one case (the inference worker), and how to stop that run. */
  readonly inference: Pick<InferenceController, 'modelLogits' | 'cancelModelLogits'>;
  readonly spawnWorker: () => WorkerLike;
}

interface ReviewedCases {
  readonly cases: ReviewedCase[];
  /** Each case's image path (the model re-runs on it), same order. */
  readonly paths: string[];
  readonly model: { id: string; version: string };
  readonly skipped: number;
}

/** Why the model cannot re-run here, or null when it can. */
function whyNoRerun(model: { id: string; version: string }, entry: ModelEntry | undefined): string | null {
  if (!entry) return `${model.id}@${model.version} is not installed on this machine, so it cannot re-run.`;
  return entry.error;
}

/**
 * The fit for the model's output: a softmax model (known from its installed manifest) gets
 * temperatures, a sigmoid one any recalibration; a method the output has none of is refused.
 */
function calibrationFit(method: CalibrationMethod, entry: ModelEntry | undefined): CalibrationFit {
  if (entry?.model?.activation === 'softmax') {
    if (method !== 'temperature' && method !== 'class-temperatures')
      throw new Error('A softmax model is calibrated by temperature scaling: one temperature, or one per class.');
    return { activation: 'softmax', method, labels: entry.model.labels };
  }
  if (method === 'class-temperatures') throw new Error('Per-class temperatures are for softmax models; this one is sigmoid.');
  return { activation: 'sigmoid', method };
}

export class CalibrationController {
  readonly store: Store<CalibrationState, Record<string, never>> = createStore(initialCalibrationState);
  /** One fit per worker: the worker is stopped after each fit, and by a cancel or a newer fit. */
  private readonly fits;
  private fitSerial = 0;
  /** Aborts the fit in flight (the worker cannot be interrupted, so that stops it): a cancel, or a newer fit. */
  private fitAbort = new AbortController();
  /** Set by Cancel; the re-run loop and the fit check it. */
  private cancelled = false;

  constructor(private readonly deps: CalibrationDeps) {
    this.fits = createTaskWorker<CalibrationWorkerTasks>(deps.spawnWorker, {
      idOf: (e) => e.requestId,
      isFinal: (e) => e.type !== 'progress',
      failure: (requestId, message) => ({ type: 'error', requestId, message: message || 'the calibration worker failed' }),
    });
  }

  private update(patch: Partial<CalibrationState>): void {
    this.store.update((s) => ({ ...s, ...patch }));
  }

  private say(text: string, error = false): void {
    this.update({ message: { text, error } });
  }

  setSettings(patch: Partial<CalibrationSettings>): void {
    this.store.update((s) => ({ ...s, settings: { ...s.settings, ...patch } }));
  }

  /** Each case with a model result and at least one submitted rater answer, as the worker takes it. */
  private async reviewedCases(token: string): Promise<ReviewedCases> {
    const listed = await this.deps.api['quorum:projectCase.list']({ session: token });
    if (!listed.ok) throw new Error(`The project's cases could not be listed: ${listed.error.message}`);
    const cases: ReviewedCase[] = [];
    const paths: string[] = [];
    let model: { id: string; version: string } | null = null;
    let skipped = 0;
    for (const c of listed.value) {
      const loaded = await this.deps.loadCaseSources(token, c.caseId);
      const m = loaded.input.model;
      const meta = loaded.meta.models.find((x) => x.raterId === m?.id);
      if (!m?.probability || !meta?.modelId || !meta.modelVersion || loaded.input.raters.length === 0) {
        skipped++;
        continue;
      }
      if (model && (model.id !== meta.modelId || model.version !== meta.modelVersion)) {
        skipped++;
        continue;
      }
      model ??= { id: meta.modelId, version: meta.modelVersion };
      const [x, y, z] = loaded.input.geometry.spacingMm;
      // evaluationSources keeps the stored codes q = round(255 p) as they are; a Float32 map's
      // round(p × 255) would be q again, exactly (p = q / 255).
      const p = m.probability;
      const q = p instanceof Float32Array ? Uint8Array.from(p, (v) => Math.round(v * 255)) : p.codes;
      cases.push({
        caseId: loaded.name,
        voxelMl: (x * y * z) / 1000,
        labelmaps: loaded.input.raters.map((r) => r.labelmap),
        quantisedProbability: q,
      });
      paths.push(c.series[0]?.path ?? '');
    }
    if (!model) throw new Error('No case has both a saved model result and a submitted rater answer: nothing to calibrate on.');
    return { cases, paths, model, skipped };
  }

  /** The model's float logits on every case, in order, with progress per case. */
  private async rerunLogits(entry: ModelEntry, r: ReviewedCases, token: string): Promise<ReviewedCase[]> {
    const out: ReviewedCase[] = [];
    for (let i = 0; i < r.cases.length; i++) {
      if (this.cancelled) throw new Error('Cancelled.');
      this.update({ rerun: { caseIndex: i, cases: r.cases.length, fraction: 0 } });
      this.say(
        `Re-running ${entry.model?.name ?? entry.folder} on ${r.cases[i].caseId} (${i + 1} of ${r.cases.length}) for its float logits…`,
      );
      const logits = await this.deps.inference.modelLogits(
        entry,
        r.paths[i],
        token,
        (fraction) => this.update({ rerun: { caseIndex: i, cases: r.cases.length, fraction } }),
        (text) => this.say(text),
      );
      out.push({ ...r.cases[i], rerunLogits: logits });
    }
    this.update({ rerun: null });
    return out;
  }

  /** Stops a re-run between patches, or the fit. */
  cancel(): void {
    this.cancelled = true;
    this.deps.inference.cancelModelLogits();
    this.fitAbort.abort();
    this.update({ progress: null, rerun: null, message: { text: 'Cancelled.', error: true } });
  }

  async fit(): Promise<void> {
    const signedIn = this.deps.annotation.getState().signedIn;
    if (!signedIn || signedIn.role === 'annotator') {
      this.say('Calibration compares the model with every rater: sign in as a reviewer or admin.', true);
      return;
    }
    const settings = this.store.getState().settings;
    this.cancelled = false;
    this.update({
      report: null,
      model: null,
      settingsUsed: null,
      logitsUsed: null,
      progress: { done: 0, total: settings.folds + 1 },
      message: { text: 'Loading the reviewed cases…', error: false },
    });
    try {
      const all = await this.reviewedCases(signedIn.token);
      const limit = settings.maxCases ?? all.cases.length;
      const reviewed = { ...all, cases: all.cases.slice(0, limit), paths: all.paths.slice(0, limit) };
      const { model, skipped } = reviewed;
      const models = await this.deps.api['quorum:models.list']({ session: signedIn.token });
      const entry = models.ok ? models.value.models.find((e) => e.model?.id === model.id && e.model.version === model.version) : undefined;
      // Before a re-run that takes minutes: a method the model's output has none of is refused now.
      const fit = calibrationFit(settings.method, entry);
      let cases = reviewed.cases;
      let logitsUsed: LogitSource = 'stored-probability-map';
      let fallback = '';
      if (settings.logits === 'model-rerun') {
        const why = whyNoRerun(model, entry);
        if (why || !entry) fallback = ` ${why} The fit reads the stored p × 255 maps instead.`;
        else {
          cases = await this.rerunLogits(entry, reviewed, signedIn.token);
          logitsUsed = 'model-rerun';
        }
      }
      if (this.cancelled) return;
      const requestId = `fit-${++this.fitSerial}`;
      const task: CalibrationWorkerTask = {
        requestId,
        cases,
        reference: settings.reference,
        region: settings.region,
        uncertainAs: this.deps.dashboard.store.getState().computeOptions.uncertainAs,
        fit,
        folds: settings.folds,
        seed: FOLD_SEED,
      };
      this.fitAbort.abort();
      this.fitAbort = new AbortController();
      const source = logitsUsed === 'model-rerun' ? 'the model’s float logits' : 'the stored p × 255 maps';
      const unused = all.cases.length - cases.length;
      const left = [
        ...(skipped ? [`${skipped} without a model result or a submitted answer left out`] : []),
        ...(unused ? [`${unused} more reviewed cases not used, as asked`] : []),
      ];
      this.say(`Fitting on ${cases.length} cases from ${source}${left.length ? ` (${left.join('; ')})` : ''}…${fallback}`);
      const answer = await this.fits.run('fit', requestId, task, {
        signal: this.fitAbort.signal,
        onProgress: (ev) => this.update({ progress: { done: ev.done, total: ev.total } }),
      });
      this.fits.stop('The fit is over.');
      if (answer.type !== 'done') throw new Error(answer.type === 'error' ? answer.message : 'the calibration worker sent no report');
      this.update({
        report: answer.report,
        model: { ...model, key: entry?.key ?? null },
        settingsUsed: settings,
        logitsUsed,
        message: fallback ? { text: fallback.trim(), error: false } : null,
      });
    } catch (err) {
      // A cancel has said so already; a newer fit shows its own progress.
      if (err instanceof TaskCancelledError) return;
      this.update({ progress: null, rerun: null });
      if (!this.cancelled) this.say(err instanceof Error ? err.message : String(err), true);
    }
  }

  async saveCalibratedVersion(version: string): Promise<void> {
    const s = this.store.getState();
    const signedIn = this.deps.annotation.getState().signedIn;
    if (!s.report || !s.model || !s.settingsUsed || !s.logitsUsed || !signedIn) return;
    if (!s.model.key) {
      this.say(`${s.model.id}@${s.model.version} is not installed on this machine, so there is nothing to copy into a new version.`, true);
      return;
    }
    const calibration = manifestCalibration(s.report, {
      baseModel: { id: s.model.id, version: s.model.version },
      reference: s.settingsUsed.reference,
      region: s.settingsUsed.region === 'whole-image' ? 'whole image' : 'voxels the model or a rater marked',
      fittedAt: new Date().toISOString(),
      logits: s.logitsUsed,
    });
    const saved = await this.deps.api['quorum:models.saveCalibrated']({
      session: signedIn.token,
      baseKey: s.model.key,
      version,
      calibration,
    });
    this.say(
      saved.ok
        ? `Saved as ${s.model.id}@${version} (${saved.value.key}); it is listed with the models and runs like any model.`
        : saved.error.message,
      !saved.ok,
    );
  }
}
