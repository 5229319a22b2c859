/**
 * Import and export from the reviewer/admin side (exchange channels, src-shared/api/exchangeChannels.ts):
 * a mask file into the open case, a QUBIQ or ISLES-style BIDS folder into the project, the open
 * case's export (NIfTI per rater, consensus, optionally DICOM SEG; or ISLES-BIDS) and the versions CSV.
 * Each returns a one-paragraph report for the dialog (or the backend's refusal, which already
 * names the file and every mismatch) and refreshes what the import changed.
 */
import type { UncertainAs } from '../../src-shared/project/labels';
import type { VersionStatus } from '../../src-shared/project/types';
import { getApi } from '../api';
import { syncAnnotationCase } from './annotationActions';
import { annotationStore, sessionToken, updateAnnotation } from './annotationState';

export interface ExchangeReport {
  ok: boolean;
  text: string;
}

const session = sessionToken;

const NOT_SIGNED_IN: ExchangeReport = { ok: false, text: 'Sign in as a reviewer or admin first.' };

/** New cases and raters may have appeared; the open case's layers may have a new version. */
async function refreshAfterImport(token: string): Promise<void> {
  const cases = await getApi()['quorum:projectCase.list']({ session: token });
  if (cases.ok) updateAnnotation({ projectCases: cases.value });
  await syncAnnotationCase();
}

export async function importMaskFile(path: string, status: VersionStatus, raterId: string | null): Promise<ExchangeReport> {
  const token = session();
  const record = annotationStore.getState().currentCase;
  if (!token) return NOT_SIGNED_IN;
  if (!record) return { ok: false, text: 'Open a project case first: the mask is checked against its image.' };
  const r = await getApi()['quorum:annotation.import']({
    session: token,
    caseId: record.caseId,
    path,
    status,
    ...(raterId ? { raterId } : {}),
  });
  if (!r.ok) return { ok: false, text: r.error.message };
  await refreshAfterImport(token);
  return { ok: true, text: `Imported ${path} into “${record.name}” as a ${r.value.status} version (${r.value.versionId}).` };
}

export async function importDatasetFolder(path: string): Promise<ExchangeReport> {
  const token = session();
  if (!token) return NOT_SIGNED_IN;
  const r = await getApi()['quorum:import.folder']({ session: token, path });
  if (!r.ok) return { ok: false, text: r.error.message };
  await refreshAfterImport(token);
  const { layout, cases, ratersCreated, notes } = r.value;
  const masks = cases.reduce((n, c) => n + c.versions.length, 0);
  const parts = [
    `${layout === 'bids' ? 'BIDS' : 'QUBIQ'} folder: ${masks} mask(s) into ${cases.length} case(s) (${cases.map((c) => `${c.name}${c.created ? ', new' : ''}`).join('; ')}).`,
    ratersCreated.length ? `New raters: ${ratersCreated.join(', ')}.` : '',
    ...notes,
  ];
  return { ok: true, text: parts.filter(Boolean).join(' ') };
}

/** How the open case is exported: NIfTI (optionally with DICOM SEG) into a case folder, or ISLES-BIDS into a BIDS root. */
type CaseExport = { format: 'nifti'; dicomSeg: boolean } | { format: 'isles-bids' };

export async function exportOpenCase(outDir: string, uncertainAs: UncertainAs, how: CaseExport): Promise<ExchangeReport> {
  const token = session();
  const record = annotationStore.getState().currentCase;
  if (!token) return NOT_SIGNED_IN;
  if (!record) return { ok: false, text: 'Open a project case to export it.' };
  const dicomSeg = how.format === 'nifti' && how.dicomSeg;
  const r = await getApi()['quorum:export.case']({
    session: token,
    caseId: record.caseId,
    outDir,
    uncertainAs,
    dicomSeg,
    format: how.format,
  });
  if (!r.ok) return { ok: false, text: r.error.message };
  const count = (kind: string) => r.value.files.filter((f) => f.kind === kind).length;
  const summary =
    how.format === 'isles-bids'
      ? `Exported “${record.name}” as ISLES-BIDS to ${r.value.dir}: ${count('sequence')} sequence file(s) under rawdata/, the majority consensus and ${count('rater')} rater mask(s) under derivatives/.`
      : `Exported “${record.name}” to ${r.value.dir}: ${count('rater')} rater file(s), majority and soft consensus${dicomSeg ? `, ${count('dicom-seg')} DICOM SEG file(s)` : ''}.`;
  return { ok: true, text: [summary, ...r.value.notes].join(' ') };
}

export async function exportVersionsCsv(outDir: string): Promise<ExchangeReport> {
  const token = session();
  if (!token) return NOT_SIGNED_IN;
  const path = `${outDir.replace(/[\\/]+$/, '')}/quorum-versions.csv`;
  const r = await getApi()['quorum:export.versionsCsv']({ session: token, path });
  if (!r.ok) return { ok: false, text: r.error.message };
  return { ok: true, text: `Wrote ${r.value.rows} version(s) to ${r.value.path}.` };
}
