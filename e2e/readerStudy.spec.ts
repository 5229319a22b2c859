/**
 * A Turing-style reader study end to end in browser mode, on the demo project's cohort (E's
 * synthetic-lesion DWI cases with the synthetic rater "Dr. Anna Jansen" and the demo model's real
 * results), with a server of its own so the first identity, the admin, is ours:
 * - the admin's set-up is refused while it includes a case without the sources, listing both
 *   missing (case, source) pairs; then a 4-case study comparing the demo model with the rater,
 *   two readers, every question, is created (seed hidden until closed) and opened;
 * - each reader signs in on their own page and answers 4 trials: overlays A and B are drawn as
 *   outlines in one colour on equal-size panes, progress reads "n / 4";
 * - every API response a reader's page receives is scanned with findLeaks: study responses for
 *   provenance fields and identifiers, the others for names, ids and hashes, except the two
 *   session-less catalogues every page loads (the sign-in picker and the installed models);
 * - the admin closes the study after a confirmation (cancelling first leaves it open); the report's preference and AI-identification counts, per reader
 *   and pooled, equal those derived from the answers the test gave through the revealed mapping;
 *   the answers CSV downloads with 8 rows.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page, type Response } from '@playwright/test';
import { findLeaks, studyIdentifiers } from '../src-shared/study/blinding';
import type { StudyConfig } from '../src-shared/study/design';
import { signInAs } from './helpers/annotate';
import { answerOf } from './helpers/apiAnswer';
import { closeSpecServer, openSpecServer } from './helpers/specServer';
import type { ProjectApi } from './helpers/projectApi';
import type { RunningServer } from './helpers/startServer';

test.describe.configure({ mode: 'serial' });

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RATER = 'Dr. Anna Jansen';
const READERS = ['Reader One', 'Reader Two'] as const;
const SEED = 'e2e-reader-study';

type Label = 'A' | 'B';
interface Given {
  reader: string;
  trialId: string;
  preference: Label | 'none';
  aiChoice: Label;
}

/** Reader One: always A, scores A 4 and B 2, names A as AI. Reader Two: B, B, none, A by position, scores A 3 and B 5, names B. */
function policy(reader: string, position: number): { preference: Label | 'none'; accA: number; accB: number; ai: Label } {
  if (reader === READERS[0]) return { preference: 'A', accA: 4, accB: 2, ai: 'A' };
  return { preference: (['B', 'B', 'none', 'A'] as const)[position], accA: 3, accB: 5, ai: 'B' };
}

let server: RunningServer;
let api: ProjectApi;
let admin: Page;
let studyCaseNames: string[] = [];

test.beforeAll(async ({ browser }) => {
  ({ server, api, page: admin } = await openSpecServer(browser, repoRoot));
  const cohort = JSON.parse(readFileSync(path.join(repoRoot, 'data-cache', 'demo-cohort', 'cohort.json'), 'utf8')) as {
    cases: Array<{ name: string; kind: string }>;
  };
  // Four cohort cases with lesions (the empty-reference one would show two blank outlines).
  studyCaseNames = cohort.cases
    .filter((c) => c.kind !== 'empty')
    .slice(0, 4)
    .map((c) => c.name);
  expect(studyCaseNames).toHaveLength(4);
});

test.afterAll(async () => {
  await closeSpecServer(admin, server);
});

async function tick(page: Page, testId: string, attr: string, value: string, on = true): Promise<void> {
  const box = page.locator(`[data-testid="${testId}"][${attr}="${value}"]`);
  await expect(box).toHaveCount(1);
  if (on) await box.check();
  else await box.uncheck();
}

/** Yellow (#ffd400) pixels of a pane's canvas, and its size. */
async function outlinePixels(page: Page, label: Label): Promise<{ yellow: number; width: number; height: number }> {
  return page.getByTestId(`study-canvas-${label}`).evaluate((el) => {
    const c = el as HTMLCanvasElement;
    const ctx = c.getContext('2d');
    if (!ctx) return { yellow: 0, width: 0, height: 0 };
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let yellow = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] > 230 && d[i + 1] > 190 && d[i + 1] < 235 && d[i + 2] < 40) yellow++;
    return { yellow, width: c.width, height: c.height };
  });
}

test('a 4-case blinded study of the demo model against a rater: set-up, two readers, close, report', async ({ browser }) => {
  test.setTimeout(240_000);
  await signInAs(admin, 'Ada Admin');
  const adminToken = await api.signInAs('Ada Admin');
  for (const name of READERS) await api.call('rater.create', { name, role: 'annotator', session: adminToken });

  // Set-up: a case without either source is refused with both missing pairs listed.
  await admin.getByTestId('workspace-tab-study').click();
  await expect(admin.getByTestId('study-setup')).toBeVisible();
  await admin.getByTestId('study-title').fill('Lesion outlines');
  await admin.getByTestId('study-seed').fill(SEED);
  for (const name of studyCaseNames) await tick(admin, 'study-case', 'data-name', name);
  const bare = await admin.locator('[data-testid="study-case"][data-name^="DWI"]').getAttribute('data-name');
  await tick(admin, 'study-case', 'data-name', bare ?? '');
  await tick(admin, 'study-source', 'data-kind', 'model');
  await tick(admin, 'study-source', 'data-label', RATER);
  for (const name of READERS) await tick(admin, 'study-reader-choice', 'data-name', name);
  // "Made by AI?" is a confidence rating by default; this study asks the plain A/B choice
  // (readerStudyAiAuc.spec.ts covers the rating).
  await expect(admin.getByTestId('study-q-aiConfidence')).toBeChecked();
  await admin.getByTestId('study-q-aiConfidence').uncheck();
  await admin.getByTestId('study-validate').click();
  await expect(admin.getByTestId('study-check')).toHaveAttribute('data-ok', 'false');
  await expect(admin.getByTestId('study-missing')).toHaveCount(2);
  await expect(admin.getByTestId('study-missing').first()).toContainText(bare ?? '');
  await tick(admin, 'study-case', 'data-name', bare ?? '', false);
  await admin.getByTestId('study-create').click();
  const row = admin.getByTestId('study-row');
  await expect(row).toHaveAttribute('data-state', 'draft');
  // The seed would let anyone replay every reader's order and placement: hidden until closed.
  await expect(row.getByTestId('study-seed-hidden')).toBeVisible();
  await expect(row.getByTestId('study-seed-shown')).toHaveCount(0);
  const studyId = (await row.getAttribute('data-study-id')) ?? '';
  await row.getByTestId('study-open').click();
  await expect(row).toHaveAttribute('data-state', 'open');

  // Two readers, each on their own page; every API response they receive is kept for the leak scan.
  const given: Given[] = [];
  const received: Array<{ channel: string; body: unknown }> = [];
  for (const reader of READERS) {
    const page = await browser.newPage();
    const pending: Array<Promise<void>> = [];
    page.on('response', (r: Response) => {
      const url = new URL(r.url());
      if (!url.pathname.startsWith('/api/') || r.request().method() !== 'POST') return;
      pending.push(
        answerOf(r).then(
          (body: unknown) => void received.push({ channel: url.pathname.slice(5), body }),
          () => undefined,
        ),
      );
    });
    await page.goto(server.url);
    // The identity exists already (created by the admin): wait for the picker to list it.
    await expect(page.locator(`[data-testid="identity-item"][data-name="${reader}"]`)).toBeVisible();
    await signInAs(page, reader);
    await page.getByTestId('workspace-tab-study').click();
    await page.getByTestId('study-start').click();
    for (let position = 0; position < 4; position++) {
      const trial = page.getByTestId('study-trial');
      await expect(trial).toHaveAttribute('data-position', String(position));
      await expect(page.getByTestId('study-progress')).toHaveText(`${position + 1} / 4`);
      // Identical styling: the same pane size, outlines in the one colour (at least one overlay has voxels on the opening slice).
      const [a, b] = [await outlinePixels(page, 'A'), await outlinePixels(page, 'B')];
      expect([a.width, a.height]).toEqual([b.width, b.height]);
      expect(a.yellow + b.yellow).toBeGreaterThan(0);
      if (position === 0) {
        // Hiding the outlines hides both at once; dragging one pane windows both; Reset restores it.
        await page.getByTestId('study-outlines').uncheck();
        expect([(await outlinePixels(page, 'A')).yellow, (await outlinePixels(page, 'B')).yellow]).toEqual([0, 0]);
        await page.getByTestId('study-outlines').check();
        expect((await outlinePixels(page, 'A')).yellow + (await outlinePixels(page, 'B')).yellow).toBe(a.yellow + b.yellow);
        const auto = (await page.getByTestId('study-window').getAttribute('data-window')) ?? '';
        const box = await page.getByTestId('study-canvas-A').boundingBox();
        if (!box) throw new Error('pane A has no box');
        await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
        await page.mouse.down();
        await page.mouse.move(box.x + box.width / 2 + 40, box.y + box.height / 2 + 20, { steps: 4 });
        await page.mouse.up();
        const [lo, hi] = ((await page.getByTestId('study-window').getAttribute('data-window')) ?? '').split(',').map(Number);
        const [lo0, hi0] = auto.split(',').map(Number);
        // 40 px right widens by 40/200 of the automatic width; 20 px down raises the level by 20/200 of it.
        expect(hi - lo).toBeCloseTo((hi0 - lo0) * 1.2, 2);
        expect((lo + hi) / 2).toBeCloseTo((lo0 + hi0) / 2 + (hi0 - lo0) * 0.1, 2);
        await page.getByTestId('study-window-reset').click();
        await expect(page.getByTestId('study-window')).toHaveAttribute('data-window', auto);
        // A DWI is shown on its highest b (the demo DWI's b = 1500, not b = 5), and the reader may switch (issue 12).
        const volume = page.getByTestId('study-volume');
        await expect(volume.locator('option:checked')).toHaveText(/1500/);
        await volume.selectOption({ index: 0 });
        await expect(volume.locator('option:checked')).toHaveText(/\b5\b/);
        await expect(page.getByTestId('study-window')).not.toHaveAttribute('data-window', auto);
        await volume.selectOption({ index: 2 });
        await expect(page.getByTestId('study-window')).toHaveAttribute('data-window', auto);
      }
      await Promise.all(pending);
      const shown = received.filter((r) => r.channel === 'study.next').at(-1)?.body as {
        value: { trial: { trialId: string; position: number } };
      };
      expect(shown.value.trial.position).toBe(position);
      const p = policy(reader, position);
      await page.getByTestId(`study-pref-${p.preference}`).check();
      await page.getByTestId(`study-acc-A-${p.accA}`).check();
      await page.getByTestId(`study-acc-B-${p.accB}`).check();
      await page.getByTestId(`study-ai-${p.ai}`).check();
      if (position === 0) await page.getByTestId('study-comment').fill(`first impression from ${reader}`);
      await page.getByTestId('study-submit').click();
      given.push({ reader, trialId: shown.value.trial.trialId, preference: p.preference, aiChoice: p.ai });
    }
    await expect(page.getByTestId('study-done')).toContainText('All 4 trials answered');
    await Promise.all(pending);
    await page.close();
  }

  // The admin closes the study and opens the report. The readers' pages opening the project signed
  // nobody out, and a reload keeps the tab's sign-in (tabRestore.ts).
  await admin.reload();
  await expect(admin.getByTestId('signed-in')).toContainText('Ada Admin');
  const adminToken2 = await api.signInAs('Ada Admin');
  await admin.getByTestId('workspace-tab-study').click();
  await expect(row.getByTestId('study-reader-progress')).toHaveText([`${READERS[0]}: 4 / 4`, `${READERS[1]}: 4 / 4`]);
  // Closing reveals the blinding for good, so it asks first; cancelling leaves the study open.
  await row.getByTestId('study-close').click();
  await expect(row.getByTestId('study-close-confirm')).toContainText('reveals');
  await row.getByTestId('study-close-cancel').click();
  await expect(row.getByTestId('study-close-confirm')).toHaveCount(0);
  await expect(row).toHaveAttribute('data-state', 'open');
  await row.getByTestId('study-close').click();
  await row.getByTestId('study-close-confirmed').click();
  await expect(row).toHaveAttribute('data-state', 'closed');
  await expect(row.getByTestId('study-seed-shown')).toHaveText(SEED);
  await row.getByTestId('study-report-open').click();
  await expect(admin.getByTestId('study-report')).toBeVisible();
  await expect(admin.getByTestId('report-seed')).toHaveText(SEED);
  for (const plot of ['report-plot-preference', 'report-plot-acceptability', 'report-plot-readers']) {
    await expect(admin.getByTestId(plot).locator('svg').first()).toBeVisible();
  }

  // The revealed mapping, and the counts the answers imply through it.
  const mapping = new Map<string, { a: string; b: string }>();
  for (const tr of await admin.getByTestId('report-mapping').all()) {
    mapping.set((await tr.getAttribute('data-trial-id')) ?? '', {
      a: (await tr.getAttribute('data-source-a')) ?? '',
      b: (await tr.getAttribute('data-source-b')) ?? '',
    });
  }
  expect(mapping.size).toBe(8);
  const prefRows = admin.getByTestId('report-pref');
  const first = (await prefRows.first().getAttribute('data-first')) ?? '';
  const second = (await prefRows.first().getAttribute('data-second')) ?? '';
  const modelSource = (await admin.locator('[data-testid="report-source"][data-kind="model"]').getAttribute('data-source-id')) ?? '';
  expect([first, second]).toContain(modelSource);
  const expected = (reader: string | null) => {
    const mine = given.filter((g) => reader === null || g.reader === reader);
    const source = (g: Given, l: Label) => (l === 'A' ? mapping.get(g.trialId)?.a : mapping.get(g.trialId)?.b);
    return {
      first: mine.filter((g) => g.preference !== 'none' && source(g, g.preference) === first).length,
      second: mine.filter((g) => g.preference !== 'none' && source(g, g.preference) === second).length,
      none: mine.filter((g) => g.preference === 'none').length,
      aiCorrect: mine.filter((g) => source(g, g.aiChoice) === modelSource).length,
    };
  };
  for (const [reader, shownAs] of [
    [READERS[0], READERS[0]],
    [READERS[1], READERS[1]],
    [null, 'pooled'],
  ] as const) {
    const e = expected(reader);
    const prefRow = admin.locator(`[data-testid="report-pref"][data-reader="${shownAs}"]`);
    await expect(prefRow.getByTestId('prefer-first')).toHaveText(String(e.first));
    await expect(prefRow.getByTestId('prefer-second')).toHaveText(String(e.second));
    await expect(prefRow.getByTestId('no-preference')).toHaveText(String(e.none));
    const aiRow = admin.locator(`[data-testid="report-ai"][data-reader="${shownAs}"]`);
    await expect(aiRow.getByTestId('ai-trials')).toHaveText(String(given.filter((g) => reader === null || g.reader === reader).length));
    await expect(aiRow.getByTestId('ai-correct')).toHaveText(String(e.aiCorrect));
    // 4 answers per reader can never be significant (the smallest two-sided p is 2/16): never a "pass".
    if (reader !== null) {
      await expect(aiRow.getByTestId('ai-verdict')).toHaveAttribute('data-verdict', 'not-enough-answers');
      await expect(aiRow.getByTestId('ai-verdict')).toContainText('not enough answers to conclude');
    }
    await expect(aiRow.getByTestId('ai-verdict')).not.toContainText('pass');
  }
  expect(expected(null).none).toBe(1);

  // The answers CSV: a header and one row per answer.
  const [download] = await Promise.all([admin.waitForEvent('download'), admin.getByTestId('report-download-csv').click()]);
  const csv = readFileSync((await download.path()) ?? '', 'utf8');
  expect(csv.trim().split('\r\n')).toHaveLength(9);

  // The leak scan over everything the readers' pages received.
  const report = await api.call<{ config: StudyConfig }>('study.report', { session: adminToken2, studyId });
  const versions = await api.call<Array<{ versionId: string; fileHash: string | null; raterId: string }>>('annotation.list', {
    session: adminToken2,
  });
  const sourceRaterIds = new Set(report.config.sources.flatMap((s) => (s.ref.kind === 'rater' ? [s.ref.raterId] : [])));
  const raters = await api.call<Array<{ raterId: string; name: string; kind: string }>>('rater.list', { session: adminToken2 });
  for (const r of raters) if (r.kind === 'model') sourceRaterIds.add(r.raterId);
  const names = raters.filter((r) => sourceRaterIds.has(r.raterId)).map((r) => r.name);
  const sourceVersions = versions.filter((v) => sourceRaterIds.has(v.raterId));
  const identifiers = [
    ...studyIdentifiers(report.config, names),
    ...sourceRaterIds,
    ...sourceVersions.flatMap((v) => [v.versionId, v.fileHash ?? '']),
  ].filter((s) => s !== '');
  // The app's own version (package.json) is also the demo model's version string: only the study responses are checked for it.
  const appVersion = (await api.call<{ version: string }>('app.info', {})).version;
  expect(received.filter((r) => r.channel === 'study.next').length).toBeGreaterThanOrEqual(8);
  const leaks = received
    // Two app-level catalogues that every page loads before and apart from any session are left
    // out, each naming no overlay: the sign-in picker (rater.identities lists people's names by
    // design) and the installed models (models.list, for the sidebar's Model panel).
    .filter((r) => r.channel !== 'rater.identities' && r.channel !== 'models.list')
    .flatMap((r) =>
      findLeaks(r.body, r.channel.startsWith('study.') ? identifiers : identifiers.filter((i) => i !== appVersion))
        .filter((l) => r.channel.startsWith('study.') || l.kind === 'identifier')
        .map((l) => `${r.channel} ${l.path} ${l.kind} ${l.match}`),
    );
  expect(leaks).toEqual([]);
});
