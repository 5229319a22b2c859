/**
 * A reader's session: one trial at a time, the case image with the anonymous overlays side by side
 * (paired: A left, B right; single: A alone), one shared slice slider (and the mouse wheel) so both
 * panes always show the same slice, window/level by dragging either pane (both follow), a switch that
 * hides both outlines at once to see the tissue beneath, the questions, submit → next trial, and
 * progress "3 / 8".
 * A submitted trial can be reopened only when the study allows revisits (the server refuses it
 * otherwise).
 */
import { useCallback, useEffect, useState } from 'react';
import type { ReaderTrialPayload } from '../../../src-shared/api/studyChannels';
import { useControllers } from '../../controllers/ControllersContext';
import type { StudyImage } from '../../controllers/studyController';
import { dragWindow, robustWindow, startSlice } from './sliceRender';
import { StudyPane } from './StudyPane';
import { isComplete, StudyQuestions, type AnswerDraft } from './StudyQuestions';

interface Shown {
  payload: ReaderTrialPayload;
  image: StudyImage | null;
  window: [number, number];
  masks: Uint8Array[];
}

export function StudyReader({ token, studyId, onExit }: { token: string; studyId: string; onExit(): void }) {
  const { study } = useControllers();
  const [shown, setShown] = useState<Shown | null>(null);
  const [slice, setSlice] = useState(0);
  /** The reader's window; null = the automatic one of the trial's image. */
  const [win, setWin] = useState<[number, number] | null>(null);
  const [showOutline, setShowOutline] = useState(true);
  const [draft, setDraft] = useState<AnswerDraft>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(
    async (position?: number) => {
      setBusy(true);
      setError(null);
      try {
        const { payload, image, masks } = await study.loadTrial(token, studyId, position);
        if (image === null) {
          setShown({ payload, image: null, window: [0, 1], masks: [] });
        } else {
          setShown({ payload, image, window: robustWindow(image.voxels), masks });
          setSlice(startSlice(masks, image.dims));
        }
        setWin(null);
        setShowOutline(true);
        setDraft({});
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
      } finally {
        setBusy(false);
      }
    },
    [study, token, studyId],
  );

  useEffect(() => {
    void load();
  }, [load]);

  const trial = shown?.payload.trial ?? null;

  /** Another volume of the trial's case, the reader's own choice until the next trial. */
  async function switchVolume(index: number): Promise<void> {
    const current = shown;
    if (!current?.payload.image || index < 0) return;
    try {
      const image = await study.loadImage(token, current.payload.image, index);
      setShown({ ...current, image, window: robustWindow(image.voxels) });
      setWin(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  async function submit(): Promise<void> {
    if (!trial) return;
    setBusy(true);
    setError(null);
    try {
      await study.call('quorum:study.answer', {
        session: token,
        studyId,
        answer: { trialId: trial.trialId, ...draft, ...(draft.comment === '' ? { comment: undefined } : {}) },
      });
      await load();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  }

  const depth = shown?.image?.dims[2] ?? 1;
  const step = (d: number) => setSlice((s) => Math.max(0, Math.min(depth - 1, s + d)));
  const autoWindow = shown?.window ?? ([0, 1] as [number, number]);
  const shownWindow = win ?? autoWindow;
  const drag = (dx: number, dy: number) => setWin((w) => dragWindow(w ?? autoWindow, dx, dy, (autoWindow[1] - autoWindow[0]) / 200));

  return (
    <div className="study-reader" data-testid="study-reader">
      <div className="study-reader-bar">
        <button type="button" onClick={onExit} data-testid="study-exit">
          ← Studies
        </button>
        <strong>{shown?.payload.title ?? ''}</strong>
        {trial && (
          <span className="study-progress" data-testid="study-progress">
            {trial.position + 1} / {trial.total}
          </span>
        )}
        {trial && trial.allowRevisit && trial.position > 0 && (
          <button type="button" disabled={busy} onClick={() => void load(trial.position - 1)} data-testid="study-previous">
            Previous trial
          </button>
        )}
      </div>
      {error && (
        <p className="error" role="alert" data-testid="study-error">
          {error}
        </p>
      )}
      {shown && !trial && <p data-testid="study-done">All {shown.payload.total} trials answered. Thank you.</p>}
      {trial && shown?.image && (
        <div className="study-trial" data-testid="study-trial" data-position={trial.position} data-display={trial.display}>
          <p className="muted">
            {trial.display === 'pair'
              ? 'Two segmentations of the same case, A (left) and B (right), drawn identically.'
              : 'One segmentation of the case.'}
            {trial.submitted ? ' You answered this trial before; a new answer replaces it.' : ''}
          </p>
          {shown.image.choices.length > 1 && (
            <label>
              Image{' '}
              <select
                data-testid="study-volume"
                value={shown.image.chosen}
                disabled={busy}
                onChange={(e) => void switchVolume(Number(e.target.value))}
              >
                {shown.image.choices.map((c, n) => (
                  <option key={n} value={n}>
                    {c}
                  </option>
                ))}
              </select>
            </label>
          )}
          <div className="study-panes">
            {trial.labels.map((label, n) => (
              <StudyPane
                key={label}
                label={label}
                image={shown.image as StudyImage}
                window={shownWindow}
                mask={shown.masks[n]}
                slice={slice}
                showOutline={showOutline}
                onWheel={step}
                onDrag={drag}
              />
            ))}
          </div>
          <label className="study-slice">
            Slice {slice + 1} / {depth}
            <input
              type="range"
              min={0}
              max={depth - 1}
              value={slice}
              onChange={(e) => setSlice(Number(e.target.value))}
              data-testid="study-slice"
            />
          </label>
          <div className="study-view-controls">
            <label>
              <input
                type="checkbox"
                checked={showOutline}
                onChange={(e) => setShowOutline(e.target.checked)}
                data-testid="study-outlines"
              />{' '}
              Show outlines
            </label>
            <span className="muted" data-testid="study-window" data-window={shownWindow.map((v) => v.toPrecision(6)).join(',')}>
              Drag an image for window/level (W {Math.round(shownWindow[1] - shownWindow[0])} L{' '}
              {Math.round((shownWindow[0] + shownWindow[1]) / 2)})
            </span>
            <button type="button" disabled={win === null} onClick={() => setWin(null)} data-testid="study-window-reset">
              Reset window
            </button>
          </div>
          <StudyQuestions trial={trial} draft={draft} onChange={setDraft} />
          <button
            type="button"
            className="primary"
            disabled={busy || !isComplete(trial, draft)}
            onClick={() => void submit()}
            data-testid="study-submit"
          >
            Submit and continue
          </button>
        </div>
      )}
      {busy && !trial && <p className="muted">Loading…</p>}
    </div>
  );
}
