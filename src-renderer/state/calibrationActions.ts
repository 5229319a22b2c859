/**
 * Verb-named changes to the Calibration section: fit a recalibration of the project's model on its
 * reviewed cases (in the calibration worker), by default on the float logits of re-running the
 * model on each case (the inference worker, with progress and cancel), falling back to the stored
 * p × 255 maps where the model cannot run here; and save it as a new model version. Nothing here
 * throws; problems become the section's message.
 */
import type { ModelEntry } from '../../src-shared/api/inferenceChannels';
import { manifestCalibration, type LogitSource } from '../../src-shared/calibration/provenance';
import type { ReviewedCase } from '../../src-shared/calibration/reviewedCase';
import type { CalibrationFit, CalibrationWorkerTask, CalibrationWorkerTasks } from '../../src-shared/calibration/workerProtocol';
import { getApi } from '../api';
import { annotationStore } from './annotationState';
import { calibrationStore, type CalibrationMethod, type CalibrationSettings, type CalibrationState } from './calibrationState';
import { dashboardStore } from './dashboardState';
import { loadCaseSources } from './evaluationSources';
import type { InferenceController } from './inferenceController';
import { createTaskWorker, TaskCancelledError } from '../workers/taskWorker';

/** Fixed, and recorded in the manifest: the same cases give the same folds. */
const FOLD_SEED = 17;

/** One fit per worker: the worker is stopped after each fit, and by a cancel or a newer fit. */
const fits = createTaskWorker<CalibrationWorkerTasks>(
  () => new Worker(new URL('../workers/calibration.worker.ts', import.meta.url), { type: 'module' }),
  {
    idOf: (e) => e.requestId,
    isFinal: (e) => e.type !== 'progress',
    failure: (requestId, message) => ({ type: 'error', requestId, message: message || 'the calibration worker failed' }),
  },
);
let fitSerial = 0;
/** Aborts the fit in flight (the worker cannot be interrupted, so that stops it): a cancel, or a newer fit. */
let fitAbort = new AbortController();

function update(patch: Partial<CalibrationState>): void {
  calibrationStore.update((s) => ({ ...s, ...patch }));
}

function say(text: string, error = false): void {
  update({ message: { text, error } });
}

export function setCalibrationSettings(patch: Partial<CalibrationSettings>): void {
  calibrationStore.update((s) => ({ ...s, settings: { ...s.settings, ...patch } }));
}

interface ReviewedCases {
  readonly cases: ReviewedCase[];
  /** Each case's image path (the model re-runs on it), same order. */
  readonly paths: string[];
  readonly model: { id: string; version: string };
  readonly skipped: number;
}

/** Each case with a model result and at least one submitted rater answer, as the worker takes it. */
async function reviewedCases(token: string): Promise<ReviewedCases> {
  const listed = await getApi()['quorum:projectCase.list']({ session: token });
  if (!listed.ok) throw new Error(`The project's cases could not be listed: ${listed.error.message}`);
  const cases: ReviewedCase[] = [];
  const paths: string[] = [];
  let model: { id: string; version: string } | null = null;
  let skipped = 0;
  for (const c of listed.value) {
    const loaded = await loadCaseSources(token, c.caseId);
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
    // evaluationSources sends p = q / 255 as float32; round(p × 255) is q again, exactly.
    const q = Uint8Array.from(m.probability, (p) => Math.round(p * 255));
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

/** Set by Cancel; the re-run loop and the fit check it. */
let cancelled = false;

/** The model's float logits on every case, in order, with progress per case. */
/** What the calibration needs of the inference controller: the model's logits on a case, and cancelling them. */
type LogitsRunner = Pick<InferenceController, 'modelLogits' | 'cancelModelLogits'>;

async function rerunLogits(inference: LogitsRunner, entry: ModelEntry, r: ReviewedCases, token: string): Promise<ReviewedCase[]> {
  const out: ReviewedCase[] = [];
  for (let i = 0; i < r.cases.length; i++) {
    if (cancelled) throw new Error('Cancelled.');
    update({ rerun: { caseIndex: i, cases: r.cases.length, fraction: 0 } });
    say(`Re-running ${entry.model?.name ?? entry.folder} on ${r.cases[i].caseId} (${i + 1} of ${r.cases.length}) for its float logits…`);
    const logits = await inference.modelLogits(
      entry,
      r.paths[i],
      token,
      (fraction) => update({ rerun: { caseIndex: i, cases: r.cases.length, fraction } }),
      (text) => say(text),
    );
    out.push({ ...r.cases[i], rerunLogits: logits });
  }
  update({ rerun: null });
  return out;
}

/** Stops a re-run between patches, or the fit. */
export function cancelCalibration(inference: LogitsRunner): void {
  cancelled = true;
  inference.cancelModelLogits();
  fitAbort.abort();
  update({ progress: null, rerun: null, message: { text: 'Cancelled.', error: true } });
}

export async function fitCalibration(inference: LogitsRunner): Promise<void> {
  const signedIn = annotationStore.getState().signedIn;
  if (!signedIn || signedIn.role === 'annotator') {
    say('Calibration compares the model with every rater: sign in as a reviewer or admin.', true);
    return;
  }
  const settings = calibrationStore.getState().settings;
  cancelled = false;
  update({
    report: null,
    model: null,
    settingsUsed: null,
    logitsUsed: null,
    progress: { done: 0, total: settings.folds + 1 },
    message: { text: 'Loading the reviewed cases…', error: false },
  });
  try {
    const all = await reviewedCases(signedIn.token);
    const limit = settings.maxCases ?? all.cases.length;
    const reviewed = { ...all, cases: all.cases.slice(0, limit), paths: all.paths.slice(0, limit) };
    const { model, skipped } = reviewed;
    const models = await getApi()['quorum:models.list']({ session: signedIn.token });
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
        cases = await rerunLogits(inference, entry, reviewed, signedIn.token);
        logitsUsed = 'model-rerun';
      }
    }
    if (cancelled) return;
    const requestId = `fit-${++fitSerial}`;
    const task: CalibrationWorkerTask = {
      requestId,
      cases,
      reference: settings.reference,
      region: settings.region,
      uncertainAs: dashboardStore.getState().computeOptions.uncertainAs,
      fit,
      folds: settings.folds,
      seed: FOLD_SEED,
    };
    fitAbort.abort();
    fitAbort = new AbortController();
    const source = logitsUsed === 'model-rerun' ? 'the model’s float logits' : 'the stored p × 255 maps';
    const unused = all.cases.length - cases.length;
    const left = [
      ...(skipped ? [`${skipped} without a model result or a submitted answer left out`] : []),
      ...(unused ? [`${unused} more reviewed cases not used, as asked`] : []),
    ];
    say(`Fitting on ${cases.length} cases from ${source}${left.length ? ` (${left.join('; ')})` : ''}…${fallback}`);
    const answer = await fits.run('fit', requestId, task, {
      signal: fitAbort.signal,
      onProgress: (ev) => update({ progress: { done: ev.done, total: ev.total } }),
    });
    fits.stop('The fit is over.');
    if (answer.type !== 'done') throw new Error(answer.type === 'error' ? answer.message : 'the calibration worker sent no report');
    update({
      report: answer.report,
      model: { ...model, key: entry?.key ?? null },
      settingsUsed: settings,
      logitsUsed,
      message: fallback ? { text: fallback.trim(), error: false } : null,
    });
  } catch (err) {
    // A cancel has said so already; a newer fit shows its own progress.
    if (err instanceof TaskCancelledError) return;
    update({ progress: null, rerun: null });
    if (!cancelled) say(err instanceof Error ? err.message : String(err), true);
  }
}

export async function saveCalibratedVersion(version: string): Promise<void> {
  const s = calibrationStore.getState();
  const signedIn = annotationStore.getState().signedIn;
  if (!s.report || !s.model || !s.settingsUsed || !s.logitsUsed || !signedIn) return;
  if (!s.model.key) {
    say(`${s.model.id}@${s.model.version} is not installed on this machine, so there is nothing to copy into a new version.`, true);
    return;
  }
  const calibration = manifestCalibration(s.report, {
    baseModel: { id: s.model.id, version: s.model.version },
    reference: s.settingsUsed.reference,
    region: s.settingsUsed.region === 'whole-image' ? 'whole image' : 'voxels the model or a rater marked',
    fittedAt: new Date().toISOString(),
    logits: s.logitsUsed,
  });
  const saved = await getApi()['quorum:models.saveCalibrated']({ session: signedIn.token, baseKey: s.model.key, version, calibration });
  say(
    saved.ok
      ? `Saved as ${s.model.id}@${version} (${saved.value.key}); it is listed with the models and runs like any model.`
      : saved.error.message,
    !saved.ok,
  );
}
