/**
 * The report's multi-reader multi-case section: per comparison (the model vs each other source),
 * the Obuchowski–Rockette analysis of the readers' mean acceptability scores with Hillis' ddf for
 * random readers and cases, fixed readers and fixed cases, and a planning form (MrmcPlanner.tsx);
 * then, when readers rated "made by AI?" with confidence, the AUC of identification against chance
 * (StudyAiAuc.tsx). The maths is src-shared/study/mrmc.ts, mrmcStudy.ts and mrmcSampleSize.ts.
 */
import { useState } from 'react';
import type { ResultOf } from '../../../src-shared/api/contract';
import { fix, GENERALISATIONS, Planner, pval } from './MrmcPlanner';
import { StudyAiAuc } from './StudyAiAuc';

type Mrmc = NonNullable<ResultOf<'quorum:study.report'>['mrmc']>;

/** The acceptability comparisons (model vs each other source) and the planner from one of them. */
function AcceptabilityMrmc({ mrmc, label }: { mrmc: Mrmc; label(sourceId: string): string }) {
  const planned = mrmc.comparisons.filter((c) => c.analysis !== null);
  const [planIndex, setPlanIndex] = useState(0);
  const pilot = planned[Math.min(planIndex, planned.length - 1)];
  return (
    <>
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
            effectWhat="difference in mean score"
          />
        </>
      )}
    </>
  );
}

export function StudyMrmc({ mrmc, label, reader }: { mrmc: Mrmc; label(sourceId: string): string; reader(readerId: string): string }) {
  return (
    <section data-testid="report-mrmc">
      <h4>Multi-reader multi-case analysis (Obuchowski–Rockette, Hillis ddf)</h4>
      {mrmc.comparisons.length > 0 && <AcceptabilityMrmc mrmc={mrmc} label={label} />}
      {mrmc.aiIdentificationAuc && <StudyAiAuc auc={mrmc.aiIdentificationAuc} reader={reader} />}
      <ul className="muted">
        {mrmc.methods.map((m) => (
          <li key={m}>{m}</li>
        ))}
      </ul>
    </section>
  );
}
