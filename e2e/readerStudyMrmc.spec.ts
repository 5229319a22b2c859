/**
 * The report's multi-reader multi-case section in browser mode, on the demo cohort: a 4-case
 * acceptability study of the demo model against the rater "Dr. Anna Jansen", set up and answered by
 * two readers through the API (the reading UI is covered by readerStudy.spec.ts); then the admin
 * opens the report, which shows the OR analysis (RRRC, FRRC, RRFC) with the difference in mean score
 * derived here from the scores given and the revealed mapping, and the planning form, whose cases
 * needed follow the admin's effect and readers and which refuses an effect of 0 with a message.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import type { ResultOf } from '../src-shared/api/contract';
import type { ReaderTrialPayload } from '../src-shared/api/studyChannels';
import { orCasesForPower } from '../src-shared/study/mrmcSampleSize';
import { openPairedStudy, STUDY_READERS } from './helpers/pairedStudy';
import { closeSpecServer, openSpecServer, type SpecServer } from './helpers/specServer';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The scores reader k gives labels A and B on their trial at `position`: varied, so cases differ. */
const scoresOf = (k: number, position: number) => ({ A: 1 + ((2 * k + position) % 5), B: 5 - ((k + 2 * position) % 4) });

let spec: SpecServer | undefined;
test.afterAll(async () => closeSpecServer(spec?.page, spec?.server));

test('the report shows the OR analysis of acceptability and plans the next study from it', async ({ browser }) => {
  test.setTimeout(180_000);
  spec = await openSpecServer(browser, repoRoot);
  const { api, page } = spec;
  const opened = await openPairedStudy(spec, {
    title: 'Outline acceptability',
    seed: 'e2e-mrmc',
    questions: { preference: false, acceptability: true, whichIsAi: false, comment: false },
  });
  const { studyId, sourceIds } = opened;
  let { admin } = opened;

  const given: Array<{ trialId: string; A: number; B: number }> = [];
  for (const [k, name] of STUDY_READERS.entries()) {
    const session = await api.signInAs(name);
    for (let position = 0; ; position++) {
      const p = await api.call<ReaderTrialPayload>('study.next', { session, studyId });
      if (p.trial === null) break;
      const scores = scoresOf(k, position);
      given.push({ trialId: p.trial.trialId, ...scores });
      await api.call('study.answer', { session, studyId, answer: { trialId: p.trial.trialId, acceptability: scores } });
    }
  }
  expect(given).toHaveLength(8);
  await api.call('study.close', { session: admin, studyId });

  // The expected difference, from the scores given and the revealed mapping: each reader read every
  // case once, so the difference of the readers' mean scores is the difference of all scores' means.
  const report = await api.call<ResultOf<'quorum:study.report'>>('study.report', { session: admin, studyId });
  const modelId = sourceIds.model;
  const byTrial = new Map(report.trials.map((t) => [t.trialId, t]));
  const scoreOf = (g: (typeof given)[number], isModel: boolean) => ((byTrial.get(g.trialId)?.sourceA === modelId) === isModel ? g.A : g.B);
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const difference = mean(given.map((g) => scoreOf(g, true))) - mean(given.map((g) => scoreOf(g, false)));

  // A reload keeps the tab's sign-in (issue 11, item 4), and re-opening the project signs nobody out.
  await page.reload();
  await expect(page.getByTestId('signed-in')).toContainText('Ada Admin');
  admin = await api.signInAs('Ada Admin');
  await page.getByTestId('workspace-tab-study').click();
  const row = page.locator(`[data-testid="study-row"][data-study-id="${studyId}"]`);
  await expect(row).toHaveAttribute('data-state', 'closed');
  await row.getByTestId('study-report-open').click();

  const section = page.getByTestId('report-mrmc');
  await expect(section).toContainText('Obuchowski–Rockette');
  const rows = section.locator(`[data-testid="mrmc-row"][data-first="${modelId}"][data-second="${sourceIds.rater}"]`);
  await expect(rows).toHaveCount(3);
  await expect(rows.first().getByTestId('mrmc-difference')).toHaveText(difference.toFixed(3));
  const or = report.mrmc?.comparisons[0].analysis;
  if (!or) throw new Error('no OR analysis in the report');
  for (const key of ['RRRC', 'FRRC', 'RRFC'] as const) {
    const t = or[key.toLowerCase() as 'rrrc' | 'frrc' | 'rrfc'];
    await expect(section.locator(`[data-testid="mrmc-row"][data-analysis="${key}"]`).getByTestId('mrmc-p')).toHaveText(
      t ? (t.pValue < 0.0001 ? '< 0.0001' : t.pValue.toFixed(4)) : 'no variability',
    );
  }

  // Planning: the cases needed are those the OR power formulas give for the inputs typed.
  const plan = page.getByTestId('mrmc-plan');
  const casesShown = async (effect: string, readers: string) => {
    await plan.getByTestId('mrmc-plan-effect').fill(effect);
    await plan.getByTestId('mrmc-plan-readers').fill(readers);
    for (const analysis of ['RRRC', 'FRRC', 'RRFC'] as const) {
      const expected = orCasesForPower({ pilot: or, readers: Number(readers), effect: Number(effect), analysis, target: 0.8 });
      await expect(plan.locator(`[data-testid="mrmc-plan-row"][data-analysis="${analysis}"]`).getByTestId('mrmc-plan-cases')).toHaveText(
        expected ? String(expected.cases) : 'not reachable with these readers: add readers',
      );
    }
  };
  await casesShown('0.5', '6');
  // The readers × cases trade-off for the same effect and power, under random readers and cases.
  for (const readers of [3, 10, 20]) {
    const expected = orCasesForPower({ pilot: or, readers, effect: 0.5, analysis: 'RRRC', target: 0.8 });
    await expect(plan.locator(`[data-testid="mrmc-grid-cases"][data-readers="${readers}"]`)).toHaveText(
      expected ? String(expected.cases) : '—',
    );
  }
  await casesShown('1', '10');
  await plan.getByTestId('mrmc-plan-effect').fill('0');
  await expect(plan.getByTestId('mrmc-plan-error')).toHaveText('the effect must be a positive difference in mean score');
  await expect(plan.getByTestId('mrmc-plan-row')).toHaveCount(0);
});
