/**
 * The questions of a trial, exactly those the study asks (the same on every trial): preference
 * A / B / no preference, acceptability 1–5 of each shown segmentation, "which one was made by AI?"
 * (single mode: "was this made by AI?") as a choice or as a 1–5 confidence rating (keys 1–5), and
 * an optional comment.
 */
import { useEffect } from 'react';
import type { ReaderAnswer } from '../../../src-shared/study/answers';
import type { ReaderTrial } from '../../../src-shared/study/trials';

export type AnswerDraft = Omit<ReaderAnswer, 'trialId'>;

/** Whether every asked question has an answer (the comment is optional). */
export function isComplete(trial: ReaderTrial, d: AnswerDraft): boolean {
  const q = trial.questions;
  const paired = trial.display === 'pair';
  if (q.preference && paired && d.preference === undefined) return false;
  if (q.acceptability && trial.labels.some((l) => d.acceptability?.[l] === undefined)) return false;
  if (q.whichIsAi === true && paired && d.aiChoice === undefined) return false;
  if (q.whichIsAi === true && !paired && d.aiJudgement === undefined) return false;
  if (q.whichIsAi === 'confidence' && d.aiRating === undefined) return false;
  return true;
}

interface Choice<T extends string | number> {
  value: T;
  label: string;
}

function Radios<T extends string | number>({
  name,
  choices,
  value,
  onChange,
  testId,
}: {
  name: string;
  choices: Choice<T>[];
  value: T | undefined;
  onChange(v: T): void;
  testId: string;
}) {
  return (
    <span className="study-radios" role="radiogroup">
      {choices.map((c) => (
        <label key={String(c.value)} className={value === c.value ? 'chosen' : ''}>
          <input
            type="radio"
            name={name}
            checked={value === c.value}
            onChange={() => onChange(c.value)}
            data-testid={`${testId}-${c.value}`}
          />
          {c.label}
        </label>
      ))}
    </span>
  );
}

const LIKERT: Choice<number>[] = [1, 2, 3, 4, 5].map((v) => ({ value: v, label: String(v) }));

/** The confidence scale: how likely the right-hand contour (B), or the one shown, is the AI's. */
const ratingChoices = (first: string, second: string): Choice<number>[] =>
  [`Surely ${first}`, `Probably ${first}`, 'Cannot tell', `Probably ${second}`, `Surely ${second}`].map((label, i) => ({
    value: i + 1,
    label: `${i + 1} ${label}`,
  }));
const PAIRED_RATING = ratingChoices('A', 'B');
const SINGLE_RATING = ratingChoices('human', 'AI');

/** Whether a key press is typing in a text field, where digits are text, not a rating. */
function typing(target: EventTarget | null): boolean {
  if (target instanceof HTMLTextAreaElement) return true;
  return target instanceof HTMLInputElement && target.type !== 'radio' && target.type !== 'checkbox';
}

/**
 * Keys 1–5 set the confidence rating. Captured on window and stopped there, since the app's own
 * shortcuts bind 0–4 to the hidden viewer's CT windows.
 */
function useRatingKeys(active: boolean, onRate: (rating: number) => void): void {
  useEffect(() => {
    if (!active) return undefined;
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target) || !/^[1-5]$/.test(e.key)) return;
      e.preventDefault();
      e.stopPropagation();
      onRate(Number(e.key));
    };
    window.addEventListener('keydown', onKey, { capture: true });
    return () => window.removeEventListener('keydown', onKey, { capture: true });
  }, [active, onRate]);
}

export function StudyQuestions({ trial, draft, onChange }: { trial: ReaderTrial; draft: AnswerDraft; onChange(d: AnswerDraft): void }) {
  const q = trial.questions;
  const paired = trial.display === 'pair';
  const name = (what: string) => `${trial.trialId}-${what}`;
  useRatingKeys(q.whichIsAi === 'confidence', (aiRating) => onChange({ ...draft, aiRating }));
  return (
    <div className="study-questions">
      {q.preference && paired && (
        <div className="study-question">
          <span>Which segmentation do you prefer?</span>
          <Radios
            name={name('pref')}
            testId="study-pref"
            value={draft.preference}
            onChange={(v) => onChange({ ...draft, preference: v })}
            choices={[
              { value: 'A', label: 'A' },
              { value: 'B', label: 'B' },
              { value: 'none', label: 'No preference' },
            ]}
          />
        </div>
      )}
      {q.acceptability &&
        trial.labels.map((l) => (
          <div className="study-question" key={l}>
            <span>
              Acceptability of {l} <span className="muted">(1 unacceptable … 5 acceptable as is)</span>
            </span>
            <Radios
              name={name(`acc-${l}`)}
              testId={`study-acc-${l}`}
              value={draft.acceptability?.[l]}
              onChange={(v) => onChange({ ...draft, acceptability: { ...draft.acceptability, [l]: v } })}
              choices={LIKERT}
            />
          </div>
        ))}
      {q.whichIsAi === 'confidence' && (
        <div className="study-question">
          <span>
            {paired ? 'Which one was made by AI?' : 'Was this made by AI?'} <span className="muted">(keys 1–5)</span>
          </span>
          <Radios
            name={name('ai-rating')}
            testId="study-ai-rating"
            value={draft.aiRating}
            onChange={(v) => onChange({ ...draft, aiRating: v })}
            choices={paired ? PAIRED_RATING : SINGLE_RATING}
          />
        </div>
      )}
      {q.whichIsAi === true && paired && (
        <div className="study-question">
          <span>Which one was made by AI?</span>
          <Radios
            name={name('ai')}
            testId="study-ai"
            value={draft.aiChoice}
            onChange={(v) => onChange({ ...draft, aiChoice: v })}
            choices={[
              { value: 'A', label: 'A' },
              { value: 'B', label: 'B' },
            ]}
          />
        </div>
      )}
      {q.whichIsAi === true && !paired && (
        <div className="study-question">
          <span>Was this made by AI?</span>
          <Radios
            name={name('ai')}
            testId="study-ai"
            value={draft.aiJudgement}
            onChange={(v) => onChange({ ...draft, aiJudgement: v })}
            choices={[
              { value: 'ai', label: 'AI' },
              { value: 'human', label: 'Human' },
            ]}
          />
        </div>
      )}
      {q.comment && (
        <label className="study-question">
          <span>Comment (optional)</span>
          <textarea
            rows={2}
            maxLength={10_000}
            value={draft.comment ?? ''}
            onChange={(e) => onChange({ ...draft, comment: e.target.value })}
            data-testid="study-comment"
          />
        </label>
      )}
    </div>
  );
}
