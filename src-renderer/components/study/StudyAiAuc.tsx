/**
 * The report's "made by AI?" AUC: each reader's empirical ROC area of telling the AI contour from
 * the human one, from their 1–5 confidence ratings, with their ROC curves; the readers' mean AUC
 * against chance (½) by the single-treatment Obuchowski–Rockette analysis, for random readers and
 * cases, fixed readers and fixed cases; and the planner for a next study on this figure of merit.
 * The analysis compares the AUC with ½, so its difference and interval are shifted back by ½ here.
 */
import type { ResultOf } from '../../../src-shared/api/contract';
import { fix, GENERALISATIONS, Planner, pval } from './MrmcPlanner';
import { PlotBox } from './PlotBox';
import { rocPlot } from './studyPlots';

type AiAuc = NonNullable<NonNullable<ResultOf<'quorum:study.report'>['mrmc']>['aiIdentificationAuc']>;

export function StudyAiAuc({ auc, reader }: { auc: AiAuc; reader(readerId: string): string }) {
  const or = auc.analysis;
  const size = `${auc.readerIds.length} × ${auc.caseIds.length}${auc.casesLeftOut > 0 ? ` (${auc.casesLeftOut} cases left out)` : ''}`;
  const rocRows = auc.readers.flatMap((r) => r.roc.map((p) => ({ who: `${reader(r.readerId)} (AUC ${fix(r.auc, 3)})`, ...p })));
  return (
    <div data-testid="report-ai-auc">
      <h5>“Made by AI?” identification: ROC AUC against chance</h5>
      <p className="muted">
        Each reader’s empirical (Wilcoxon) AUC from their confidence ratings: 1 means they always rated the AI contour above the human one,
        ½ is chance. Readers × cases: {size}.
      </p>
      <table className="study-table">
        <thead>
          <tr>
            <th>reader</th>
            <th>AI contours rated</th>
            <th>human contours rated</th>
            <th>AUC</th>
          </tr>
        </thead>
        <tbody>
          {auc.readers.map((r) => (
            <tr key={r.readerId} data-testid="auc-reader" data-reader-id={r.readerId}>
              <td>{reader(r.readerId)}</td>
              <td>{r.aiRated}</td>
              <td>{r.humanRated}</td>
              <td data-testid="auc-value">{fix(r.auc, 3)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {or === null ? (
        <p className="muted" data-testid="auc-note">
          No MRMC analysis: {auc.note}
        </p>
      ) : (
        <>
          <table className="study-table">
            <thead>
              <tr>
                <th>mean AUC</th>
                <th>analysis</th>
                <th>F</th>
                <th>ddf</th>
                <th>p (AUC = ½)</th>
                <th>95% CI of the AUC</th>
              </tr>
            </thead>
            <tbody>
              {GENERALISATIONS.map((g, i) => {
                const t = or[g.field];
                return (
                  <tr key={g.key} data-testid="auc-or-row" data-analysis={g.key}>
                    <td data-testid="auc-mean">{i === 0 ? fix(or.means[0], 3) : ''}</td>
                    <td>
                      {g.key} <span className="muted">({g.what})</span>
                    </td>
                    <td>{fix(t?.f, 2)}</td>
                    <td>{t ? (t.ddf === null ? '∞ (χ²)' : fix(t.ddf, 2)) : '—'}</td>
                    <td data-testid="auc-p">{t ? pval(t.pValue) : 'no variability'}</td>
                    <td data-testid="auc-ci">{t ? `${fix(0.5 + t.ciLower, 3)} – ${fix(0.5 + t.ciUpper, 3)}` : '—'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <Planner pilot={or} label="AUC against chance" effectWhat="AUC above ½" maxEffect={0.5} />
        </>
      )}
      {rocRows.length > 0 && <PlotBox testId="report-plot-roc" make={() => rocPlot(rocRows)} />}
    </div>
  );
}
