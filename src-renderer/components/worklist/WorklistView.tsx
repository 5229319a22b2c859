/**
 * The worklist workspace (issue 6): overall progress (bar and counts), filters by status, rater and
 * flag, "next case" (also J), and one row per rater × case with its status, verdict, marks and, for
 * reviewers, time on task. An annotator's worklist holds only their own rows (the server's rule).
 * Open shows the case in the viewer.
 */
import { useState } from 'react';
import {
  WORKLIST_FLAGS,
  WORKLIST_STATUSES,
  type WorklistFlag,
  type WorklistRow,
  type WorklistStatus,
} from '../../../src-shared/project/reviewSession';
import { useAnnotationState } from '../../state/annotationState';
import { useControllers, useStoreState } from '../../controllers/ControllersContext';
import { PathField } from '../PathField';
import { WorklistProgressBar } from './WorklistProgressBar';

export const STATUS_LABEL: Record<WorklistStatus, string> = {
  'not-started': 'Not started',
  draft: 'Draft',
  'revision-requested': 'Revision requested',
  submitted: 'Submitted',
  'no-lesion': 'No lesion',
};

const FLAG_LABEL: Record<WorklistFlag, string> = {
  approved: 'Approved',
  'revision-requested': 'Revision requested',
  difficult: 'Difficult',
  'image-problem': 'Image problem',
  other: 'Other flag',
};

/** m:ss, or h:mm:ss from an hour. */
function formatActive(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

function Row({ row, showRater, showTime, openPath }: { row: WorklistRow; showRater: boolean; showTime: boolean; openPath: string | null }) {
  const { worklist } = useControllers();
  return (
    <tr
      data-testid="worklist-row"
      data-case={row.caseName}
      data-rater={row.raterName}
      data-status={row.status}
      data-approved={row.approved ? 'yes' : 'no'}
      data-active-ms={row.activeMs ?? ''}
    >
      <td>{row.caseName}</td>
      {showRater && (
        <td>
          {row.raterName}
          {row.raterKind === 'model' && <span className="muted"> (model)</span>}
        </td>
      )}
      <td>
        <span className={`status-badge status-${row.status}`}>{STATUS_LABEL[row.status]}</span>
      </td>
      <td className="flags">
        {row.approved && <span className="flag-chip approved">Approved</span>}
        {row.marks.map((m) => (
          <span key={m} className="flag-chip">
            {m === 'difficult' ? 'Difficult' : m === 'image-problem' ? 'Image problem' : m}
          </span>
        ))}
        {row.revision && (
          <span className="revision-note" title={row.revision.comment}>
            “{row.revision.comment}”
          </span>
        )}
      </td>
      <td className="muted">{row.updatedAt ? new Date(row.updatedAt).toLocaleString() : '—'}</td>
      {showTime && <td data-testid="worklist-time">{row.activeMs === null ? '—' : formatActive(row.activeMs)}</td>}
      <td>
        <button
          type="button"
          data-testid="worklist-open"
          className={openPath === row.casePath ? 'on' : ''}
          onClick={() => void worklist.openCase(row.casePath)}
        >
          Open
        </button>
      </td>
    </tr>
  );
}

export function WorklistView() {
  const signedIn = useAnnotationState((s) => s.signedIn);
  const { worklist } = useControllers();
  const data = useStoreState(worklist.store, (s) => s.data);
  const filter = useStoreState(worklist.store, (s) => s.filter);
  const loading = useStoreState(worklist.store, (s) => s.loading);
  const error = useStoreState(worklist.store, (s) => s.error);
  const message = useStoreState(worklist.store, (s) => s.message);
  const openPath = useAnnotationState((s) => s.currentCase?.series[0]?.path ?? null);
  const [exportDir, setExportDir] = useState('');

  if (!signedIn)
    return (
      <p className="muted" data-testid="worklist-signed-out">
        Sign in (sidebar) to see your worklist.
      </p>
    );
  const reviewer = signedIn.role !== 'annotator';
  const raters = data?.raters ?? [];
  const p = data?.progress;
  const caseCount = data ? new Set(data.rows.map((r) => r.caseId)).size : 0;

  return (
    <div className="worklist" data-testid="worklist">
      <div className="worklist-head">
        <h2>{reviewer ? 'Worklist: all raters' : 'My worklist'}</h2>
        <button
          type="button"
          data-testid="next-case"
          title="Open the next case that needs your work (J)"
          onClick={() => void worklist.goToNextCase()}
        >
          Next case ▸
        </button>
        <button type="button" onClick={() => void worklist.refresh()} disabled={loading}>
          Refresh
        </button>
      </div>
      {p && <WorklistProgressBar progress={p} />}
      <div className="worklist-filters" role="group" aria-label="Filters">
        <label>
          Status
          <select data-testid="filter-status" value={filter.status ?? ''} onChange={(e) => worklist.setFilter({ status: e.target.value })}>
            <option value="">any</option>
            {WORKLIST_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABEL[s]}
              </option>
            ))}
          </select>
        </label>
        {reviewer && (
          <label>
            Rater
            <select
              data-testid="filter-rater"
              value={filter.raterId ?? ''}
              onChange={(e) => worklist.setFilter({ raterId: e.target.value })}
            >
              <option value="">any</option>
              {raters.map((r) => (
                <option key={r.raterId} value={r.raterId}>
                  {r.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          Flag
          <select data-testid="filter-flag" value={filter.flag ?? ''} onChange={(e) => worklist.setFilter({ flag: e.target.value })}>
            <option value="">any</option>
            {WORKLIST_FLAGS.map((f) => (
              <option key={f} value={f}>
                {FLAG_LABEL[f]}
              </option>
            ))}
          </select>
        </label>
        <span className="muted" data-testid="worklist-shown" data-rows={data?.rows.length ?? 0}>
          {data
            ? `${data.rows.length} row${data.rows.length === 1 ? '' : 's'} on ${caseCount} case${caseCount === 1 ? '' : 's'} shown`
            : ''}
        </span>
      </div>
      {error && <div className="annotation-message error">{error}</div>}
      {message && (
        <div className={message.error ? 'annotation-message error' : 'annotation-message'} data-testid="worklist-message">
          {message.text}
        </div>
      )}
      {data && (
        <table className="worklist-table" data-testid="worklist-table">
          <thead>
            <tr>
              <th>Case</th>
              {reviewer && <th>Rater</th>}
              <th>Status</th>
              <th>Review</th>
              <th>Last saved</th>
              {reviewer && <th title="Active time on task (paused after 60 s without input)">Time</th>}
              <th />
            </tr>
          </thead>
          <tbody>
            {data.rows.map((r) => (
              <Row key={`${r.caseId}|${r.raterId}`} row={r} showRater={reviewer} showTime={reviewer} openPath={openPath} />
            ))}
          </tbody>
        </table>
      )}
      {data && data.rows.length === 0 && <p className="muted">No rows match.</p>}
      {reviewer && (
        <details className="worklist-export">
          <summary>Export time on task (CSV)</summary>
          <PathField
            label="Export folder"
            testId="time-export"
            value={exportDir}
            onChange={setExportDir}
            placeholder="/path/to/export-folder"
          />
          <button
            type="button"
            data-testid="time-export-run"
            disabled={!exportDir.trim()}
            onClick={() => void worklist.exportTimeOnTask(exportDir)}
          >
            Write quorum-time-on-task.csv
          </button>
        </details>
      )}
    </div>
  );
}
