/**
 * The lesion table: one row per 26-connected lesion of the reference (the raters' majority), with
 * its volume, who detected it (any overlap) and the model's best IoU. Clicking a row centres all
 * viewports on the voxel nearest the lesion's centroid.
 */
import type { CaseEvaluation } from '../../../src-shared/evaluation/types';
import { formatMl } from '../../../src-shared/evaluation/metricCatalog';
import { centreViewportsOn } from '../../state/evaluationActions';

export function LesionTable({ result }: { result: CaseEvaluation }) {
  const table = result.lesions;
  if (!table) return null;
  const names = new Map<string, string>([
    ...result.raters.map((r) => [r.id, r.name] as const),
    ...(result.model ? [[result.model.id, 'model'] as const] : []),
  ]);
  const modelId = result.model?.hasResult ? result.model.id : null;
  const refLabel = table.referenceId === 'majority' ? 'majority' : (names.get(table.referenceId) ?? table.referenceId);
  return (
    <section className="metrics-section" data-testid="lesion-table">
      <h3>
        Lesions <span className="muted">(26-connected, of the {refLabel})</span>
      </h3>
      {table.rows.length === 0 ? (
        <div className="muted">No lesion in the {refLabel}.</div>
      ) : (
        <table className="metrics-table lesions">
          <thead>
            <tr>
              <th>#</th>
              <th>ml</th>
              <th>detected by</th>
              <th title="The model's best component IoU with this lesion">IoU</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {table.rows.map((row) => (
              <tr
                key={row.id}
                className="clickable"
                data-testid="lesion-row"
                data-centroid={row.centroidVoxel.map((c) => c.toFixed(2)).join(',')}
                title={`Jump to lesion ${row.id}: centroid voxel (${row.centroidVoxel.map((c) => c.toFixed(1)).join(', ')}), LPS (${row.centroidLps.map((c) => c.toFixed(1)).join(', ')}) mm`}
                onClick={() => centreViewportsOn(row.nearestVoxelLps)}
              >
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
