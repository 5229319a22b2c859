/**
 * The sidebar's model section (issue 5): pick a model ("demo model, not for clinical use" from its
 * manifest), Run on the open case, progress with ETA, Cancel, the EP that ran (and why not WebGPU),
 * stage times; then the map shown (probability / entropy / mutual information), the threshold and
 * the expected (Σp) next to the thresholded volume. With several foreground classes (issue 14) a
 * class selector picks the class whose maps, colour bar and volumes are shown (names from the
 * manifest, colours from the project's label of the same name), and a small table lists every
 * class's volumes; the threshold applies to each class. A model that does not accept the open case (its
 * inputs, from the manifest, against the case's modality and b-values) cannot be picked, and the
 * panel says why, so an empty choice is never a mystery.
 */
import { useEffect } from 'react';
import type { ModelEntry } from '../../src-shared/api/inferenceChannels';
import type { ExecutionProvider } from '../../src-shared/inference';
import { offeredChannels, whyModelRefusesCase } from '../../src-shared/inference/caseFit';
import { labelForClass } from '../../src-shared/inference/classLabels';
import { seesAllRaters } from '../../src-shared/project/blinding';
import { useAnnotationState } from '../state/annotationState';
import { useAppState } from '../state/appState';
import { THRESHOLD_MAX, THRESHOLD_MIN } from '../../src-shared/inference/thresholdIndex';
import { saveResultAsRater } from '../state/inferenceSave';
import type { InferenceDisplay } from '../state/inferenceState';
import { useInferenceState } from './useInferenceState';
import { ColourBar } from './ColourBar';
import { useControllers } from '../controllers/ControllersContext';

const EP_LABEL: Record<ExecutionProvider, string> = { webgpu: 'WebGPU', wasm: 'WASM', 'cpu-native': 'native CPU (onnxruntime-node)' };
const fmtMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);

export function InferencePanel() {
  const s = useInferenceState((x) => x);
  const { inference, review } = useControllers();
  const openCase = useAppState((x) => x.openCase);
  // Reviewers and admins may store a result as the model's rater; annotators never see model results.
  const canSave = useAnnotationState((a) => a.signedIn !== null && seesAllRaters(a.signedIn.role) && a.currentCase !== null);

  // Models are listed to signed-in people only: list them again whenever someone signs in.
  const session = useAnnotationState((a) => a.signedIn?.token ?? null);
  useEffect(() => {
    void inference.refreshModels();
  }, [inference, session]);

  const busy = s.phase === 'loading' || s.phase === 'running' || s.phase === 'cancelling';
  const offered = openCase ? offeredChannels(openCase) : null;
  const refusal = (m: ModelEntry): string | null => (offered && m.model ? whyModelRefusesCase(m.model, offered) : null);
  const usable = s.models.filter((m) => m.error === null);
  const fitting = usable.filter((m) => refusal(m) === null);
  const entry = s.models.find((m) => m.key === s.selectedKey) ?? null;
  const entryRefusal = entry ? refusal(entry) : null;

  // A newly opened case that the picked model does not accept: pick one that does, if any.
  const switchTo = entryRefusal !== null ? (fitting[0]?.key ?? null) : null;
  useEffect(() => {
    if (switchTo && !busy) inference.selectModel(switchTo);
  }, [inference, switchTo, busy]);

  const p = s.progress;
  const v = s.volumes?.[s.shownClass] ?? null;
  const classes = s.volumes && s.volumes.length > 1 ? s.volumes : null;
  const labelTable = useAnnotationState((a) => a.labels);
  const colourOf = (name: string) => labelForClass(name, labelTable)?.colour ?? null;

  return (
    <section className="inference-panel" data-testid="inference-panel">
      <h2>Model</h2>
      <select
        data-testid="model-select"
        value={s.selectedKey ?? ''}
        disabled={busy}
        onChange={(e) => inference.selectModel(e.target.value)}
        title={s.userModelsDir ? `Your models folder: ${s.userModelsDir}` : undefined}
      >
        {s.models.map((m) => (
          <option key={m.key} value={m.key} disabled={m.error !== null || refusal(m) !== null}>
            {m.model ? m.model.name : m.folder}
            {m.source === 'user' ? ' (yours)' : ''}
            {m.error ? ' — unusable' : refusal(m) ? ' — not for this case' : ''}
          </option>
        ))}
      </select>
      {entry?.model && (
        <p className="model-use" data-testid="model-intended-use" title={entry.model.intendedUse}>
          {entry.model.intendedUse.split('.')[0]}
        </p>
      )}
      {session === null && s.models.length === 0 && (
        <p className="muted" data-testid="models-sign-in">
          Sign in to list the models.
        </p>
      )}
      {usable.length > 0 && fitting.length === 0 && offered ? (
        <p className="muted small" data-testid="model-none-fits">
          No model accepts this case: {usable.map(refusal).join(' ')}
        </p>
      ) : (
        entryRefusal && (
          <p className="muted small" data-testid="model-refusal">
            {entryRefusal}
          </p>
        )
      )}
      {entry?.webgpu && !entry.webgpu.canRun && <p className="muted">{entry.webgpu.blocking[0]}</p>}
      {s.models
        .filter((m) => m.error)
        .map((m) => (
          <p key={m.key} className="model-error" data-testid="model-error">
            {m.error}
          </p>
        ))}
      {s.userModelsDir && (
        <p className="muted small" data-testid="user-models-dir" title="Drop a model folder here; it appears on the next refresh.">
          Your models: {s.userModelsDir}{' '}
          <button type="button" className="link" onClick={() => void inference.refreshModels()}>
            Refresh
          </button>
        </p>
      )}
      <div className="inference-actions">
        <button
          type="button"
          data-testid="inference-run"
          title="Run the model on the open case (G)"
          disabled={busy || !openCase || !entry || entry.error !== null || entryRefusal !== null}
          onClick={() => void inference.runModel()}
        >
          Run
        </button>
        <button type="button" data-testid="inference-cancel" disabled={s.phase !== 'running'} onClick={() => inference.cancelRun()}>
          Cancel
        </button>
      </div>
      {busy && (
        <div className="inference-progress" data-testid="inference-progress">
          <progress max={1} value={p?.fraction ?? 0} />
          <span>
            {s.phase === 'cancelling' ? 'Cancelling…' : (s.message ?? (p ? `${p.runsDone}/${p.runsTotal} patches` : 'Preparing…'))}
            {p?.etaSeconds != null && s.phase === 'running' ? ` · ${Math.ceil(p.etaSeconds)} s left` : ''}
          </span>
        </div>
      )}
      {(s.phase === 'error' || s.phase === 'cancelled') && (
        <p className={s.phase === 'error' ? 'model-error' : 'muted'} data-testid="inference-status">
          {s.message}
        </p>
      )}
      {s.ep && (
        <p className="small" data-testid="inference-ep" data-ep={s.ep}>
          Ran on {EP_LABEL[s.ep]}
          {s.fallbackReason ? <span className="muted"> — {s.fallbackReason}</span> : null}
          {s.webgpuDetail ? (
            <span className="muted" data-testid="inference-webgpu-detail">
              {' '}
              — {s.webgpuDetail}
            </span>
          ) : null}
          {s.ep !== 'webgpu' && !s.fallbackReason ? <span className="muted"> — chosen in Settings</span> : null}
        </p>
      )}
      {s.timings && (
        <p className="small muted" data-testid="inference-timings">
          channels {fmtMs(s.timings.channelsMs)} · resample {fmtMs(s.timings.resampleMs + s.timings.resampleBackMs)} · normalise{' '}
          {fmtMs(s.timings.normaliseMs)} · sliding window {fmtMs(s.timings.slidingWindowMs)} (model {fmtMs(s.timings.modelRunMs)}) · outputs{' '}
          {fmtMs(s.timings.outputsMs)} · total {fmtMs(s.timings.totalMs)}
        </p>
      )}
      {s.phase === 'done' && s.resultCaseId && (
        <div className="inference-result" data-testid="inference-result">
          {classes && (
            <label className="inference-class">
              Class <ClassSwatch colour={colourOf(classes[s.shownClass].label)} />
              <select data-testid="inference-class" value={s.shownClass} onChange={(e) => inference.setShownClass(Number(e.target.value))}>
                {classes.map((c, k) => (
                  <option key={c.label} value={k}>
                    {c.label}
                  </option>
                ))}
              </select>
            </label>
          )}
          <div className="segmented" role="radiogroup" aria-label="Map shown">
            {(['probability', 'entropy', 'mutualInformation'] as InferenceDisplay[]).map((d) => (
              <label key={d}>
                <input
                  type="radio"
                  name="inference-display"
                  data-testid={`inference-display-${d}`}
                  checked={s.display === d}
                  disabled={d === 'mutualInformation' && !s.hasMutualInformation}
                  onChange={() => inference.setDisplay(d)}
                />
                {d === 'probability' ? 'Probability' : d === 'entropy' ? 'Entropy' : 'Mutual information'}
              </label>
            ))}
          </div>
          {s.mapScale && <ColourBar scale={s.mapScale} />}
          <label className="threshold">
            Threshold p &gt; {s.threshold.toFixed(2)}
            {classes ? ' (each class)' : ''}
            <input
              type="range"
              data-testid="inference-threshold"
              min={THRESHOLD_MIN}
              max={THRESHOLD_MAX}
              step={0.05}
              value={s.threshold}
              onChange={(e) => inference.applyThreshold(Number(e.target.value))}
            />
          </label>
          {v && (
            <p
              className="small"
              data-testid="inference-volumes"
              data-expected-ml={v.expectedMl}
              data-mask-ml={v.maskMl}
              data-threshold={s.threshold}
              data-class={v.label}
            >
              {v.label}: expected Σp {v.expectedMl.toFixed(2)} ml · thresholded {v.maskMl.toFixed(2)} ml · gap{' '}
              {(v.maskMl - v.expectedMl).toFixed(2)} ml
            </p>
          )}
          {classes && (
            <table className="small inference-class-volumes" data-testid="inference-class-volumes">
              <thead>
                <tr>
                  <th>class</th>
                  <th>Σp (ml)</th>
                  <th>p &gt; {s.threshold.toFixed(2)} (ml)</th>
                  <th>gap (ml)</th>
                </tr>
              </thead>
              <tbody>
                {classes.map((c, k) => (
                  <tr key={c.label} data-class={c.label} className={k === s.shownClass ? 'selected' : undefined}>
                    <td>
                      <ClassSwatch colour={colourOf(c.label)} /> {c.label}
                    </td>
                    <td>{c.expectedMl.toFixed(2)}</td>
                    <td>{c.maskMl.toFixed(2)}</td>
                    <td>{(c.maskMl - c.expectedMl).toFixed(2)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {canSave ? (
            <div className="inference-save">
              <button
                type="button"
                data-testid="inference-save"
                disabled={s.saving}
                title="Store this result (mask at this threshold, probabilities, provenance) as the model's rater in the project"
                onClick={() => void saveResultAsRater(inference, review)}
              >
                {s.saving ? 'Saving…' : 'Save as rater'}
              </button>
              {s.saved && (
                <span
                  className="small"
                  data-testid="inference-saved"
                  data-version-id={s.saved.versionId}
                  data-threshold={s.saved.threshold}
                >
                  {' '}
                  Saved as “{s.saved.raterName}” at p &gt; {s.saved.threshold.toFixed(2)}
                </span>
              )}
            </div>
          ) : (
            <p className="muted small">Sign in as a reviewer or admin to save this result as a rater.</p>
          )}
          {s.saveError && (
            <p className="model-error" data-testid="inference-save-error">
              {s.saveError}
            </p>
          )}
        </div>
      )}
    </section>
  );
}

/** The project label's colour for a class of the same name; none when the project has no such label. */
function ClassSwatch({ colour }: { colour: string | null }) {
  return colour ? <span className="swatch" data-colour={colour} style={{ background: colour }} aria-hidden /> : null;
}
