/**
 * The report of a closed study: the revealed sources, preference per source pair (ties — "no
 * preference" — counted separately and left out of the rate and the test), AI identification
 * against chance, acceptability per source with the paired Wilcoxon comparison, Fleiss' kappa, all
 * per reader and pooled; the plots; the A/B mapping of every trial; and downloads of the answers
 * CSV and the configuration JSON (seed included).
 */
import { useEffect, useState } from 'react';
import type { ResultOf } from '../../../src-shared/api/contract';
import { useControllers } from '../../controllers/ControllersContext';
import { downloadText } from '../../plots/exportPlot';
import { PlotBox } from './PlotBox';
import { StudyMrmc } from './StudyMrmc';
import { acceptabilityPlot, perReaderPlot, preferencePlot, type HistogramRow, type RateRow } from './studyPlots';

type Report = ResultOf<'quorum:study.report'>;

const pct = (v: number | null) => (v === null ? '—' : `${(100 * v).toFixed(1)}%`);
const pval = (v: number | null) => (v === null ? '—' : v < 0.0001 ? '< 0.0001' : v.toFixed(4));
const num = (v: number | null, d = 2) => (v === null ? '—' : v.toFixed(d));

type AiRow = Report['analysis']['aiIdentification'][number];

/**
 * The AI-identification verdict in words. A non-significant test is never a "pass": with low power
 * it cannot tell, and with enough power it is only the absence of evidence.
 */
function verdictText(a: AiRow): string {
  const power = `power ${pct(a.power)} to detect ${pct(a.designAccuracy)} accuracy`;
  const needed = a.answersNeeded === null ? '' : `; about ${a.answersNeeded} answers give 80%`;
  switch (a.verdict) {
    case 'no-answers':
      return '—';
    case 'readers-beat-chance':
      return 'readers beat chance (they can tell the AI apart)';
    case 'readers-below-chance':
      return 'readers do worse than chance (they take one for the other)';
    case 'not-enough-answers':
      return `not enough answers to conclude (${power}${needed})`;
    case 'no-evidence':
      return `no evidence that readers beat chance, which does not show they cannot (${power}; 80% power from ${pct(a.detectableAccuracy)})`;
  }
}

export function StudyReport({ token, studyId, onClose }: { token: string; studyId: string; onClose(): void }) {
  const { study } = useControllers();
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    study.call('quorum:study.report', { session: token, studyId }).then(setReport, (e: Error) => setError(e.message));
  }, [study, token, studyId]);

  if (error) return <p className="error">{error}</p>;
  if (!report) return <p className="muted">Loading the report…</p>;
  const { summary, config, analysis, trials } = report;
  const label = new Map(config.sources.map((s) => [s.sourceId, s.label]));
  const L = (id: string | null) => (id === null ? '—' : (label.get(id) ?? id));
  const readerName = new Map(summary.readers.map((r) => [r.readerId, r.name]));
  const who = (id: string | null) => (id === null ? 'pooled' : (readerName.get(id) ?? id));
  const scopeOrder = [...config.readerIds, null];

  const prefRows: RateRow[] = analysis.preference.flatMap((p) =>
    p.firstPreferred.rate === null
      ? []
      : [
          {
            what: `prefers ${L(p.first)} over ${L(p.second)}`,
            who: who(p.readerId),
            rate: p.firstPreferred.rate,
            lo: p.firstPreferred.ciLower ?? 0,
            hi: p.firstPreferred.ciUpper ?? 1,
            n: p.firstPreferred.trials,
          },
        ],
  );
  const aiRows: RateRow[] = analysis.aiIdentification.flatMap((a) =>
    a.accuracy.rate === null
      ? []
      : [
          {
            what: a.pair ? `identifies AI: ${L(a.pair[0])} vs ${L(a.pair[1])}` : 'identifies AI (all pairs)',
            who: who(a.readerId),
            rate: a.accuracy.rate,
            lo: a.accuracy.ciLower ?? 0,
            hi: a.accuracy.ciUpper ?? 1,
            n: a.accuracy.trials,
          },
        ],
  );
  const histogram: HistogramRow[] = analysis.acceptability
    .filter((a) => a.readerId === null)
    .flatMap((a) => a.counts.map((count, k) => ({ source: L(a.sourceId), score: k + 1, count })));
  const exportFile = async (kind: 'csv' | 'json') => {
    const out = await study.call('quorum:study.export', { session: token, studyId });
    if (kind === 'csv') downloadText(out.answersCsv, `${studyId}-answers.csv`, 'text/csv');
    else downloadText(out.configJson, `${studyId}-config.json`, 'application/json');
  };

  return (
    <section className="study-report" data-testid="study-report">
      <div className="study-reader-bar">
        <button type="button" onClick={onClose} data-testid="study-report-close">
          ← Studies
        </button>
        <strong>{summary.title}</strong>
        <span className="muted">
          seed <code data-testid="report-seed">{summary.seed}</code> · {analysis.answers} answers of {analysis.trialsPlanned} trials
        </span>
        <button type="button" onClick={() => void exportFile('csv')} data-testid="report-download-csv">
          Answers CSV
        </button>
        <button type="button" onClick={() => void exportFile('json')} data-testid="report-download-config">
          Configuration JSON
        </button>
      </div>

      <h4>Sources (revealed)</h4>
      <ul>
        {config.sources.map((s) => (
          <li key={s.sourceId} data-testid="report-source" data-source-id={s.sourceId} data-kind={s.ref.kind}>
            {s.label} <span className="muted">({s.ref.kind === 'model' ? `model ${s.ref.modelId} ${s.ref.version}, AI` : s.ref.kind})</span>
          </li>
        ))}
      </ul>

      {analysis.preference.length > 0 && (
        <>
          <h4>Preference</h4>
          <table className="study-table">
            <thead>
              <tr>
                <th>reader</th>
                <th>pair (first vs second)</th>
                <th>prefer first</th>
                <th>prefer second</th>
                <th>no preference</th>
                <th>first preferred</th>
                <th>95% CI</th>
                <th>p (exact binomial vs 0.5)</th>
              </tr>
            </thead>
            <tbody>
              {scopeOrder.flatMap((r) =>
                analysis.preference
                  .filter((p) => p.readerId === r)
                  .map((p) => (
                    <tr
                      key={`${r}-${p.first}-${p.second}`}
                      data-testid="report-pref"
                      data-reader={who(r)}
                      data-first={p.first}
                      data-second={p.second}
                    >
                      <td>{who(r)}</td>
                      <td>
                        {L(p.first)} vs {L(p.second)}
                      </td>
                      <td data-testid="prefer-first">{p.preferFirst}</td>
                      <td data-testid="prefer-second">{p.preferSecond}</td>
                      <td data-testid="no-preference">{p.noPreference}</td>
                      <td>{pct(p.firstPreferred.rate)}</td>
                      <td>
                        {pct(p.firstPreferred.ciLower)} – {pct(p.firstPreferred.ciUpper)}
                      </td>
                      <td>{pval(p.firstPreferred.pValue)}</td>
                    </tr>
                  )),
              )}
            </tbody>
          </table>
          <p className="muted">
            Ties: “no preference” answers are reported separately and excluded from the rate and from the binomial test.
          </p>
          {prefRows.some((r) => r.who === 'pooled') && (
            <PlotBox testId="report-plot-preference" make={() => preferencePlot(prefRows.filter((r) => r.who === 'pooled'))} />
          )}
        </>
      )}

      {analysis.aiIdentification.length > 0 && (
        <>
          <h4>AI identification</h4>
          <table className="study-table">
            <thead>
              <tr>
                <th>reader</th>
                <th>trials</th>
                <th>correct</th>
                <th>accuracy</th>
                <th>95% CI</th>
                <th>chance</th>
                <th>p</th>
                <th>verdict (α = 0.05)</th>
              </tr>
            </thead>
            <tbody>
              {scopeOrder.flatMap((r) =>
                analysis.aiIdentification
                  .filter((a) => a.readerId === r)
                  .map((a) => (
                    <tr key={`${r}-${a.pair?.join('-') ?? 'all'}`} data-testid="report-ai" data-reader={who(r)}>
                      <td>
                        {who(r)}
                        {a.pair ? '' : ' (all pairs)'}
                      </td>
                      <td data-testid="ai-trials">{a.accuracy.trials}</td>
                      <td data-testid="ai-correct">{a.accuracy.successes}</td>
                      <td>{pct(a.accuracy.rate)}</td>
                      <td>
                        {pct(a.accuracy.ciLower)} – {pct(a.accuracy.ciUpper)}
                      </td>
                      <td>{pct(a.accuracy.nullRate)}</td>
                      <td>{pval(a.accuracy.pValue)}</td>
                      <td data-testid="ai-verdict" data-verdict={a.verdict}>
                        {verdictText(a)}
                      </td>
                    </tr>
                  )),
              )}
            </tbody>
          </table>
        </>
      )}

      {analysis.acceptability.length > 0 && (
        <>
          <h4>Acceptability</h4>
          <table className="study-table">
            <thead>
              <tr>
                <th>reader</th>
                <th>source</th>
                <th>1</th>
                <th>2</th>
                <th>3</th>
                <th>4</th>
                <th>5</th>
                <th>n</th>
                <th>mean</th>
                <th>median</th>
              </tr>
            </thead>
            <tbody>
              {scopeOrder.flatMap((r) =>
                analysis.acceptability
                  .filter((a) => a.readerId === r)
                  .map((a) => (
                    <tr key={`${r}-${a.sourceId}`} data-testid="report-acceptability" data-reader={who(r)} data-source-id={a.sourceId}>
                      <td>{who(r)}</td>
                      <td>{L(a.sourceId)}</td>
                      {a.counts.map((c, k) => (
                        <td key={k}>{c}</td>
                      ))}
                      <td>{a.n}</td>
                      <td>{num(a.mean)}</td>
                      <td>{num(a.median, 1)}</td>
                    </tr>
                  )),
              )}
            </tbody>
          </table>
          <table className="study-table">
            <thead>
              <tr>
                <th>reader</th>
                <th>comparison</th>
                <th>pairs</th>
                <th>zeros dropped</th>
                <th>V</th>
                <th>method</th>
                <th>p (Wilcoxon signed-rank)</th>
              </tr>
            </thead>
            <tbody>
              {scopeOrder.flatMap((r) =>
                analysis.acceptabilityComparisons
                  .filter((c) => c.readerId === r)
                  .map((c) => (
                    <tr key={`${r}-${c.first}-${c.second}`} data-testid="report-wilcoxon" data-reader={who(r)}>
                      <td>{who(r)}</td>
                      <td>
                        {L(c.first)} vs {L(c.second)}
                      </td>
                      <td>{c.wilcoxon?.pairs ?? 0}</td>
                      <td>{c.wilcoxon?.zeros ?? '—'}</td>
                      <td>{c.wilcoxon ? num(c.wilcoxon.statistic, 1) : '—'}</td>
                      <td>{c.wilcoxon?.method ?? '—'}</td>
                      <td>{pval(c.wilcoxon?.pValue ?? null)}</td>
                    </tr>
                  )),
              )}
            </tbody>
          </table>
          <PlotBox testId="report-plot-acceptability" make={() => acceptabilityPlot(histogram)} />
        </>
      )}

      {analysis.agreement.length > 0 && (
        <>
          <h4>Agreement between readers (Fleiss’ kappa on preferences)</h4>
          <ul>
            {analysis.agreement.map((a) => (
              <li key={`${a.first}-${a.second}`} data-testid="report-kappa">
                {L(a.first)} vs {L(a.second)}: κ = {num(a.fleiss?.kappa ?? null, 3)}{' '}
                {a.fleiss ? `(${a.fleiss.subjects} cases, ${a.fleiss.ratings} ratings)` : ''} {a.note ?? ''}
              </li>
            ))}
          </ul>
        </>
      )}

      {[...prefRows, ...aiRows].length > 0 && (
        <>
          <h4>Per reader</h4>
          <PlotBox testId="report-plot-readers" make={() => perReaderPlot([...prefRows, ...aiRows])} />
        </>
      )}

      {report.mrmc && <StudyMrmc mrmc={report.mrmc} label={L} reader={who} />}

      <h4>Methods</h4>
      <ul className="muted">
        {analysis.methods.map((m) => (
          <li key={m}>{m}</li>
        ))}
      </ul>

      <details>
        <summary>Trials and the A/B mapping ({trials.length})</summary>
        <table className="study-table">
          <thead>
            <tr>
              <th>reader</th>
              <th>#</th>
              <th>trial</th>
              <th>A</th>
              <th>B</th>
            </tr>
          </thead>
          <tbody>
            {trials.map((t) => (
              <tr
                key={t.trialId}
                data-testid="report-mapping"
                data-trial-id={t.trialId}
                data-source-a={t.sourceA}
                data-source-b={t.sourceB ?? ''}
              >
                <td>{who(t.readerId)}</td>
                <td>{t.position + 1}</td>
                <td>
                  <code>{t.trialId}</code>
                </td>
                <td>{L(t.sourceA)}</td>
                <td>{L(t.sourceB)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}
