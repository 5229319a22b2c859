/** Export buttons: the per-case table and the summary, each as CSV and JSON, with the tool version, convention and comparison in the header. */
import { casesToCsv, casesToJson, summaryToCsv, summaryToJson, type ExportHeader } from '../../../../src-shared/evaluation/datasetExport';
import type { DatasetCaseRow, DatasetSummary } from '../../../../src-shared/evaluation/datasetTypes';
import { useControllers } from '../../../controllers/ControllersContext';
import { downloadText } from '../../../plots/exportPlot';

export function DashboardExports({
  rows,
  summary,
  thresholdMl,
  stem,
}: {
  rows: readonly DatasetCaseRow[];
  summary: DatasetSummary | null;
  thresholdMl: number;
  stem: string;
}) {
  const { dashboard } = useControllers();
  const header = async (): Promise<ExportHeader> => ({ tool: 'quorum', toolVersion: await dashboard.toolVersion(), thresholdMl });
  const save = async (make: (h: ExportHeader) => string, name: string, type: string) => downloadText(make(await header()), name, type);
  const none = rows.length === 0;
  return (
    <div className="dash-exports" role="group" aria-label="Export">
      <span className="muted">Export</span>
      <button
        type="button"
        data-testid="dash-export-cases-csv"
        disabled={none}
        onClick={() => void save((h) => casesToCsv(rows, h), `${stem}-cases.csv`, 'text/csv')}
      >
        cases CSV
      </button>
      <button
        type="button"
        data-testid="dash-export-cases-json"
        disabled={none}
        onClick={() => void save((h) => casesToJson(rows, h), `${stem}-cases.json`, 'application/json')}
      >
        cases JSON
      </button>
      <button
        type="button"
        data-testid="dash-export-summary-csv"
        disabled={!summary}
        onClick={() => summary && void save((h) => summaryToCsv(summary, h), `${stem}-summary.csv`, 'text/csv')}
      >
        summary CSV
      </button>
      <button
        type="button"
        data-testid="dash-export-summary-json"
        disabled={!summary}
        onClick={() => summary && void save((h) => summaryToJson(summary, h), `${stem}-summary.json`, 'application/json')}
      >
        summary JSON
      </button>
    </div>
  );
}
