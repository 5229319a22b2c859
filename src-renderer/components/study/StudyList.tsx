/**
 * An admin's studies: state, seed (once closed), each reader's progress, and the open / close /
 * report actions. Closing asks first: it ends the readers' work and reveals the blinding, and a
 * study is never reopened.
 */
import { useState } from 'react';
import type { StudySummary } from '../../../src-shared/api/studyChannels';

interface Props {
  studies: readonly StudySummary[];
  onOpen(id: string): void;
  onClose(id: string): void;
  onReport(id: string): void;
}

export function StudyList({ studies, onOpen, onClose, onReport }: Props) {
  const [confirmingClose, setConfirmingClose] = useState<string | null>(null);
  if (studies.length === 0) return <p className="muted">No reader study yet.</p>;
  return (
    <table className="study-table" data-testid="study-list">
      <thead>
        <tr>
          <th>title</th>
          <th>state</th>
          <th>mode</th>
          <th>cases × sources</th>
          <th>seed</th>
          <th>readers (answered / trials)</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {studies.map((s) => (
          <tr key={s.studyId} data-testid="study-row" data-study-id={s.studyId} data-state={s.state} data-title={s.title}>
            <td>{s.title}</td>
            <td data-testid="study-state">{s.state}</td>
            <td>
              {s.mode}
              {s.allowRevisit ? ', revisits allowed' : ''}
            </td>
            <td>
              {s.caseCount} × {s.sourceCount}
            </td>
            <td>
              {s.seed === null ? (
                <span className="muted" data-testid="study-seed-hidden">
                  hidden until closed
                </span>
              ) : (
                <code data-testid="study-seed-shown">{s.seed}</code>
              )}
            </td>
            <td>
              {s.readers.map((r) => (
                <div key={r.readerId} data-testid="study-reader-progress" data-name={r.name}>
                  {r.name}: {r.answered} / {r.total}
                </div>
              ))}
            </td>
            <td>
              {s.state === 'draft' && (
                <button type="button" onClick={() => onOpen(s.studyId)} data-testid="study-open">
                  Open to readers
                </button>
              )}
              {s.state === 'open' && confirmingClose !== s.studyId && (
                <button type="button" onClick={() => setConfirmingClose(s.studyId)} data-testid="study-close">
                  Close
                </button>
              )}
              {s.state === 'open' && confirmingClose === s.studyId && (
                <div className="study-close-confirm" role="alertdialog" aria-label="Close the study?" data-testid="study-close-confirm">
                  <p>Closing stops all answers and reveals which segmentation was which. A closed study cannot be reopened.</p>
                  <button
                    type="button"
                    onClick={() => {
                      setConfirmingClose(null);
                      onClose(s.studyId);
                    }}
                    data-testid="study-close-confirmed"
                  >
                    Close and reveal
                  </button>
                  <button type="button" onClick={() => setConfirmingClose(null)} data-testid="study-close-cancel" autoFocus>
                    Cancel
                  </button>
                </div>
              )}
              {s.state === 'closed' && (
                <button type="button" onClick={() => onReport(s.studyId)} data-testid="study-report-open">
                  Report
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
