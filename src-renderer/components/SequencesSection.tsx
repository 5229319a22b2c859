/**
 * The sidebar's Sequences section (issue 12), for reviewers and admins: the open project case's
 * sequences (which one is the reference grid), "Add sequence…" (a file, a folder or a BIDS subject
 * folder; name and kind default from the BIDS suffix) and, for admins, importing a subject folder
 * as a new case, "Make reference" on another sequence, offered only while the case has no
 * annotation version (the server refuses it after; the reason is shown instead of the button), and
 * "Remove" on a sequence other than the reference, asked twice (its files are kept).
 */
import { useEffect, useState } from 'react';
import { SEQUENCE_KINDS, type SequenceKind } from '../../src-shared/project/sequences';
import { useAnnotationState } from '../state/annotationState';
import {
  addSequence,
  annotationVersionCount,
  importSubject,
  removeSequence,
  setReferenceSequence,
  type SequenceOutcome,
} from '../state/sequenceActions';

export function SequencesSection() {
  const signedIn = useAnnotationState((s) => s.signedIn);
  const currentCase = useAnnotationState((s) => s.currentCase);
  const [path, setPath] = useState('');
  const [name, setName] = useState('');
  const [kind, setKind] = useState<SequenceKind | ''>('');
  const [subject, setSubject] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<SequenceOutcome | null>(null);
  const [versions, setVersions] = useState<number | null>(null);
  // The sequence whose removal awaits its confirmation.
  const [removing, setRemoving] = useState<string | null>(null);
  const admin = signedIn?.role === 'admin';
  const token = signedIn?.token ?? null;
  const caseId = currentCase?.caseId ?? null;
  // A save in this session changes the count: re-read it when one's own version changes.
  const ownVersion = useAnnotationState((s) => s.own.versionId);
  useEffect(() => {
    setVersions(null);
    if (!admin || !token || !caseId) return;
    let live = true;
    void annotationVersionCount(token, caseId).then((n) => {
      if (live) setVersions(n);
    });
    return () => {
      live = false;
    };
  }, [admin, token, caseId, ownVersion]);
  if (!signedIn || signedIn.role === 'annotator') return null;

  const run = async (action: () => Promise<SequenceOutcome>) => {
    setBusy(true);
    setOutcome(await action());
    setBusy(false);
  };

  return (
    <section className="sequences-section" data-testid="sequences-section">
      <h2>Sequences</h2>
      {currentCase && (
        <>
          <ul className="sequence-list" data-testid="sequence-list">
            {currentCase.sequences.map((s) => (
              <li key={s.sequenceId} data-testid="sequence-item" data-name={s.name} data-kind={s.kind}>
                {s.name} <span className="muted">{s.kind}</span>
                {s.sequenceId === currentCase.referenceSequenceId ? (
                  <span className="muted"> · reference grid</span>
                ) : (
                  admin && (
                    <button
                      type="button"
                      data-testid="make-reference"
                      disabled={busy || versions !== 0}
                      title={versions === 0 ? 'Annotations will live on this grid' : undefined}
                      onClick={() => void run(() => setReferenceSequence(s.sequenceId))}
                    >
                      Make reference
                    </button>
                  )
                )}
                {admin && s.sequenceId !== currentCase.referenceSequenceId && removing !== s.sequenceId && (
                  <button type="button" data-testid="remove-sequence" disabled={busy} onClick={() => setRemoving(s.sequenceId)}>
                    Remove
                  </button>
                )}
                {removing === s.sequenceId && (
                  <span className="confirm" data-testid="remove-sequence-confirmation">
                    {' '}
                    Remove "{s.name}" from the case? Its files are kept.{' '}
                    <button
                      type="button"
                      data-testid="remove-sequence-confirm"
                      disabled={busy}
                      onClick={() => {
                        setRemoving(null);
                        void run(() => removeSequence(s.sequenceId));
                      }}
                    >
                      Remove
                    </button>
                    <button type="button" data-testid="remove-sequence-cancel" onClick={() => setRemoving(null)}>
                      Cancel
                    </button>
                  </span>
                )}
              </li>
            ))}
          </ul>
          {admin && currentCase.sequences.length > 1 && versions !== null && versions > 0 && (
            <p className="muted" data-testid="reference-fixed">
              The reference grid is fixed: {versions} saved annotation version{versions === 1 ? '' : 's'} live on it.
            </p>
          )}
          <details>
            <summary data-testid="add-sequence">Add sequence…</summary>
            <input
              data-testid="add-sequence-path"
              placeholder="/path/to/image.nii.gz, DICOM or subject folder"
              value={path}
              onChange={(e) => setPath(e.target.value)}
            />
            <input
              data-testid="add-sequence-name"
              placeholder="name (default from the file: adc, flair…)"
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
            <select data-testid="add-sequence-kind" value={kind} onChange={(e) => setKind(e.target.value as SequenceKind | '')}>
              <option value="">kind from the file name</option>
              {SEQUENCE_KINDS.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
            <button
              type="button"
              data-testid="add-sequence-submit"
              disabled={busy || !path.trim()}
              onClick={() => void run(() => addSequence(path.trim(), name.trim() || null, kind || null))}
            >
              Add
            </button>
          </details>
        </>
      )}
      {signedIn.role === 'admin' && (
        <details>
          <summary data-testid="import-subject">Import subject as a case…</summary>
          <input
            data-testid="import-subject-path"
            placeholder="/path/to/rawdata/sub-…"
            value={subject}
            onChange={(e) => setSubject(e.target.value)}
          />
          <button
            type="button"
            data-testid="import-subject-submit"
            disabled={busy || !subject.trim()}
            onClick={() => void run(() => importSubject(subject.trim()))}
          >
            Import
          </button>
        </details>
      )}
      {outcome && (
        <div
          className={outcome.ok ? 'annotation-message' : 'annotation-message error'}
          data-testid="sequence-outcome"
          data-ok={outcome.ok}
          role="status"
        >
          {outcome.text}
        </div>
      )}
    </section>
  );
}
