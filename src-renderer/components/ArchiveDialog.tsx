/**
 * "Open from archive" (admins, issue 13): search the server's DICOMweb archive by patient, date,
 * modality or accession number, pick a series from the result list, and add it to the project as a
 * case, which then opens. The server does the archive work (the page never talks to the archive).
 * Keyboard: the form submits with Enter, each result is a radio button (arrow keys move), and
 * "Add and open" follows. While the series is copied, the bytes received so far show and Cancel
 * stops the copy (the server then adds no case).
 */
import { useState, type FormEvent } from 'react';
import type { ResultOf } from '../../src-shared/api/contract';
import { getApi } from '../api';
import { openCasePath } from '../state/caseActions';
import { sessionToken, updateAnnotation } from '../state/annotationState';
import { DialogFrame } from './DialogFrame';

type Series = ResultOf<'quorum:dicomweb.search'>['series'][number];

const FIELDS = [
  ['patientName', 'Patient name', 'DOE^J* (wildcards * and ?)'],
  ['patientId', 'Patient ID', ''],
  ['studyDate', 'Study date', 'YYYYMMDD or YYYYMMDD-YYYYMMDD'],
  ['modality', 'Modality', 'MR, CT…'],
  ['accessionNumber', 'Accession', ''],
] as const;
type Field = (typeof FIELDS)[number][0];

/** How often the copy's progress is asked for while it runs. */
const PROGRESS_POLL_MS = 250;

function megabytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MB`;
}

function describe(s: Series): string {
  return [
    s.patientName || '(no name)',
    s.patientId,
    s.studyDate,
    s.modality,
    s.seriesDescription,
    s.instances ? `${s.instances} images` : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

function ArchiveBody({ onClose }: { onClose: () => void }) {
  const [query, setQuery] = useState<Record<Field, string>>({
    patientName: '',
    patientId: '',
    studyDate: '',
    modality: '',
    accessionNumber: '',
  });
  const [results, setResults] = useState<Series[] | null>(null);
  const [chosen, setChosen] = useState<Series | null>(null);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [adding, setAdding] = useState(false);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);

  const search = async (e: FormEvent) => {
    e.preventDefault();
    const session = sessionToken();
    if (!session) return setMessage({ error: true, text: 'Sign in as an admin first.' });
    setBusy(true);
    setMessage(null);
    setChosen(null);
    const filled = Object.fromEntries(Object.entries(query).filter(([, v]) => v.trim() !== ''));
    const r = await getApi()['quorum:dicomweb.search']({ session, query: filled });
    setBusy(false);
    if (!r.ok) return setMessage({ error: true, text: r.error.message });
    setResults(r.value.series);
    setMessage({ error: false, text: `${r.value.series.length} series found in ${r.value.archive}.` });
  };

  const add = async () => {
    const session = sessionToken();
    if (!session || !chosen) return;
    setBusy(true);
    setAdding(true);
    setMessage({ error: false, text: 'Copying the series from the archive…' });
    // An answer that arrives after the add has finished must not cover its result.
    let finished = false;
    const showProgress = async () => {
      const p = await getApi()['quorum:dicomweb.addProgress']({ session });
      const at = p.ok ? p.value.progress : null;
      if (finished || !at || at.receivedBytes === 0) return;
      const of = at.totalBytes ? ` of ${megabytes(at.totalBytes)}` : '';
      setMessage({ error: false, text: `Copying the series from the archive… ${megabytes(at.receivedBytes)}${of}` });
    };
    const poll = setInterval(() => {
      void showProgress();
    }, PROGRESS_POLL_MS);
    const r = await getApi()['quorum:dicomweb.addCase']({
      session,
      name: name.trim(),
      studyInstanceUid: chosen.studyInstanceUid,
      seriesInstanceUid: chosen.seriesInstanceUid,
    });
    finished = true;
    clearInterval(poll);
    setBusy(false);
    setAdding(false);
    if (!r.ok) return setMessage({ error: true, text: r.error.message });
    const cases = await getApi()['quorum:projectCase.list']({ session });
    if (cases.ok) updateAnnotation({ projectCases: cases.value });
    onClose();
    await openCasePath(r.value.folder);
  };

  return (
    <DialogFrame label="Open from archive" className="open archive" testId="archive-dialog" onClose={onClose}>
      <h2>Search the DICOMweb archive</h2>
      <form onSubmit={(e) => void search(e)}>
        {FIELDS.map(([key, label, placeholder]) => (
          <label key={key} style={{ display: 'block', margin: '4px 0' }}>
            {label}{' '}
            <input
              data-testid={`archive-${key}`}
              value={query[key]}
              placeholder={placeholder}
              onChange={(e) => setQuery({ ...query, [key]: e.target.value })}
            />
          </label>
        ))}
        <button type="submit" data-testid="archive-search" disabled={busy}>
          Search
        </button>
      </form>
      {results && (
        <fieldset data-testid="archive-results" style={{ maxHeight: 240, overflow: 'auto', margin: '8px 0' }}>
          <legend>Series</legend>
          {results.map((s) => (
            <label key={s.seriesInstanceUid} style={{ display: 'block' }} data-testid="archive-result">
              <input
                type="radio"
                name="archive-series"
                checked={chosen?.seriesInstanceUid === s.seriesInstanceUid}
                onChange={() => {
                  setChosen(s);
                  setName([s.patientName, s.seriesDescription || s.modality].filter(Boolean).join(' ') || s.seriesInstanceUid);
                }}
              />
              {describe(s)}
            </label>
          ))}
        </fieldset>
      )}
      {chosen && (
        <div style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
          <label>
            Case name <input data-testid="archive-case-name" value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          <button type="button" data-testid="archive-add" disabled={busy || !name.trim()} onClick={() => void add()}>
            Add and open
          </button>
          {adding && (
            <button
              type="button"
              data-testid="archive-cancel"
              onClick={() => {
                const session = sessionToken();
                if (session) void getApi()['quorum:dicomweb.cancelAdd']({ session });
              }}
            >
              Cancel
            </button>
          )}
        </div>
      )}
      {message && (
        <div className={message.error ? 'list-error' : 'muted'} data-testid="archive-message" role="status">
          {message.text}
        </div>
      )}
      <div className="dialog-actions">
        <button type="button" data-testid="archive-close" onClick={onClose}>
          Close
        </button>
      </div>
    </DialogFrame>
  );
}

/** The button (admins) and, when open, the dialog. */
export function ArchiveButton() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" data-testid="archive-open" onClick={() => setOpen(true)}>
        Open from archive…
      </button>
      {open && <ArchiveBody onClose={() => setOpen(false)} />}
    </>
  );
}
