/**
 * The demo cohort seeded into the app's demo project through the real backend (the bundled demo
 * folder, data-cache/demo-cohort/ made by `scripts/fetch-sample-data.sh`): cases, raters, "no lesion"
 * answers and model results arrive through the store's normal paths; a restart adds nothing; the first
 * person is still the admin; an annotator (seeded or not) sees only their own work.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnnotationVersion, Rater } from '../../../src-shared/project/types';
import type { Backend } from '../../server/backend';
import { createTestBackend, repoRoot } from '../demoDwiBackend.testSupport';
import { COHORT_FILE, parseCohortManifest, type CohortManifest } from './demoCohortManifest';
import { seedDemoCohort } from './demoCohortSeed';
import { signInWithTestSecret, testSecretOf } from './signIn.testSupport';
import { openTemp } from './testSupport';

const demoDir = path.join(repoRoot, 'demo');
const cohortFile = path.join(repoRoot, 'data-cache', 'demo-cohort', COHORT_FILE);

let tmp: string;
let cohort: CohortManifest;

async function start(): Promise<Backend> {
  return createTestBackend(tmp, { projectDir: demoDir });
}

async function call<T>(backend: Backend, channel: string, request: unknown): Promise<T> {
  const r = await backend.dispatch(channel, request);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

function signInAs(backend: Backend, name: string): Promise<{ token: string; raterId: string }> {
  return signInWithTestSecret((channel, request) => call(backend, `quorum:${channel}`, request), name);
}

interface CaseRow {
  caseId: string;
  name: string;
}

beforeAll(() => {
  if (!existsSync(cohortFile))
    throw new Error(`${cohortFile} is missing: run scripts/fetch-sample-data.sh (or npx tsx scripts/demo-cohort/main.ts) first`);
  cohort = parseCohortManifest(readFileSync(cohortFile, 'utf8'), cohortFile);
  tmp = mkdtempSync(path.join(tmpdir(), 'quorum-cohort-seed-'));
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('seeding the demo cohort', () => {
  it('registers the cases, the raters and the model results once, keeps the bootstrap admin and the blinding', async () => {
    let backend = await start();
    let admin: Rater;
    let counts: { versions: number; audit: number };
    try {
      await call(backend, 'quorum:project.open', {});
      // The picker lists the three synthetic raters, yet the first person to sign up is the admin.
      const identities = await call<Array<{ name: string }>>(backend, 'quorum:rater.identities', {});
      expect(identities.map((i) => i.name).sort()).toEqual(cohort.raters.map((r) => r.name).sort());
      admin = await call<Rater>(backend, 'quorum:rater.create', { name: 'Pat Person', secret: testSecretOf('Pat Person') });
      expect(admin.role).toBe('admin');
      const second = await call<Rater>(backend, 'quorum:rater.create', { name: 'Sam Second', secret: testSecretOf('Sam Second') });
      expect(second.role).toBe('annotator');

      const token = (await signInAs(backend, admin.name)).token;
      const raters = await call<Rater[]>(backend, 'quorum:rater.list', { session: token });
      const synthetic = raters.filter((r) => cohort.raters.some((c) => c.name === r.name));
      expect(synthetic.map((r) => r.role)).toEqual(cohort.raters.map(() => 'annotator'));
      const models = raters.filter((r) => r.kind === 'model');
      expect(models).toHaveLength(1);
      expect(models[0].name).toMatch(/Demo DWI lesion model/);
      const cases = await call<CaseRow[]>(backend, 'quorum:projectCase.list', { session: token });
      for (const c of cohort.cases) {
        const row = cases.find((x) => x.name === c.name);
        expect(row, c.name).toBeDefined();
        const versions = await call<AnnotationVersion[]>(backend, 'quorum:annotation.list', { session: token, caseId: row?.caseId });
        // One submitted version per synthetic rater, plus the model's.
        expect(versions).toHaveLength(cohort.raters.length + 1);
        expect(versions.every((v) => v.status === 'submitted')).toBe(true);
        const byName = (name: string) => versions.find((v) => v.raterId === raters.find((r) => r.name === name)?.raterId);
        for (const r of c.raters) {
          const v = byName(r.rater);
          expect(v?.noLesion, `${c.name} ${r.rater}`).toBe(r.mask === null);
          expect(v?.origin).toBe(r.mask === null ? 'editor' : 'import');
        }
        expect(versions.find((v) => v.raterId === models[0].raterId)?.fileHash).toMatch(/^[0-9a-f]{64}$/);
      }
      // The empty-reference case: every rater said "no lesion" explicitly.
      const empty = cohort.cases.filter((c) => c.kind === 'empty');
      expect(empty.length).toBeGreaterThanOrEqual(1);
      for (const c of empty) expect(c.raters.every((r) => r.mask === null)).toBe(true);

      counts = {
        versions: (await call<AnnotationVersion[]>(backend, 'quorum:annotation.list', { session: token })).length,
        audit: (await call<unknown[]>(backend, 'quorum:audit.list', { session: token, limit: 10_000 })).length,
      };
      expect(counts.versions).toBe(cohort.cases.length * (cohort.raters.length + 1));
    } finally {
      backend.close();
    }

    // A restart seeds again on open: nothing is added twice (only the sign-in is audited).
    backend = await start();
    try {
      await call(backend, 'quorum:project.open', {});
      const token = (await signInAs(backend, admin.name)).token;
      const versions = await call<AnnotationVersion[]>(backend, 'quorum:annotation.list', { session: token });
      expect(versions.length).toBe(counts.versions);
      const audit = await call<Array<{ action: string }>>(backend, 'quorum:audit.list', { session: token, limit: 10_000 });
      expect(audit.length).toBe(counts.audit + 1);

      // Blinding: a seeded annotator sees their own versions only, and no model rater.
      const anna = await signInAs(backend, cohort.raters[0].name);
      const annaToken = anna.token;
      const own = await call<AnnotationVersion[]>(backend, 'quorum:annotation.list', { session: annaToken });
      expect(own.length).toBe(cohort.cases.length);
      expect(own.every((v) => v.raterId === anna.raterId)).toBe(true);
      const seen = await call<Rater[]>(backend, 'quorum:rater.list', { session: annaToken });
      expect(seen.map((r) => r.name)).toEqual([cohort.raters[0].name]);
      // A person who signed up as an annotator sees none of the cohort's work either.
      const samToken = (await signInAs(backend, 'Sam Second')).token;
      expect(await call<AnnotationVersion[]>(backend, 'quorum:annotation.list', { session: samToken })).toEqual([]);
    } finally {
      backend.close();
    }
  }, 120_000);
});

describe('a missing or broken cohort', () => {
  function folderWith(manifest: unknown, cohortText?: string): string {
    const dir = mkdtempSync(path.join(tmp, 'demo-'));
    writeFileSync(path.join(dir, 'quorum-demo.json'), JSON.stringify(manifest));
    if (cohortText !== undefined) writeFileSync(path.join(dir, 'cohort.json'), cohortText);
    return dir;
  }

  it('is a note, never an exception, and seeds nothing', async () => {
    const store = await openTemp(path.join(tmp, 'broken-project'));
    try {
      const none = await seedDemoCohort(store, folderWith({ name: 'x', cases: [] }));
      expect(none).toEqual({ added: [], notes: [] });
      const missing = await seedDemoCohort(store, folderWith({ name: 'x', cases: [], cohort: 'cohort.json' }));
      expect(missing.notes.join()).toMatch(/not generated yet .*cohort\.json.*fetch-sample-data/);
      const notJson = await seedDemoCohort(store, folderWith({ name: 'x', cases: [], cohort: 'cohort.json' }, '{ nope'));
      expect(notJson.notes.join()).toMatch(/cohort\.json is not JSON/);
      const oldFormat = await seedDemoCohort(
        store,
        folderWith({ name: 'x', cases: [], cohort: 'cohort.json' }, JSON.stringify({ format: 0, cases: [] })),
      );
      expect(oldFormat.notes.join()).toMatch(/not a demo cohort index of format 1: format/);
      expect(await store.listIdentities()).toEqual([]);
    } finally {
      store.close();
    }
  });
});
