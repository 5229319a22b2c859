/**
 * The "made by AI?" AUC end to end in browser mode, on the demo cohort: a 4-case paired study of
 * the demo model against the rater "Dr. Anna Jansen" asking "which one was made by AI?" as a 1–5
 * confidence rating (set up through the API; the set-up screen is covered by readerStudy.spec.ts).
 * Two readers, each on their own page, rate every trial with the keys 1–5 (the radio shows the
 * key's rating) and submit. After the admin closes the study, the test downloads the answers CSV
 * from the report and recomputes from it, by brute force over every (AI-rated, human-rated) pair,
 * each reader's AUC, which the report must show, with the readers' mean and the RRFC p-value (the
 * one-sample t-test of the AUCs against ½); the ROC plot is drawn, and the planner's cases follow
 * the OR power formulas on the report's analysis.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import type { ResultOf } from '../src-shared/api/contract';
import { orCasesForPower } from '../src-shared/study/mrmcSampleSize';
import { studentTTwoSidedP } from '../src-shared/study/statistics/studentT';
import { signInAs } from './helpers/annotate';
import { openPairedStudy, STUDY_READERS } from './helpers/pairedStudy';
import { closeSpecServer, openSpecServer, type SpecServer } from './helpers/specServer';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The key each reader presses on their trial at each position (1 surely A … 5 surely B). */
const KEYS = [
  ['5', '4', '2', '1'],
  ['3', '5', '1', '4'],
] as const;

let spec: SpecServer | undefined;
test.afterAll(async () => closeSpecServer(spec?.page, spec?.server));

const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const pText = (p: number) => (p < 0.0001 ? '< 0.0001' : p.toFixed(4));

test('readers rate "made by AI?" with keys 1–5 and the report shows the AUC analysis the answers CSV gives', async ({ browser }) => {
  test.setTimeout(240_000);
  spec = await openSpecServer(browser, repoRoot);
  const { api, page, server } = spec;
  const opened = await openPairedStudy(spec, {
    title: 'Can readers tell the AI?',
    seed: 'e2e-ai-auc',
    questions: { preference: false, acceptability: false, whichIsAi: 'confidence', comment: false },
  });
  const { studyId, readerIds } = opened;
  let { admin } = opened;

  for (const [k, reader] of STUDY_READERS.entries()) {
    const rp = await browser.newPage();
    await rp.goto(server.url);
    await expect(rp.locator(`[data-testid="identity-item"][data-name="${reader}"]`)).toBeVisible();
    await signInAs(rp, reader);
    await rp.getByTestId('workspace-tab-study').click();
    await rp.getByTestId('study-start').click();
    for (let position = 0; position < 4; position++) {
      await expect(rp.getByTestId('study-trial')).toHaveAttribute('data-position', String(position));
      await expect(rp.getByTestId('study-submit')).toBeDisabled();
      const key = KEYS[k][position];
      await rp.keyboard.press(key);
      await expect(rp.getByTestId(`study-ai-rating-${key}`)).toBeChecked();
      await rp.getByTestId('study-submit').click();
    }
    await expect(rp.getByTestId('study-done')).toContainText('All 4 trials answered');
    await rp.close();
  }

  admin = await api.signInAs('Ada Admin');
  await api.call('study.close', { session: admin, studyId });
  const report = await api.call<ResultOf<'quorum:study.report'>>('study.report', { session: admin, studyId });
  await page.reload();
  await expect(page.getByTestId('signed-in')).toContainText('Ada Admin');
  await page.getByTestId('workspace-tab-study').click();
  await page.locator(`[data-testid="study-row"][data-study-id="${studyId}"]`).getByTestId('study-report-open').click();
  const section = page.getByTestId('report-ai-auc');
  await expect(section).toBeVisible();

  // The answers CSV, as an admin downloads it: one row per answer, with the sources' kinds and the rating.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('report-download-csv').click()]);
  const [header, ...rows] = readFileSync((await download.path()) ?? '', 'utf8')
    .trim()
    .split('\r\n')
    .map((l) => l.split(','));
  const col = (name: string) => header.indexOf(name);
  expect(rows).toHaveLength(8);
  // Per reader: the ratings of trials with the model on the right (B is the AI's: positives) and on the left.
  const aucs = readerIds.map((readerId) => {
    const mine = rows.filter((r) => r[col('reader_id')] === readerId);
    const rating = (r: string[]) => Number(r[col('ai_rating')]);
    const positives = mine.filter((r) => r[col('source_b_kind')] === 'model').map(rating);
    const negatives = mine.filter((r) => r[col('source_a_kind')] === 'model').map(rating);
    expect(positives.length + negatives.length).toBe(4);
    let wins = 0;
    for (const p of positives) for (const n of negatives) wins += p > n ? 1 : p === n ? 0.5 : 0;
    return wins / (positives.length * negatives.length);
  });
  for (const [r, readerId] of readerIds.entries()) {
    await expect(section.locator(`[data-testid="auc-reader"][data-reader-id="${readerId}"]`).getByTestId('auc-value')).toHaveText(
      aucs[r].toFixed(3),
    );
  }
  await expect(section.getByTestId('auc-mean').first()).toHaveText(mean(aucs).toFixed(3));

  // RRFC: the readers' AUCs against ½ by the one-sample t-test on J − 1 = 1 df.
  const sd = Math.sqrt(aucs.reduce((s, x) => s + (x - mean(aucs)) ** 2, 0) / (aucs.length - 1));
  const rrfc = section.locator('[data-testid="auc-or-row"][data-analysis="RRFC"]').getByTestId('auc-p');
  await expect(rrfc).toHaveText(sd > 0 ? pText(studentTTwoSidedP((mean(aucs) - 0.5) / (sd / Math.sqrt(2)), 1)) : 'no variability');
  const or = report.mrmc?.aiIdentificationAuc?.analysis;
  if (!or) throw new Error('no OR analysis of the AUC in the report');
  for (const key of ['RRRC', 'FRRC'] as const) {
    const t = or[key === 'RRRC' ? 'rrrc' : 'frrc'];
    await expect(section.locator(`[data-testid="auc-or-row"][data-analysis="${key}"]`).getByTestId('auc-p')).toHaveText(
      t ? pText(t.pValue) : 'no variability',
    );
  }
  await expect(section.getByTestId('report-plot-roc').locator('svg').first()).toBeVisible();
  await expect(page.getByTestId('report-mrmc')).toContainText('Hillis 2007');

  // Planning on this figure of merit: the cases the OR power formulas give for the inputs typed.
  const plan = section.getByTestId('mrmc-plan');
  await plan.getByTestId('mrmc-plan-effect').fill('0.2');
  await plan.getByTestId('mrmc-plan-readers').fill('6');
  for (const analysis of ['RRRC', 'FRRC', 'RRFC'] as const) {
    const expected = orCasesForPower({ pilot: or, readers: 6, effect: 0.2, analysis, target: 0.8 });
    await expect(plan.locator(`[data-testid="mrmc-plan-row"][data-analysis="${analysis}"]`).getByTestId('mrmc-plan-cases')).toHaveText(
      expected ? String(expected.cases) : 'not reachable with these readers: add readers',
    );
  }
  await plan.getByTestId('mrmc-plan-effect').fill('0.6');
  await expect(plan.getByTestId('mrmc-plan-error')).toHaveText('the effect must be a positive AUC above ½ of at most 0.5');
});
