/**
 * Import and export from the reviewer/admin side (exchange channels, src-shared/api/exchangeChannels.ts):
 * a mask file into the open case, a QUBIQ or ISLES-style BIDS folder into the project (either with
 * a mapping of the files' values onto the label table, offered when an import is refused for
 * values the table lacks), the open
 * case's export (NIfTI per rater, consensus, optionally DICOM SEG; or ISLES-BIDS) and the versions CSV.
 * Each returns a one-paragraph report for the dialog (or the backend's refusal, which already
 * names the file and every mismatch) and refreshes what the import changed.
 */
import type { QubiqTasksAs } from '../../src-shared/api/exchangeChannels';
import type { UncertainAs } from '../../src-shared/project/labels';
import type { VersionStatus } from '../../src-shared/project/types';
import type { ValueCount, ValueMappingEntries } from '../../src-shared/project/valueMapping';
import { getApi } from '../api';
import { annotationStore, sessionToken, updateAnnotation } from './annotationState';
import { appStore } from './appState';

export interface ExchangeReport {
  ok: boolean;
  text: string;
  /** The import was refused for values the label table lacks: the dialog offers the value mapping. */
  unknownValues?: boolean;
}

/** A value found in the files of an import, over all of them. */
export interface FoundValue extends ValueCount {
  files: number;
}

const session = sessionToken;

const NOT_SIGNED_IN: ExchangeReport = { ok: false, text: 'Sign in as a reviewer or admin first.' };

/** New cases and raters may have appeared; the open case's layers may have a new version. */
async function refreshAfterImport(token: string): Promise<void> {
  const cases = await getApi()['quorum:projectCase.list']({ session: token });
  if (cases.ok) updateAnnotation({ projectCases: cases.value });
  appStore.emit('annotationsImported', null);
}

/**
 * The non-zero values the mask file (for the open case) or the dataset folder holds, summed over its
 * files, for the mapping table; or the reason they could not be read.
 */
export async function valuesFound(path: string, of: 'mask' | 'folder', tasksAs: QubiqTasksAs): Promise<FoundValue[] | string> {
  const token = session();
  const record = annotationStore.getState().currentCase;
  if (!token) return NOT_SIGNED_IN.text;
  const r = await getApi()['quorum:import.values'](
    of === 'mask' && record ? { session: token, path, caseId: record.caseId } : { session: token, path, tasksAs },
  );
  if (!r.ok) return r.error.message;
  const found = new Map<number, FoundValue>();
  for (const f of r.value.files)
    for (const { value, voxels } of f.values) {
      if (value === 0) continue;
      const seen = found.get(value);
      found.set(value, { value, voxels: (seen?.voxels ?? 0) + voxels, files: (seen?.files ?? 0) + 1 });
    }
  return [...found.values()].sort((a, b) => a.value - b.value);
}

const refusal = (error: { code: string; message: string }): ExchangeReport => ({
  ok: false,
  text: error.message,
  unknownValues: error.code === 'bad-labels',
});

export async function importMaskFile(
  path: string,
  status: VersionStatus,
  raterId: string | null,
  mapping: ValueMappingEntries,
): Promise<ExchangeReport> {
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
    ...(mapping.length > 0 ? { mapping } : {}),
  });
  if (!r.ok) return refusal(r.error);
  await refreshAfterImport(token);
  return { ok: true, text: `Imported ${path} into “${record.name}” as a ${r.value.status} version (${r.value.versionId}).` };
}

export async function importDatasetFolder(path: string, mapping: ValueMappingEntries, tasksAs: QubiqTasksAs): Promise<ExchangeReport> {
  const token = session();
  if (!token) return NOT_SIGNED_IN;
  const r = await getApi()['quorum:import.folder']({ session: token, path, tasksAs, ...(mapping.length > 0 ? { mapping } : {}) });
  if (!r.ok) return refusal(r.error);
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
