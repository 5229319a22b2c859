/**
 * Import and export for reviewers and admins: a button in the annotation section that opens a
 * dialog with
 * - import of one mask file (NIfTI or binary DICOM SEG) into the open case, as oneself or (admin)
 *   as another rater;
 * - import of a QUBIQ case folder (image + taskNN_segMM files: rater segMM, each task a case or a
 *   label) or an ISLES-style BIDS folder (admin), all or nothing;
 * - for either import, a "value in file → label" table (ValueMappingTable), shown when an import is
 *   refused for values the label table lacks or on "Map values…", whose choices go with the next
 *   import;
 * - export of the open case (per-rater NIfTI, majority and soft consensus, DICOM SEG for cases
 *   from DICOM; or ISLES-BIDS: the sequences under rawdata/, the masks under derivatives/) and of
 *   the versions CSV.
 * Paths are chosen with the same backend folder browser as the open dialog (PathField).
 */
import { useEffect, useState } from 'react';
import type { QubiqTasksAs } from '../../src-shared/api/exchangeChannels';
import { DEFAULT_UNCERTAIN_AS } from '../../src-shared/evaluation/defaults';
import type { UncertainAs } from '../../src-shared/project/labels';
import type { Rater, VersionStatus } from '../../src-shared/project/types';
import { getApi } from '../api';
import { useAnnotationState } from '../state/annotationState';
import {
  exportOpenCase,
  exportVersionsCsv,
  importDatasetFolder,
  importMaskFile,
  valuesFound,
  type ExchangeReport,
  type FoundValue,
} from '../state/exchangeActions';
import { PathField } from './PathField';
import { DialogFrame } from './DialogFrame';
import { allChosen, initialChoices, mappingEntries, ValueMappingTable, type ValueChoices } from './ValueMappingTable';

/** The values found in one import's files, and the person's choice for each; kept while the path is unchanged. */
interface Mapping {
  path: string;
  found: readonly FoundValue[];
  choices: ValueChoices;
}

/** Inline, so this dialog adds no rules to the shared stylesheet. */
const ROW = { display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap', margin: '6px 0 12px' } as const;

function ExchangeBody({ onClose }: { onClose: () => void }) {
  const signedIn = useAnnotationState((s) => s.signedIn);
  const currentCase = useAnnotationState((s) => s.currentCase);
  const [maskPath, setMaskPath] = useState('');
  const [status, setStatus] = useState<VersionStatus>('submitted');
  const [raterId, setRaterId] = useState('');
  const [raters, setRaters] = useState<readonly Rater[]>([]);
  const [folderPath, setFolderPath] = useState('');
  const [outDir, setOutDir] = useState('');
  // The evaluation default, so an exported consensus is the one the metrics panel and the heat map show.
  const [uncertainAs, setUncertainAs] = useState<UncertainAs>(DEFAULT_UNCERTAIN_AS);
  const [dicomSeg, setDicomSeg] = useState(false);
  const [format, setFormat] = useState<'nifti' | 'isles-bids'>('nifti');
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<ExchangeReport | null>(null);
  const [tasksAs, setTasksAs] = useState<QubiqTasksAs>('cases');
  const [maskMapping, setMaskMapping] = useState<Mapping | null>(null);
  const [folderMapping, setFolderMapping] = useState<Mapping | null>(null);
  const labels = useAnnotationState((s) => s.labels);
  const isAdmin = signedIn?.role === 'admin';
  const maskMap = maskMapping?.path === maskPath.trim() ? maskMapping : null;
  const folderMap = folderMapping?.path === folderPath.trim() ? folderMapping : null;

  useEffect(() => {
    if (!signedIn || !isAdmin) return;
    const listRaters = getApi()['quorum:rater.list'];
    void listRaters({ session: signedIn.token }).then((r) => {
      if (r.ok) setRaters(r.value);
    });
  }, [signedIn, isAdmin]);

  const run = async (action: () => Promise<ExchangeReport>) => {
    setBusy(true);
    setReport(null);
    try {
      setReport(await action());
    } finally {
      setBusy(false);
    }
  };

  /** Reads the values of the import's files into its mapping table; a failure shows as the report. */
  const offerMapping = async (of: 'mask' | 'folder', path: string): Promise<void> => {
    const found = await valuesFound(path, of, tasksAs);
    if (typeof found === 'string') {
      setReport({ ok: false, text: found });
      return;
    }
    (of === 'mask' ? setMaskMapping : setFolderMapping)({ path, found, choices: initialChoices(found, labels) });
  };

  /** Runs an import; a refusal for unknown values opens the mapping table beside the refusal. */
  const runImport = (of: 'mask' | 'folder', path: string, action: () => Promise<ExchangeReport>) =>
    void run(async () => {
      const r = await action();
      if (r.unknownValues) await offerMapping(of, path);
      return r;
    });

  const mappingTable = (mapping: Mapping | null, set: (m: Mapping) => void, testId: string) =>
    mapping && (
      <ValueMappingTable
        found={mapping.found}
        labels={labels}
        choices={mapping.choices}
        onChange={(choices) => set({ ...mapping, choices })}
        testId={testId}
      />
    );

  return (
    <DialogFrame label="Import and export" className="open exchange" testId="exchange-dialog" onClose={onClose}>
      <h2>Import a mask into {currentCase ? `“${currentCase.name}”` : 'the open case'}</h2>
      <PathField
        label="Mask file"
        testId="exchange-mask"
        value={maskPath}
        onChange={setMaskPath}
        placeholder="/path/to/mask.nii.gz or seg.dcm"
      />
      <div className="exchange-row" style={ROW}>
        <select
          aria-label="Status"
          data-testid="exchange-mask-status"
          value={status}
          onChange={(e) => setStatus(e.target.value === 'draft' ? 'draft' : 'submitted')}
        >
          <option value="submitted">submitted</option>
          <option value="draft">draft</option>
        </select>
        {isAdmin && (
          <select aria-label="Rater" data-testid="exchange-mask-rater" value={raterId} onChange={(e) => setRaterId(e.target.value)}>
            <option value="">as me</option>
            {raters.map((r) => (
              <option key={r.raterId} value={r.raterId}>
                as {r.name}
              </option>
            ))}
          </select>
        )}
        <button
          type="button"
          data-testid="exchange-map-mask"
          disabled={busy || !maskPath.trim() || !currentCase}
          onClick={() => void offerMapping('mask', maskPath.trim())}
        >
          Map values…
        </button>
        <button
          type="button"
          data-testid="exchange-import-mask"
          disabled={busy || !maskPath.trim() || !currentCase || (maskMap !== null && !allChosen(maskMap.choices))}
          onClick={() =>
            runImport('mask', maskPath.trim(), () =>
              importMaskFile(maskPath.trim(), status, raterId || null, maskMap ? mappingEntries(maskMap.choices) : []),
            )
          }
        >
          Import mask
        </button>
      </div>
      {mappingTable(maskMap, setMaskMapping, 'exchange-mask-mapping')}

      {isAdmin && (
        <>
          <h2>Import a QUBIQ or ISLES-style BIDS folder</h2>
          <PathField
            label="Dataset folder"
            testId="exchange-folder"
            value={folderPath}
            onChange={setFolderPath}
            placeholder="/path/to/case01 or /path/to/ISLES-2022"
          />
          <div className="exchange-row" style={ROW}>
            <span className="muted">Every mask is checked against its image first; if one does not fit, nothing is imported.</span>
            <label title="QUBIQ folders with several tasks (task01_…, task02_…)">
              QUBIQ tasks
              <select
                aria-label="QUBIQ tasks"
                data-testid="exchange-tasks-as"
                value={tasksAs}
                onChange={(e) => setTasksAs(e.target.value === 'labels' ? 'labels' : 'cases')}
              >
                <option value="cases">each its own case</option>
                <option value="labels">as labels of one case</option>
              </select>
            </label>
            <button
              type="button"
              data-testid="exchange-map-folder"
              disabled={busy || !folderPath.trim()}
              onClick={() => void offerMapping('folder', folderPath.trim())}
            >
              Map values…
            </button>
            <button
              type="button"
              data-testid="exchange-import-folder"
              disabled={busy || !folderPath.trim() || (folderMap !== null && !allChosen(folderMap.choices))}
              onClick={() =>
                runImport('folder', folderPath.trim(), () =>
                  importDatasetFolder(folderPath.trim(), folderMap ? mappingEntries(folderMap.choices) : [], tasksAs),
                )
              }
            >
              Import folder
            </button>
          </div>
          {mappingTable(folderMap, setFolderMapping, 'exchange-folder-mapping')}
        </>
      )}

      <h2>Export</h2>
      <PathField label="Export folder" testId="exchange-out" value={outDir} onChange={setOutDir} placeholder="/path/to/export-folder" />
      <div className="exchange-row" style={ROW}>
        <label>
          Uncertain voxels count as
          <select
            aria-label="Uncertain as"
            data-testid="exchange-uncertain"
            value={uncertainAs}
            onChange={(e) => setUncertainAs(e.target.value === 'background' ? 'background' : e.target.value === 'half' ? 'half' : 'lesion')}
          >
            <option value="lesion">lesion</option>
            <option value="background">background</option>
            <option value="half">half a vote</option>
          </select>
        </label>
        <label>
          Format
          <select
            aria-label="Export format"
            data-testid="exchange-format"
            value={format}
            onChange={(e) => setFormat(e.target.value === 'isles-bids' ? 'isles-bids' : 'nifti')}
          >
            <option value="nifti">NIfTI</option>
            <option value="isles-bids">ISLES-BIDS</option>
          </select>
        </label>
        <label
          title={
            currentCase?.source === 'dicom'
              ? 'One binary DICOM SEG per rater and one for the majority, referencing the source series'
              : 'Only for cases opened from DICOM'
          }
        >
          <input
            type="checkbox"
            data-testid="exchange-dicom-seg"
            checked={dicomSeg}
            disabled={currentCase?.source !== 'dicom' || format !== 'nifti'}
            onChange={(e) => setDicomSeg(e.target.checked)}
          />
          DICOM SEG
        </label>
        <button
          type="button"
          data-testid="exchange-export-case"
          disabled={busy || !outDir.trim() || !currentCase}
          onClick={() =>
            void run(() =>
              exportOpenCase(
                outDir.trim(),
                uncertainAs,
                format === 'isles-bids' ? { format } : { format, dicomSeg: dicomSeg && currentCase?.source === 'dicom' },
              ),
            )
          }
        >
          Export case
        </button>
        <button
          type="button"
          data-testid="exchange-export-csv"
          disabled={busy || !outDir.trim()}
          onClick={() => void run(() => exportVersionsCsv(outDir.trim()))}
        >
          Versions CSV
        </button>
      </div>

      {busy && <div className="muted">Working…</div>}
      {report && (
        <div
          className={report.ok ? 'exchange-report' : 'exchange-report list-error'}
          style={{ whiteSpace: 'pre-wrap', marginTop: 8 }}
          data-testid="exchange-report"
          data-ok={report.ok ? 'yes' : 'no'}
          role="status"
        >
          {report.text}
        </div>
      )}
      <div className="dialog-actions">
        <button type="button" data-testid="exchange-close" onClick={onClose}>
          Close
        </button>
      </div>
    </DialogFrame>
  );
}

/** The button (reviewers and admins) and, when open, the dialog. */
export function ExchangeButton() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" data-testid="exchange-open" onClick={() => setOpen(true)}>
        Import / export…
      </button>
      {open && <ExchangeBody onClose={() => setOpen(false)} />}
    </>
  );
}
