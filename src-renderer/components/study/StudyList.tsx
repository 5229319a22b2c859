/** An admin's studies: state, seed, each reader's progress, and the open / close / report actions. */
import type { StudySummary } from '../../../src-shared/api/studyChannels';

interface Props {
  studies: readonly StudySummary[];
  onOpen(id: string): void;
  onClose(id: string): void;
  onReport(id: string): void;
}

export function StudyList({ studies, onOpen, onClose, onReport }: Props) {
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
              <code data-testid="study-seed-shown">{s.seed}</code>
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
              {s.state === 'open' && (
                <button type="button" onClick={() => onClose(s.studyId)} data-testid="study-close">
                  Close
                </button>
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
