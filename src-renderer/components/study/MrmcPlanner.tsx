/**
 * Planning the next study from a closed one's OR variance components (mrmcSampleSize.ts): the cases
 * needed under each analysis for the effect, readers and power the admin types, and the readers ×
 * cases trade-off under RRRC. It serves every figure of merit the report analyses (mean
 * acceptability difference, AUC above chance); the planning is quick (a few hundred
 * incomplete-beta evaluations), so it runs as the admin types.
 */
import { useState } from 'react';
import type { OrAnalysis } from '../../../src-shared/study/mrmc';
import { type MrmcGeneralisation, orCasesForPower } from '../../../src-shared/study/mrmcSampleSize';

interface PlannerProps {
  readonly pilot: OrAnalysis;
  /** The comparison planned, e.g. "Demo model vs Dr. A". */
  readonly label: string;
  /** What the effect is, e.g. "difference in mean score". */
  readonly effectWhat: string;
  /** The largest meaningful effect (an AUC cannot exceed ½ above chance). */
  readonly maxEffect?: number;
}

export const GENERALISATIONS: ReadonlyArray<{ key: MrmcGeneralisation; field: 'rrrc' | 'frrc' | 'rrfc'; what: string }> = [
  { key: 'RRRC', field: 'rrrc', what: 'random readers, random cases' },
  { key: 'FRRC', field: 'frrc', what: 'these readers, random cases' },
  { key: 'RRFC', field: 'rrfc', what: 'random readers, these cases' },
];

/** Reader counts for the readers × cases trade-off under the planning form. */
const GRID_READERS = [3, 4, 5, 6, 8, 10, 12, 15, 20];

export const fix = (v: number | null | undefined, d: number) => (v === null || v === undefined ? '—' : v.toFixed(d));
export const pval = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v < 0.0001 ? '< 0.0001' : v.toFixed(4));

export function Planner({ pilot, label, effectWhat, maxEffect = Infinity }: PlannerProps) {
  // Starts at the observed difference (at least 0.1), as RJafroc's planning defaults to the pilot's effect.
  const [effect, setEffect] = useState(() => Math.max(0.1, Math.round(Math.abs(pilot.difference) * 100) / 100).toString());
  const [readers, setReaders] = useState(pilot.readers.toString());
  const [target, setTarget] = useState('0.8');
  const d = Number(effect);
  const j = Number(readers);
  const p = Number(target);
  const problem = !(Number.isFinite(d) && d > 0 && d <= maxEffect)
    ? `the effect must be a positive ${effectWhat}${Number.isFinite(maxEffect) ? ` of at most ${maxEffect}` : ''}`
    : !(Number.isInteger(j) && j >= 2 && j <= 1000)
      ? 'readers must be a whole number from 2 to 1000'
      : !(p > 0.05 && p < 1)
        ? 'the power must be between 0.05 and 1'
        : null;
  return (
    <div className="study-mrmc-plan" data-testid="mrmc-plan">
      <h5>Plan the next study ({label})</h5>
      <label>
        Effect to detect ({effectWhat}){' '}
        <input
          type="number"
          step="0.05"
          min="0"
          value={effect}
          onChange={(e) => setEffect(e.target.value)}
          data-testid="mrmc-plan-effect"
        />
      </label>{' '}
      <label>
        Readers <input type="number" min="2" value={readers} onChange={(e) => setReaders(e.target.value)} data-testid="mrmc-plan-readers" />
      </label>{' '}
      <label>
        Power{' '}
        <input
          type="number"
          step="0.05"
          min="0.1"
          max="0.99"
          value={target}
          onChange={(e) => setTarget(e.target.value)}
          data-testid="mrmc-plan-power"
        />
      </label>
      {problem ? (
        <p className="error" data-testid="mrmc-plan-error">
          {problem}
        </p>
      ) : (
        <table className="study-table">
          <thead>
            <tr>
              <th>generalises to</th>
              <th>cases needed</th>
              <th>power reached</th>
            </tr>
          </thead>
          <tbody>
            {GENERALISATIONS.map((g) => {
              const plan = orCasesForPower({ pilot, readers: j, effect: d, analysis: g.key, target: p });
              return (
                <tr key={g.key} data-testid="mrmc-plan-row" data-analysis={g.key}>
                  <td>
                    {g.key} ({g.what})
                  </td>
                  <td data-testid="mrmc-plan-cases">{plan ? plan.cases : 'not reachable with these readers: add readers'}</td>
                  <td>{plan ? `${(100 * plan.power).toFixed(1)}%` : '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {!problem && (
        <table className="study-table" data-testid="mrmc-plan-grid">
          <tbody>
            <tr>
              <th>readers</th>
              {GRID_READERS.map((r) => (
                <td key={r}>{r}</td>
              ))}
            </tr>
            <tr>
              <th>cases needed (RRRC)</th>
              {GRID_READERS.map((r) => (
                <td key={r} data-testid="mrmc-grid-cases" data-readers={r}>
                  {orCasesForPower({ pilot, readers: r, effect: d, analysis: 'RRRC', target: p })?.cases ?? '—'}
                </td>
              ))}
            </tr>
          </tbody>
        </table>
      )}
      <p className="muted">
        From this study’s {pilot.cases} cases and its OR variance components; two-sided α = 0.05 (Hillis, Obuchowski &amp; Berbaum 2011).
        “—”: not reachable with that many readers, however many cases.
      </p>
    </div>
  );
}
