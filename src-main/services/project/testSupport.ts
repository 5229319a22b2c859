/**
 * Helpers for the project store's tests (not shipped code paths): temp project folders, a small
 * anisotropic grid, and a project populated with an admin, a reviewer and two annotators.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { InferenceProvenance } from '../../../src-shared/inference/provenance';
import type { Geometry } from '../../../src-shared/volume/types';
import type { CaseRecord, Session } from '../../../src-shared/project/types';
import { afterAll, beforeAll } from 'vitest';
import { pgUnavailable, startPgCluster, type PgCluster } from './pgCluster.testSupport';
import { ProjectStore } from './ProjectStore';
import type { Db } from './sqlite';

export const APP_VERSION = '0.1.0-test';

/** 6 × 5 × 4 voxels, anisotropic, off-origin: small enough to reason about voxel by voxel. */
export const GRID: Geometry = {
  dims: [6, 5, 4],
  spacingMm: [0.75, 0.8, 2.5],
  originLps: [-12.5, 30.25, -4],
  direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
};
export const VOXELS = 6 * 5 * 4;

export function tempDir(prefix = 'quorum-project-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export type StoreKind = 'sqlite' | 'postgres';

let current: { kind: 'sqlite' } | { kind: 'postgres'; cluster: PgCluster } = { kind: 'sqlite' };

/**
 * The stores the behavioural tests run against (`describe.each(storeKinds())` + `onStore(kind)`):
 * SQLite and PostgreSQL, or SQLite alone, saying why, where PostgreSQL is not installed (outside
 * CI only: pgUnavailable throws in CI).
 */
export function storeKinds(): StoreKind[] {
  const why = pgUnavailable();
  if (why === null) return ['sqlite', 'postgres'];
  console.warn(why);
  return ['sqlite'];
}

/** Makes openTemp (and so populated) open stores of `kind` in the enclosing describe: a throw-away cluster for PostgreSQL. */
export function onStore(kind: StoreKind): void {
  if (kind === 'sqlite') return;
  let cluster: PgCluster | null = null;
  beforeAll(async () => {
    cluster = await startPgCluster();
    current = { kind, cluster };
  }, 120_000);
  afterAll(() => {
    current = { kind: 'sqlite' };
    cluster?.stop();
  });
}

/** A new, empty project: a folder (SQLite), or a fresh database whose relative image paths point into `dir` (PostgreSQL). */
export async function openTemp(dir = tempDir()): Promise<ProjectStore> {
  if (current.kind === 'postgres')
    return await ProjectStore.openPostgres(await current.cluster.createDatabase(), { appVersion: APP_VERSION, imagesDir: dir });
  return await ProjectStore.open(dir, { appVersion: APP_VERSION, create: true });
}

/** A labelmap with the given flat indices set to `value` (default lesion). */
/**
 * A new, empty project and a way to open its database again, as another server process (or the
 * same server after a restart) would: `again()` opens a second store on the same database.
 * SQLite: one process owns a folder, so close the first store before calling it.
 */
export async function openTempTwice(dir = tempDir()): Promise<{ store: ProjectStore; again(): Promise<ProjectStore> }> {
  if (current.kind === 'postgres') {
    const url = await current.cluster.createDatabase();
    const again = () => ProjectStore.openPostgres(url, { appVersion: APP_VERSION, imagesDir: dir });
    return { store: await again(), again };
  }
  const again = () => ProjectStore.open(dir, { appVersion: APP_VERSION, create: true });
  return { store: await again(), again };
}

export function labelmapWith(indices: number[], value = 1, base?: Uint8Array): Uint8Array {
  const lm = base ? Uint8Array.from(base) : new Uint8Array(VOXELS);
  for (const i of indices) lm[i] = value;
  return lm;
}

export interface Populated {
  store: ProjectStore;
  admin: Session;
  reviewer: Session;
  alice: Session;
  bob: Session;
  caseA: CaseRecord;
}

/**
 * Admin "Ada Admin", reviewer "Rita Reviewer", annotators "Alice Annotator" and "Bob Blinded", both
 * assigned to case A; in a new project, or in `store` (e.g. one from openTempTwice).
 */
export async function populated(dir = tempDir(), store?: ProjectStore): Promise<Populated> {
  store ??= await openTemp(dir);
  const adminRater = await store.createIdentity('Ada Admin', 'admin');
  const admin = await store.signIn(adminRater.raterId);
  const reviewer = await store.signIn((await store.createRater(admin, 'Rita Reviewer', 'reviewer')).raterId);
  const alice = await store.signIn((await store.createRater(admin, 'Alice Annotator', 'annotator')).raterId);
  const bob = await store.signIn((await store.createRater(admin, 'Bob Blinded', 'annotator')).raterId);
  const caseA = await store.addCase(admin, {
    name: 'case-A',
    source: 'nifti',
    series: [{ label: 'T1', path: 'images/case-A.nii.gz', geometry: GRID }],
  });
  await store.assign(admin, alice.raterId, caseA.caseId);
  await store.assign(admin, bob.raterId, caseA.caseId);
  return { store, admin, reviewer, alice, bob, caseA };
}

/** A complete inference provenance record for model-result tests (demo-like values, threshold as given). */
export function modelProvenance(threshold = 0.5, version = '1.0.0'): InferenceProvenance {
  return {
    kind: 'model-inference',
    modelId: 'demo-dwi-lesion',
    modelVersion: version,
    modelName: 'Demo DWI lesion',
    intendedUse: 'demo model, not for clinical use',
    members: [
      { file: 'member0.onnx', sha256: 'a'.repeat(64) },
      { file: 'member1.onnx', sha256: 'b'.repeat(64) },
    ],
    executionProvider: 'wasm',
    fallbackReason: 'no WebGPU adapter',
    settings: { targetSpacingMm: [1.5, 1.5, 1.5], patchSize: [32, 32, 32], overlap: 0.5, ttaFlipAxes: [0], threshold },
    samples: { kind: 'members', count: 2 },
    timingsMs: { resample: 12, forward: 340, total: 400 },
    startedAt: '2026-11-26T10:00:00.000Z',
    volumes: [{ label: 'lesion', expectedMl: 0.004, maskMl: 0.003 }],
  };
}

/**
 * A case as Quorum wrote it before sequences (schema ≤ 5): a `cases` row and one `series` row per
 * volume, all with `path` and `grid`. For migration tests, on a database opened without the store.
 */
export function insertPreSequenceCase(
  db: Db,
  name: string,
  path: string,
  volumes: { label: string; bValue: number | null }[],
  grid: Geometry = GRID,
): string {
  const caseId = `case_${name
    .replace(/[^a-z0-9]/gi, '')
    .padEnd(16, '0')
    .slice(0, 16)}`;
  db.run("INSERT INTO cases (case_id, name, source, created_at) VALUES (?, ?, 'nifti', '2026-01-01T00:00:00.000Z')", [caseId, name]);
  volumes.forEach((v, ordinal) =>
    db.run(
      'INSERT INTO series (series_id, case_id, ordinal, label, path, b_value, dims, spacing_mm, origin_lps, direction) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [
        `series_${caseId.slice(5)}${ordinal}`,
        caseId,
        ordinal,
        v.label,
        path,
        v.bValue,
        JSON.stringify(grid.dims),
        JSON.stringify(grid.spacingMm),
        JSON.stringify(grid.originLps),
        JSON.stringify(grid.direction),
      ],
    ),
  );
  return caseId;
}
