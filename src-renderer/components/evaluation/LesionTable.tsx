/**
 * The lesion table: one row per 26-connected lesion of the reference (the raters' majority), with
 * its volume, who detected it (any overlap) and the model's best IoU. Clicking a row centres all
 * viewports on the voxel nearest the lesion's centroid. Under a table with several certain labels
 * the lesions are each label's (the label picker's, or every label's with the label in each row).
 */
import type { CaseEvaluation, LesionTable as LesionTableData } from '../../../src-shared/evaluation/types';
import { formatMl } from '../../../src-shared/evaluation/metricCatalog';
import { useControllers } from '../../controllers/ControllersContext';
import { LabelName, useShownLabels, type ShownLabelEntry } from './EvaluationLabelPicker';

interface Listed {
  readonly entry: ShownLabelEntry | null;
  readonly table: LesionTableData;
}

export function LesionTable({ result }: { result: CaseEvaluation }) {
  const shown = useShownLabels(result);
  const { viewer } = useControllers();
  const listed: Listed[] = shown
    ? (result.labels ?? []).flatMap((b, i) =>
        b.lesions && (shown.choice === 'all' || shown.choice === b.label) ? [{ entry: shown.entries[i], table: b.lesions }] : [],
      )
    : result.lesions
      ? [{ entry: null, table: result.lesions }]
      : [];
  const first = listed[0]?.table;
  if (!first) return null;
  const names = new Map<string, string>([
    ...result.raters.map((r) => [r.id, r.name] as const),
    ...(result.model ? [[result.model.id, 'model'] as const] : []),
  ]);
  const modelId = result.model?.hasResult ? result.model.id : null;
  const refLabel = first.referenceId === 'majority' ? 'majority' : (names.get(first.referenceId) ?? first.referenceId);
  const perLabel = shown !== null;
  const which = shown && shown.choice !== 'all' ? ` ${listed[0].entry?.name ?? ''}` : '';
  const rows = listed.flatMap(({ entry, table }) => table.rows.map((row) => ({ entry, row })));
  return (
    <section className="metrics-section" data-testid="lesion-table">
      <h3>
        Lesions{' '}
        <span className="muted">
          (26-connected, of the {refLabel}
          {perLabel ? `, per label` : ''})
        </span>
      </h3>
      {rows.length === 0 ? (
        <div className="muted">
          No{which} lesion in the {refLabel}.
        </div>
      ) : (
        <table className="metrics-table lesions">
          <thead>
            <tr>
              {perLabel && <th>label</th>}
              <th>#</th>
              <th>ml</th>
              <th>detected by</th>
              <th title="The model's best component IoU with this lesion">IoU</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map(({ entry, row }) => (
              <tr
                key={`${entry?.value ?? ''}:${row.id}`}
                className="clickable"
                data-testid="lesion-row"
                data-label={entry?.value}
                data-voxels={row.voxels}
                data-detected-by={row.detectedBy.join(',')}
                data-centroid={row.centroidVoxel.map((c) => c.toFixed(2)).join(',')}
                title={`Jump to lesion ${row.id}: centroid voxel (${row.centroidVoxel.map((c) => c.toFixed(1)).join(', ')}), LPS (${row.centroidLps.map((c) => c.toFixed(1)).join(', ')}) mm`}
                onClick={() => viewer.centreViewportsOn(row.nearestVoxelLps)}
              >
                {entry && (
                  <td>
                    <LabelName entry={entry} />
                  </td>
                )}
                <td>{row.id}</td>
                <td>{formatMl(row.volumeMl)}</td>
                <td>{row.detectedBy.map((id) => names.get(id) ?? id).join(', ') || '—'}</td>
                <td>{modelId === null ? 'n/a' : (row.bestIou[modelId] ?? 0).toFixed(2)}</td>
                <td>
                  <button type="button" className="link" data-testid="lesion-jump">
                    jump to
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
