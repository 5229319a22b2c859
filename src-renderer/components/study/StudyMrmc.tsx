/**
 * The report's multi-reader multi-case section: per comparison (the model vs each other source),
 * the Obuchowski–Rockette analysis of the readers' mean acceptability scores with Hillis' ddf for
 * random readers and cases, fixed readers and fixed cases; and a planning form that turns this
 * study's variance components into the cases a next study needs for a chosen effect and readers.
 * The maths is src-shared/study/mrmc.ts and mrmcSampleSize.ts; the planning is quick (a few hundred
 * incomplete-beta evaluations), so it runs as the admin types.
 */
import { useState } from 'react';
import type { ResultOf } from '../../../src-shared/api/contract';
import { type MrmcGeneralisation, orCasesForPower } from '../../../src-shared/study/mrmcSampleSize';

type Mrmc = NonNullable<ResultOf<'quorum:study.report'>['mrmc']>;
type Comparison = Mrmc['comparisons'][number];
type OrAnalysisWire = NonNullable<Comparison['analysis']>;

const GENERALISATIONS: ReadonlyArray<{ key: MrmcGeneralisation; field: 'rrrc' | 'frrc' | 'rrfc'; what: string }> = [
  { key: 'RRRC', field: 'rrrc', what: 'random readers, random cases' },
  { key: 'FRRC', field: 'frrc', what: 'these readers, random cases' },
  { key: 'RRFC', field: 'rrfc', what: 'random readers, these cases' },
];

/** Reader counts for the readers × cases trade-off under the planning form. */
const GRID_READERS = [3, 4, 5, 6, 8, 10, 12, 15, 20];

const fix = (v: number | null | undefined, d: number) => (v === null || v === undefined ? '—' : v.toFixed(d));
const pval = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v < 0.0001 ? '< 0.0001' : v.toFixed(4));

function Planner({ pilot, label }: { pilot: OrAnalysisWire; label: string }) {
  // Starts at the observed difference (at least 0.1), as RJafroc's planning defaults to the pilot's effect.
  const [effect, setEffect] = useState(() => Math.max(0.1, Math.round(Math.abs(pilot.difference) * 100) / 100).toString());
  const [readers, setReaders] = useState(pilot.readers.toString());
  const [target, setTarget] = useState('0.8');
  const d = Number(effect);
  const j = Number(readers);
  const p = Number(target);
  const problem = !(Number.isFinite(d) && d > 0)
    ? 'the effect must be a positive difference in mean score'
    : !(Number.isInteger(j) && j >= 2 && j <= 1000)
      ? 'readers must be a whole number from 2 to 1000'
      : !(p > 0.05 && p < 1)
        ? 'the power must be between 0.05 and 1'
        : null;
  return (
    <div className="study-mrmc-plan" data-testid="mrmc-plan">
      <h5>Plan the next study ({label})</h5>
      <label>
        Effect to detect (difference in mean score){' '}
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

export function StudyMrmc({ mrmc, label }: { mrmc: Mrmc; label(sourceId: string): string }) {
  const planned = mrmc.comparisons.filter((c) => c.analysis !== null);
  const [planIndex, setPlanIndex] = useState(0);
  const pilot = planned[Math.min(planIndex, planned.length - 1)];
  return (
    <section data-testid="report-mrmc">
      <h4>Multi-reader multi-case analysis (Obuchowski–Rockette, Hillis ddf)</h4>
      <p className="muted">
        Figure of merit: each reader’s {mrmc.figureOfMerit}. Readers and cases are both treated as samples, unlike the pooled tests above.
      </p>
      <table className="study-table">
        <thead>
          <tr>
            <th>comparison (first − second)</th>
            <th>readers × cases</th>
            <th>mean first</th>
            <th>mean second</th>
            <th>difference</th>
            <th>analysis</th>
            <th>F</th>
            <th>ddf</th>
            <th>p</th>
            <th>95% CI of the difference</th>
          </tr>
        </thead>
        <tbody>
          {mrmc.comparisons.flatMap((c) => {
            const name = `${label(c.first)} − ${label(c.second)}`;
            const size = `${c.readerIds.length} × ${c.caseIds.length}${c.casesLeftOut > 0 ? ` (${c.casesLeftOut} cases left out)` : ''}`;
            const or = c.analysis;
            if (or === null) {
              return [
                <tr key={`${c.first}-${c.second}`} data-testid="mrmc-row" data-first={c.first} data-second={c.second}>
                  <td>{name}</td>
                  <td>{size}</td>
                  <td colSpan={8}>{c.note}</td>
                </tr>,
              ];
            }
            return GENERALISATIONS.map((g, i) => {
              const t = or[g.field];
              return (
                <tr
                  key={`${c.first}-${c.second}-${g.key}`}
                  data-testid="mrmc-row"
                  data-first={c.first}
                  data-second={c.second}
                  data-analysis={g.key}
                >
                  <td>{i === 0 ? name : ''}</td>
                  <td>{i === 0 ? size : ''}</td>
                  <td>{i === 0 ? fix(or.means[0], 2) : ''}</td>
                  <td>{i === 0 ? fix(or.means[1], 2) : ''}</td>
                  <td data-testid="mrmc-difference">{i === 0 ? fix(or.difference, 3) : ''}</td>
                  <td>
                    {g.key} <span className="muted">({g.what})</span>
                  </td>
                  <td>{fix(t?.f, 2)}</td>
                  <td>{t ? (t.ddf === null ? '∞ (χ²)' : fix(t.ddf, 2)) : '—'}</td>
                  <td data-testid="mrmc-p">{t ? pval(t.pValue) : 'no variability'}</td>
                  <td>{t ? `${fix(t.ciLower, 3)} – ${fix(t.ciUpper, 3)}` : '—'}</td>
                </tr>
              );
            });
          })}
        </tbody>
      </table>
      {pilot?.analysis && (
        <>
          {planned.length > 1 && (
            <label>
              Plan from{' '}
              <select value={planIndex} onChange={(e) => setPlanIndex(Number(e.target.value))} data-testid="mrmc-plan-comparison">
                {planned.map((c, i) => (
                  <option key={`${c.first}-${c.second}`} value={i}>
                    {label(c.first)} vs {label(c.second)}
                  </option>
                ))}
              </select>
            </label>
          )}
          <Planner
            key={`${pilot.first}-${pilot.second}`}
            pilot={pilot.analysis}
            label={`${label(pilot.first)} vs ${label(pilot.second)}`}
          />
        </>
      )}
      <ul className="muted">
        {mrmc.methods.map((m) => (
          <li key={m}>{m}</li>
        ))}
      </ul>
    </section>
  );
}
