/** Overall progress of the worklist: a stacked bar by status and the counts (over every visible row, not only the filtered ones). */
import { WORKLIST_STATUSES, type WorklistProgress } from '../../../src-shared/project/reviewSession';

const SHORT: Record<(typeof WORKLIST_STATUSES)[number], string> = {
  'not-started': 'not started',
  draft: 'draft',
  'revision-requested': 'revision requested',
  submitted: 'submitted',
  'no-lesion': 'no lesion',
};

export function WorklistProgressBar({ progress }: { progress: WorklistProgress }) {
  const { total, done, approved, byStatus } = progress;
  const pct = total === 0 ? 0 : Math.round((done / total) * 100);
  return (
    <div
      className="worklist-progress"
      data-testid="worklist-progress"
      data-total={total}
      data-done={done}
      data-approved={approved}
      {...Object.fromEntries(WORKLIST_STATUSES.map((s) => [`data-${s}`, byStatus[s]]))}
    >
      <div className="progress-bar" role="progressbar" aria-valuemin={0} aria-valuemax={total} aria-valuenow={done} aria-label="Handed in">
        {WORKLIST_STATUSES.map((s) =>
          byStatus[s] > 0 ? (
            <span
              key={s}
              className={`progress-seg status-${s}`}
              style={{ width: `${(100 * byStatus[s]) / total}%` }}
              title={`${SHORT[s]}: ${byStatus[s]}`}
            />
          ) : null,
        )}
      </div>
      <div className="progress-counts">
        <strong>
          {done} / {total} handed in ({pct}%)
        </strong>
        {' · '}
        {WORKLIST_STATUSES.map((s) => `${byStatus[s]} ${SHORT[s]}`).join(' · ')}
        {' · '}
        {approved} approved
      </div>
    </div>
  );
}
