/**
 * Setting up a reader study (admins): cases, two or more sources (a model version, a rater, or the
 * raters' majority consensus), readers, questions, paired or single mode, revisits, and an optional
 * seed (one is drawn at creation otherwise; either way the list shows it once the study is closed). "Check" asks the
 * server without saving; "Create" is refused with the same list when a case lacks a source.
 */
import { useEffect, useMemo, useState } from 'react';
import type { SetupCheck, StudyDraft, StudyOptions } from '../../../src-shared/api/studyChannels';
import type { StudyQuestions } from '../../../src-shared/study/design';
import { useControllers } from '../../controllers/ControllersContext';

const QUESTIONS: ReadonlyArray<{ key: keyof StudyQuestions; label: string }> = [
  { key: 'preference', label: 'Preference: A, B or no preference' },
  { key: 'acceptability', label: 'Acceptability of each, 1–5' },
  { key: 'whichIsAi', label: '"Which one was made by AI?"' },
  { key: 'comment', label: 'Free-text comment' },
];

function toggle(list: readonly string[], id: string): string[] {
  return list.includes(id) ? list.filter((x) => x !== id) : [...list, id];
}

function sourceKindLabel(kind: string): string {
  return kind === 'model' ? 'model' : kind === 'rater' ? 'rater' : 'consensus';
}

export function StudySetup({ token, onCreated }: { token: string; onCreated(): void }) {
  const { study } = useControllers();
  const [options, setOptions] = useState<StudyOptions | null>(null);
  const [title, setTitle] = useState('Reader study');
  const [seed, setSeed] = useState('');
  const [mode, setMode] = useState<'paired' | 'single'>('paired');
  const [allowRevisit, setAllowRevisit] = useState(false);
  const [caseIds, setCaseIds] = useState<string[]>([]);
  const [sourceIds, setSourceIds] = useState<string[]>([]);
  const [readerIds, setReaderIds] = useState<string[]>([]);
  // "Made by AI?" is rated with confidence by default: only ratings give the ROC AUC of identification.
  const [questions, setQuestions] = useState<StudyQuestions>({
    preference: true,
    acceptability: true,
    whichIsAi: 'confidence',
    comment: true,
  });
  const [check, setCheck] = useState<SetupCheck | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    study.call('quorum:study.options', { session: token }).then(setOptions, (e: Error) => setError(e.message));
  }, [study, token]);

  const draft: StudyDraft | null = useMemo(() => {
    if (!options) return null;
    return {
      title,
      mode,
      allowRevisit,
      caseIds,
      sources: options.sources.filter((o) => sourceIds.includes(o.source.sourceId)).map((o) => o.source),
      readerIds,
      // The preference question needs two segmentations on screen.
      questions: mode === 'single' ? { ...questions, preference: false } : questions,
      ...(seed.trim() === '' ? {} : { seed: seed.trim() }),
    };
  }, [options, title, mode, allowRevisit, caseIds, sourceIds, readerIds, questions, seed]);

  if (error) return <p className="error">{error}</p>;
  if (!options || !draft) return <p className="muted">Loading the project…</p>;
  const caseName = new Map(options.cases.map((c) => [c.caseId, c.name]));
  const sourceLabel = new Map(options.sources.map((o) => [o.source.sourceId, o.source.label]));

  async function validate(): Promise<void> {
    if (!draft) return;
    setError(null);
    try {
      setCheck(await study.call('quorum:study.validate', { session: token, draft }));
    } catch (e) {
      setError((e as Error).message);
    }
  }

  async function create(): Promise<void> {
    if (!draft) return;
    setError(null);
    try {
      await study.call('quorum:study.create', { session: token, draft });
      setCheck(null);
      onCreated();
    } catch (e) {
      setError((e as Error).message);
      await validate();
    }
  }

  return (
    <section className="study-setup" data-testid="study-setup">
      <h3>New reader study</h3>
      <div className="study-setup-row">
        <label>
          Title (readers see it; it must not name a source)
          <input value={title} onChange={(e) => setTitle(e.target.value)} data-testid="study-title" />
        </label>
        <label>
          Seed (empty: drawn at creation; shown once the study is closed)
          <input value={seed} onChange={(e) => setSeed(e.target.value)} data-testid="study-seed" />
        </label>
        <label>
          Mode
          <select value={mode} onChange={(e) => setMode(e.target.value as 'paired' | 'single')} data-testid="study-mode">
            <option value="paired">Pairs, side by side</option>
            <option value="single">One segmentation at a time</option>
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={allowRevisit} onChange={(e) => setAllowRevisit(e.target.checked)} data-testid="study-revisit" />
          Readers may revisit submitted answers
        </label>
      </div>
      <div className="study-setup-columns">
        <fieldset>
          <legend>Cases ({caseIds.length})</legend>
          {options.cases.map((c) => (
            <label key={c.caseId} className="check">
              <input
                type="checkbox"
                checked={caseIds.includes(c.caseId)}
                onChange={() => setCaseIds(toggle(caseIds, c.caseId))}
                data-testid="study-case"
                data-name={c.name}
              />
              {c.name}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>Sources ({sourceIds.length}, at least 2)</legend>
          {options.sources.map((o) => (
            <label key={o.source.sourceId} className="check">
              <input
                type="checkbox"
                checked={sourceIds.includes(o.source.sourceId)}
                onChange={() => setSourceIds(toggle(sourceIds, o.source.sourceId))}
                data-testid="study-source"
                data-kind={o.source.ref.kind}
                data-label={o.source.label}
              />
              {o.source.label}{' '}
              <span className="muted">
                ({sourceKindLabel(o.source.ref.kind)}; {o.caseIds.length} of {options.cases.length} cases)
              </span>
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>Readers ({readerIds.length})</legend>
          {options.readers.map((r) => (
            <label key={r.raterId} className="check">
              <input
                type="checkbox"
                checked={readerIds.includes(r.raterId)}
                onChange={() => setReaderIds(toggle(readerIds, r.raterId))}
                data-testid="study-reader-choice"
                data-name={r.name}
              />
              {r.name} {r.role !== 'annotator' && <span className="muted">({r.role}: can open raters’ work in the Viewer)</span>}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>Questions</legend>
          {QUESTIONS.map((q) => (
            <label key={q.key} className="check">
              <input
                type="checkbox"
                checked={questions[q.key] !== false && !(mode === 'single' && q.key === 'preference')}
                disabled={mode === 'single' && q.key === 'preference'}
                onChange={(e) =>
                  setQuestions({ ...questions, [q.key]: q.key === 'whichIsAi' && e.target.checked ? 'confidence' : e.target.checked })
                }
                data-testid={`study-q-${q.key}`}
              />
              {q.label}
            </label>
          ))}
          {questions.whichIsAi !== false && (
            <label className="check study-subquestion">
              <input
                type="checkbox"
                checked={questions.whichIsAi === 'confidence'}
                onChange={(e) => setQuestions({ ...questions, whichIsAi: e.target.checked ? 'confidence' : true })}
                data-testid="study-q-aiConfidence"
              />
              … as a confidence rating, 1 “surely A” … 5 “surely B” (gives each reader’s ROC AUC; unticked: a plain A/B choice, no AUC)
            </label>
          )}
        </fieldset>
      </div>
      <div className="study-setup-actions">
        <button type="button" onClick={() => void validate()} data-testid="study-validate">
          Check set-up
        </button>
        <button type="button" className="primary" onClick={() => void create()} data-testid="study-create">
          Create study
        </button>
      </div>
      {error && (
        <p className="error" role="alert" data-testid="study-setup-error">
          {error}
        </p>
      )}
      {check && (
        <div data-testid="study-check" data-ok={check.ok}>
          {check.ok ? (
            <p>The set-up is complete.</p>
          ) : (
            <>
              <ul className="study-errors">
                {check.errors.map((e) => (
                  <li key={e}>{e}</li>
                ))}
              </ul>
              {check.missing.length > 0 && (
                <>
                  <p>Missing segmentations:</p>
                  <ul className="study-missing">
                    {check.missing.map((m) => (
                      <li key={`${m.caseId}/${m.sourceId}`} data-testid="study-missing">
                        {caseName.get(m.caseId) ?? m.caseId} — {sourceLabel.get(m.sourceId) ?? m.sourceId}
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </>
          )}
        </div>
      )}
    </section>
  );
}
