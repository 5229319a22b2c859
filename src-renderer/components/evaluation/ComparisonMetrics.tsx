/**
 * The metrics of one comparison (model vs majority by default) under the convention shown: label,
 * value, unit and the convention's name on every row, the definition as a tooltip, and NaN written
 * as NaN with the empty-case reason — never as 0 or 1. Below, the model against the soft reference
 * by the Dice semimetric, the only soft Dice that is maximal at x = y. Under a table with several
 * certain labels the binary table gives way to a column per label and the label mean.
 */
import { useState } from 'react';
import type { CaseEvaluation, Comparison } from '../../../src-shared/evaluation/types';
import { CONVENTION_LABELS, emptyCaseText, formatValue, metricRows } from '../../../src-shared/evaluation/metricCatalog';
import { useEvaluationState } from './useEvaluationState';
import { PerLabelMetrics } from './PerLabelMetrics';

const KIND_LABEL: Record<Comparison['kind'], string> = {
  'model-majority': 'vs majority',
  'model-rater': 'vs rater',
  'rater-loo': 'vs leave-one-out',
  'rater-rater': 'rater pair',
};

function comparisonKey(c: Comparison): string {
  return `${c.kind}:${c.referenceId}:${c.predictionId}`;
}

function comparisonTitle(c: Comparison): string {
  if (c.kind === 'rater-loo') return `${c.predictionLabel} vs majority of the others`;
  return `${c.predictionLabel} vs ${c.referenceLabel}`;
}

function defaultComparison(result: CaseEvaluation): Comparison | undefined {
  return (
    result.comparisons.find((c) => c.kind === 'model-majority') ??
    result.comparisons.find((c) => c.kind === 'model-rater') ??
    result.comparisons[0]
  );
}

export function ComparisonMetrics({ result }: { result: CaseEvaluation }) {
  const convention = useEvaluationState((s) => s.settings.convention);
  const [picked, setPicked] = useState<string | null>(null);
  const chosen = result.comparisons.find((c) => comparisonKey(c) === picked) ?? defaultComparison(result);
  const conv = CONVENTION_LABELS[convention];
  const r = chosen?.results[convention];
  const reason = chosen ? emptyCaseText(chosen.emptyCase) : '';
  return (
    <section className="metrics-section" data-testid="metrics-comparison">
      <h3>Metrics ({conv})</h3>
      {result.model && !result.model.hasResult && <div className="muted small">{result.model.name}: no result on this case.</div>}
      {result.model?.hasResult && (
        <div className="muted small" data-testid="metrics-model-mask" data-threshold={result.model.threshold} data-mask={result.model.mask}>
          {result.model.name}: {result.model.mask === 'saved' ? 'the mask saved with its result, made at' : 'its map thresholded at'} p &gt;{' '}
          {result.model.threshold}
        </div>
      )}
      {result.comparisons.length === 0 ? (
        <div className="muted">Nothing to compare: no submitted annotation{result.model?.hasResult ? '' : ' and no model result'}.</div>
      ) : (
        <select
          data-testid="metrics-comparison-select"
          // The labels name the model with its threshold and can be long: keep the select inside the panel.
          style={{ maxWidth: '100%' }}
          value={chosen ? comparisonKey(chosen) : ''}
          onChange={(e) => setPicked(e.target.value)}
        >
          {result.comparisons.map((c) => (
            <option key={comparisonKey(c)} value={comparisonKey(c)}>
              {comparisonTitle(c)} ({KIND_LABEL[c.kind]})
            </option>
          ))}
        </select>
      )}
      {chosen?.perLabel && <PerLabelMetrics perLabel={chosen.perLabel} convention={convention} />}
      {chosen && r && !chosen.perLabel && (
        <table
          className="metrics-table"
          data-testid="metrics-table"
          data-comparison={comparisonKey(chosen)}
          data-convention={convention}
          data-ref-empty={chosen.emptyCase.refEmpty ? 'yes' : 'no'}
          data-pred-empty={chosen.emptyCase.predEmpty ? 'yes' : 'no'}
        >
          <tbody>
            {metricRows(convention, r).map((row) => {
              const v = row.read(r);
              const nan = typeof v === 'number' && Number.isNaN(v);
              return (
                <tr key={row.id} data-testid={`metric-${row.id}`} data-value={v === null ? 'null' : String(v)} title={row.definition}>
                  <th>{row.label}</th>
                  <td className={nan ? 'nan' : ''}>
                    {formatValue(v, row.unit)}
                    {nan && reason && <span className="muted"> ({reason})</span>}
                  </td>
                  <td className="muted">
                    {row.unit} {conv}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {chosen && reason && (
        <div className="muted small" data-testid="metrics-empty-case">
          Empty-case: {reason}
        </div>
      )}
      {result.soft && (
        <div
          className="small"
          data-testid="metric-dice-dml"
          data-value={String(result.soft.diceDml)}
          title="Dice semimetric (Wang, Popordanoska, Bertels et al.; JDTLosses): Dice_DML = (Σx + Σy − Σ|x−y|)/(Σx + Σy), x = model probabilities, y = soft reference (mean of the raters' votes). Maximal at x = y, unlike 2Σxy/(Σx+Σy)."
        >
          Model vs soft reference: Dice semimetric {formatValue(result.soft.diceDml, '')}
        </div>
      )}
    </section>
  );
}
