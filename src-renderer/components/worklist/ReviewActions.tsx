/**
 * Reviewer actions on the open case (shown in review mode under the legend): for each rater's
 * newest submitted version, approve, request a revision (a comment is required and sent to the
 * rater), or mark the case difficult. Every action is audited by the server.
 */
import { useState } from 'react';
import type { WorklistRow } from '../../../src-shared/project/reviewSession';
import { useAnnotationState } from '../../state/annotationState';
import { useControllers, useStoreState } from '../../controllers/ControllersContext';
import { STATUS_LABEL } from './WorklistView';

function ActionRow({ row, self }: { row: WorklistRow; self: boolean }) {
  const { worklist } = useControllers();
  const [comment, setComment] = useState('');
  const [asking, setAsking] = useState(false);
  const reviewable = row.submittedVersionId !== null && !self;
  return (
    <li
      data-testid="review-row"
      data-name={row.raterName}
      data-status={row.status}
      data-approved={row.approved ? 'yes' : 'no'}
      data-marks={row.marks.join(' ')}
    >
      <div>
        {row.raterName} <span className={`status-badge status-${row.status}`}>{STATUS_LABEL[row.status]}</span>
        {row.approved && <span className="flag-chip approved">Approved</span>}
        {row.marks.includes('difficult') && <span className="flag-chip">Difficult</span>}
      </div>
      {reviewable && (
        <div className="group">
          <button
            type="button"
            data-testid="review-approve"
            disabled={row.approved}
            onClick={() => void worklist.actOnVersion(row, 'approve', '')}
          >
            Approve
          </button>
          <button type="button" data-testid="review-request" className={asking ? 'on' : ''} onClick={() => setAsking(!asking)}>
            Request revision…
          </button>
          <button
            type="button"
            data-testid="review-difficult"
            disabled={row.marks.includes('difficult')}
            onClick={() => void worklist.actOnVersion(row, 'difficult', '')}
          >
            Difficult
          </button>
        </div>
      )}
      {reviewable && asking && (
        <form
          className="revision-form"
          onSubmit={(e) => {
            e.preventDefault();
            void worklist.actOnVersion(row, 'request-revision', comment).then((ok) => {
              if (ok) {
                setComment('');
                setAsking(false);
              }
            });
          }}
        >
          <textarea
            data-testid="review-comment"
            placeholder="What should the rater change? (required)"
            value={comment}
            maxLength={10_000}
            onChange={(e) => setComment(e.target.value)}
          />
          <button
            type="submit"
            data-testid="review-send"
            disabled={!comment.trim()}
            title={comment.trim() ? '' : 'A revision request needs a comment'}
          >
            Send back to {row.raterName}
          </button>
        </form>
      )}
    </li>
  );
}

export function ReviewActions() {
  const { worklist } = useControllers();
  const rows = useStoreState(worklist.store, (s) => s.caseRows);
  const me = useAnnotationState((s) => s.signedIn?.raterId ?? null);
  if (rows.length === 0) return null;
  return (
    <div className="review-actions" data-testid="review-actions">
      <h3>Review</h3>
      <ul>
        {rows.map((r) => (
          <ActionRow key={r.raterId} row={r} self={r.raterId === me} />
        ))}
      </ul>
    </div>
  );
}

/** The rater's own open revision request on the case on screen (annotate mode). */
export function RevisionBanner() {
  const { worklist } = useControllers();
  const revision = useStoreState(worklist.store, (s) => s.ownRevision);
  if (!revision) return null;
  return (
    <div className="revision-banner" data-testid="revision-banner" role="alert">
      <strong>Revision requested</strong> ({new Date(revision.requestedAt).toLocaleString()}):{' '}
      <span data-testid="revision-comment">{revision.comment}</span>
      <div className="muted">Your next submit hands the revised version back.</div>
    </div>
  );
}
