/**
 * "Store in archive" (reviewers and admins, issue 13): for a case that came from the DICOMweb
 * archive, one of its annotation versions is encoded as a DICOM SEG referencing the source series
 * and stored back in the source's study (dicomweb.storeSeg; the server does the archive work). The
 * result names the SEG's SOP Instance UID, by which the archive's own viewer finds it.
 */
import { useEffect, useState } from 'react';
import { archiveSeriesOf } from '../../src-shared/project/archiveSource';
import type { AnnotationVersion, CaseRecord } from '../../src-shared/project/types';
import { getApi } from '../api';
import { useAnnotationState } from '../state/annotationState';
import { DialogFrame } from './DialogFrame';

interface Choice {
  readonly version: AnnotationVersion;
  readonly rater: string;
}

function describe({ version, rater }: Choice): string {
  return [rater, version.status, version.noLesion ? 'no lesion' : '', new Date(version.createdAt).toLocaleString()]
    .filter(Boolean)
    .join(' · ');
}

function StoreBody({ record, session, onClose }: { record: CaseRecord; session: string; onClose: () => void }) {
  const [choices, setChoices] = useState<readonly Choice[] | null>(null);
  const [chosen, setChosen] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);

  useEffect(() => {
    const api = getApi();
    void Promise.all([api['quorum:rater.list']({ session }), api['quorum:annotation.list']({ session, caseId: record.caseId })]).then(
      ([raters, versions]) => {
        if (!raters.ok) return setMessage({ error: true, text: `The raters could not be listed: ${raters.error.message}` });
        if (!versions.ok) return setMessage({ error: true, text: `The versions could not be listed: ${versions.error.message}` });
        const names = new Map(raters.value.map((r) => [r.raterId, r.name]));
        // Newest first: the version a reviewer usually means.
        const list = [...versions.value].reverse().map((version) => ({ version, rater: names.get(version.raterId) ?? version.raterId }));
        setChoices(list);
        setChosen(list[0]?.version.versionId ?? '');
      },
    );
  }, [record.caseId, session]);

  const store = async () => {
    setBusy(true);
    setMessage({ error: false, text: 'Storing the SEG in the archive…' });
    const r = await getApi()['quorum:dicomweb.storeSeg']({ session, versionId: chosen });
    setBusy(false);
    setMessage(
      r.ok
        ? { error: false, text: `Stored as a DICOM SEG, SOP Instance UID ${r.value.sopInstanceUid} (series ${r.value.seriesInstanceUid}).` }
        : { error: true, text: `Not stored: ${r.error.message}` },
    );
  };

  return (
    <DialogFrame label="Store in archive" className="open archive-store" testId="archive-store-dialog" onClose={onClose}>
      <h2>Store an annotation of “{record.name}” in the archive</h2>
      {choices?.length === 0 && <div className="muted">This case has no annotation yet.</div>}
      {choices && choices.length > 0 && (
        <label>
          Version{' '}
          <select data-testid="archive-store-version" value={chosen} onChange={(e) => setChosen(e.target.value)}>
            {choices.map((c) => (
              <option key={c.version.versionId} value={c.version.versionId}>
                {describe(c)}
              </option>
            ))}
          </select>
        </label>
      )}
      {message && (
        <div
          className={message.error ? 'list-error' : 'muted'}
          data-testid="archive-store-message"
          data-ok={message.error ? 'no' : 'yes'}
          role="status"
          style={{ marginTop: 8, overflowWrap: 'anywhere' }}
        >
          {message.text}
        </div>
      )}
      <div className="dialog-actions">
        <button type="button" data-testid="archive-store" disabled={busy || !chosen} onClick={() => void store()}>
          Store in archive
        </button>
        <button type="button" data-testid="archive-store-close" onClick={onClose}>
          Close
        </button>
      </div>
    </DialogFrame>
  );
}

/** The button, shown to reviewers and admins on a case that came from the archive, and its dialog. */
export function ArchiveStoreButton() {
  const signedIn = useAnnotationState((s) => s.signedIn);
  const record = useAnnotationState((s) => s.currentCase);
  const [open, setOpen] = useState(false);
  if (!signedIn || (signedIn.role !== 'reviewer' && signedIn.role !== 'admin') || !record || !archiveSeriesOf(record)) return null;
  return (
    <>
      <button type="button" data-testid="archive-store-open" onClick={() => setOpen(true)}>
        Store in archive…
      </button>
      {open && <StoreBody record={record} session={signedIn.token} onClose={() => setOpen(false)} />}
    </>
  );
}
