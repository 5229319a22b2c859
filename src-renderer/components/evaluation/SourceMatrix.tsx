/**
 * The source-comparison matrix: pairwise Dice (or the convention's surface measure at its first
 * tolerance) between the model and every rater, as a table whose cells are coloured on a fixed
 * 0–1 viridis scale, plus one line saying whether the model's agreement lies inside the raters' spread.
 * NaN cells stay "NaN" and uncoloured; ISLES'22 has no surface measure, so its NSD cells read n/a.
 * Under a table with several certain labels the cells are the picked label's, or the mean over labels.
 */
import type { CaseEvaluation, Comparison, ConventionName, ConventionResult } from '../../../src-shared/evaluation/types';
import { CONVENTION_LABELS, formatValue } from '../../../src-shared/evaluation/metricCatalog';
import { useControllers } from '../../controllers/ControllersContext';
import type { LabelChoice } from '../../state/evaluationState';
import { useEvaluationState } from './useEvaluationState';
import { useShownLabels } from './EvaluationLabelPicker';

interface Source {
  readonly id: string;
  readonly label: string;
}

/** The pair's result: binary, one label's, or (label 'all') the mean over labels. */
function resultOf(c: Comparison | undefined, conv: ConventionName, label: LabelChoice | null): ConventionResult | undefined {
  if (label === null) return c?.results[conv];
  // The mean has every metric key of a result (labels.ts: meanOverLabels), which is all pairValue reads.
  if (label === 'all') return c?.perLabel?.label_mean[conv] as unknown as ConventionResult | undefined;
  return c?.perLabel?.labels[String(label)]?.[conv];
}

function pairValue(
  cs: readonly Comparison[],
  a: string,
  b: string,
  conv: ConventionName,
  metric: 'dice' | 'nsd',
  label: LabelChoice | null,
): number | null {
  const c = cs.find(
    (x) =>
      (x.kind === 'model-rater' || x.kind === 'rater-rater') &&
      ((x.referenceId === a && x.predictionId === b) || (x.referenceId === b && x.predictionId === a)),
  );
  const r = resultOf(c, conv, label);
  if (!r) return null;
  if (metric === 'dice') return r.dice;
  const sd = r.surface_dice;
  if (!sd) return null;
  const first = Object.keys(sd).sort((x, y) => Number(x) - Number(y))[0];
  return first === undefined ? null : (sd[first] ?? null);
}

/** Viridis stops at 0, ¼, ½, ¾, 1 (perceptually ordered, readable for colour-blind users), linear between them. */
const VIRIDIS: ReadonlyArray<readonly [number, number, number]> = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

function cellColour(v: number): string {
  const t = Math.min(1, Math.max(0, v)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(t));
  const f = t - i;
  const c = VIRIDIS[i].map((a, k) => Math.round(a + (VIRIDIS[i + 1][k] - a) * f));
  return `rgb(${c.join(',')})`;
}

function range(values: number[]): string {
  const ok = values.filter((v) => Number.isFinite(v));
  if (ok.length === 0) return 'none';
  return `${Math.min(...ok).toFixed(3)}–${Math.max(...ok).toFixed(3)}`;
}

export function SourceMatrix({ result }: { result: CaseEvaluation }) {
  const { evaluation } = useControllers();
  const conv = useEvaluationState((s) => s.settings.convention);
  const metric = useEvaluationState((s) => s.settings.matrixMetric);
  const shown = useShownLabels(result);
  const label = shown?.choice ?? null;
  const labelWords =
    label === null ? '' : label === 'all' ? ', mean over labels' : `, ${shown?.entries.find((e) => e.value === label)?.name ?? label}`;
  const sources: Source[] = [
    ...(result.model?.hasResult ? [{ id: result.model.id, label: 'model' }] : []),
    ...result.raters.map((r) => ({ id: r.id, label: r.name })),
  ];
  if (sources.length < 2) return null;
  const cs = result.comparisons;
  const modelRater = result.model?.hasResult
    ? result.raters.map((r) => pairValue(cs, result.model?.id ?? '', r.id, conv, metric, label) ?? NaN)
    : [];
  const raterRater: number[] = [];
  for (let a = 0; a < result.raters.length; a++)
    for (let b = a + 1; b < result.raters.length; b++)
      raterRater.push(pairValue(cs, result.raters[a].id, result.raters[b].id, conv, metric, label) ?? NaN);
  const measure = metric === 'dice' ? 'Dice' : conv === 'use' ? 'surface Dice' : 'NSD';
  return (
    <section className="metrics-section" data-testid="source-matrix">
      <h3>
        Pairwise{' '}
        <select
          data-testid="matrix-metric"
          value={metric}
          onChange={(e) => evaluation.changeSettings({ matrixMetric: e.target.value === 'nsd' ? 'nsd' : 'dice' })}
        >
          <option value="dice">Dice</option>
          <option value="nsd">surface Dice / NSD (first τ)</option>
        </select>{' '}
        <span className="muted" data-testid="matrix-label">
          ({CONVENTION_LABELS[conv]}
          {labelWords})
        </span>
      </h3>
      <table className="matrix-table">
        <thead>
          <tr>
            <th />
            {sources.map((s) => (
              <th key={s.id} title={s.label}>
                {s.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {sources.map((row) => (
            <tr key={row.id}>
              <th title={row.label}>{row.label}</th>
              {sources.map((col) => {
                if (col.id === row.id) return <td key={col.id} className="diag" />;
                const v = pairValue(cs, row.id, col.id, conv, metric, label);
                const finite = v !== null && Number.isFinite(v);
                return (
                  <td
                    key={col.id}
                    data-testid="matrix-cell"
                    data-value={v === null ? 'null' : String(v)}
                    style={finite ? { background: cellColour(v), color: v > 0.6 ? '#111' : '#eee' } : undefined}
                    title={`${measure} ${row.label} vs ${col.label} (${CONVENTION_LABELS[conv]}${labelWords})`}
                  >
                    {formatValue(v, '')}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      {modelRater.length > 0 && raterRater.length > 0 && (
        <div className="small" data-testid="matrix-spread">
          model–rater {measure} {range(modelRater)}; rater–rater {range(raterRater)}
        </div>
      )}
    </section>
  );
}
