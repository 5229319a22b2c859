/**
 * One comparison's metrics per label, for a table with several certain labels (issue 14): a row per
 * metric of the convention shown, a column per label (named from the project's table) and one for
 * the mean over labels as MetricsReloaded defines it (evaluateLabels). The uncertain label has no
 * column: it is not a class.
 */
import type { Comparison, ConventionName, ConventionResult } from '../../../src-shared/evaluation/types';
import { CONVENTION_LABELS, formatValue, metricRows } from '../../../src-shared/evaluation/metricCatalog';
import { useAnnotationState } from '../../state/annotationState';

type PerLabel = NonNullable<Comparison['perLabel']>;

export function PerLabelMetrics({ perLabel, convention }: { perLabel: PerLabel; convention: ConventionName }) {
  const table = useAnnotationState((s) => s.labels);
  const values = Object.keys(perLabel.labels);
  const results = values.map((v) => perLabel.labels[v][convention]);
  // The mean has every metric key of a result (labels.ts: meanOverLabels), which is all a row reads.
  const mean = perLabel.label_mean[convention] as unknown as ConventionResult;
  const name = (v: string) => table.find((l) => String(l.value) === v)?.name ?? `label ${v}`;
  return (
    <table className="metrics-table" data-testid="metrics-per-label" data-convention={convention}>
      <thead>
        <tr>
          <th />
          {values.map((v) => (
            <th key={v} data-testid={`metrics-label-${v}`}>
              {name(v)}
            </th>
          ))}
          <th title="MetricsReloaded's label mean: the unweighted mean over the labels, NaN values left out">Mean over labels</th>
        </tr>
      </thead>
      <tbody>
        {metricRows(convention, results[0]).map((row) => (
          <tr key={row.id} data-testid={`metric-${row.id}`} title={`${row.definition} (${CONVENTION_LABELS[convention]})`}>
            <th>{row.label}</th>
            {[...results, mean].map((r, i) => {
              const v = row.read(r);
              const key = i < values.length ? values[i] : 'mean';
              return (
                <td key={key} data-label={key} data-value={v === null ? 'null' : String(v)}>
                  {formatValue(v, row.unit)}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
