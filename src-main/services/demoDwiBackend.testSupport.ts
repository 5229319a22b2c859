/**
 * Test set-up shared by the tests that run the real validating dispatcher and backend on a temp
 * image folder: `writeTestProject` and `createTestBackend` for a project of a test's own cases, and
 * `useDemoDwiBackend` for one whose manifest lists only the demo DWI (124 × 152 × 32 voxels), which
 * registers the vitest beforeAll/afterAll hooks itself, so each test file gets its own temp folder
 * and backend.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { writeNifti, type NiftiWriteInput } from '../../src-shared/nifti';
import { createBackend, type Backend, type BackendOptions } from '../server/backend';
import type { Dispatch } from './apiDispatch';
import { MANIFEST_NAME } from './projectScan';
import { signInWithTestSecret, testSecretOf } from './project/signIn.testSupport';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface DemoDwiBackend {
  /** The backend; only valid inside tests (after beforeAll). */
  readonly backend: Backend;
  /** The temp folder: images/ holds the manifest, data/ is the app's data dir. */
  readonly tmp: string;
  /** Calls a channel and returns its value, failing the test with the error message otherwise. */
  call<T = unknown>(channel: string, request: unknown): Promise<T>;
  /** Creates a rater (a reviewer or admin role needs an admin's `session`) and signs them in. */
  signedInRater(name: string, role?: { role: 'reviewer' | 'admin'; session: string }): Promise<{ raterId: string; token: string }>;
  /** Signs an existing person in with their test secret (signIn.testSupport.ts). */
  signInAs(name: string): Promise<{ raterId: string; token: string }>;
}

/**
 * A case of a test project: a file or DICOM folder already on disk (`path` absolute, or relative to
 * the images folder), or `volume` written there as the gzipped NIfTI `file`.
 */
export type TestCase =
  { name: string; kind: 'nifti' | 'dicom-folder'; path: string } | { name: string; file: string; volume: NiftiWriteInput };

/** `<root>/images` with `cases` and the manifest that lists them (and nothing else); returns that folder. */
export function writeTestProject(root: string, cases: readonly TestCase[]): string {
  const images = path.join(root, 'images');
  mkdirSync(images, { recursive: true });
  const listed = cases.map((c) => {
    if ('path' in c) return c;
    writeFileSync(path.join(images, c.file), writeNifti(c.volume, { gzip: true }));
    return { name: c.name, path: c.file, kind: 'nifti' as const };
  });
  writeFileSync(path.join(images, MANIFEST_NAME), JSON.stringify({ name: 'test', cases: listed }));
  return images;
}

/**
 * The backend the browser-mode server runs, on the project folder `<root>/images` (writeTestProject)
 * with its data folder `<root>/data`; `options` adds to or replaces any of that.
 */
export function createTestBackend(root: string, options: Partial<BackendOptions> = {}): Promise<Backend> {
  return createBackend({
    mode: 'browser',
    version: '0.0.0-test',
    projectDir: path.join(root, 'images'),
    rendererDir: root,
    dataDir: path.join(root, 'data'),
    ...options,
  });
}

/** Calls a channel through `dispatch` and returns its value, throwing with the error message otherwise. */
async function must<T>(dispatch: Dispatch, channel: string, request: unknown): Promise<T> {
  const result = await dispatch(channel, request);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

/**
 * Creates a rater on any backend's dispatcher (a reviewer or admin role needs an admin's `session`)
 * and signs them in: the one place tests sign people in, for backends of their own too.
 */
export async function signedInRaterOn(
  dispatch: Dispatch,
  name: string,
  role?: { role: 'reviewer' | 'admin'; session: string },
): Promise<{ raterId: string; token: string }> {
  await must(dispatch, 'quorum:rater.create', { name, ...role, secret: testSecretOf(name) });
  return signInAgainOn(dispatch, name);
}

/** A further session of an existing person (a second window or workstation), with their test secret. */
export async function signInAgainOn(dispatch: Dispatch, name: string): Promise<{ raterId: string; token: string }> {
  const { raterId, token } = await signInWithTestSecret((channel, request) => must(dispatch, `quorum:${channel}`, request), name);
  return { raterId, token };
}

/** `withModels`: the repository's models/ as the bundled models (the demo ensemble), for tests that run one. */
export function useDemoDwiBackend(tmpPrefix: string, options: { withModels?: boolean } = {}): DemoDwiBackend {
  let tmp: string | undefined;
  let backend: Backend | undefined;

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(tmpdir(), tmpPrefix));
    writeTestProject(tmp, [{ name: 'DWI', path: path.join(repoRoot, 'demo', 'dwi', 'dwi.nii.gz'), kind: 'nifti' }]);
    backend = await createTestBackend(tmp, options.withModels ? { bundledModelsDir: path.join(repoRoot, 'models') } : {});
  });

  afterAll(() => {
    backend?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  const demo: DemoDwiBackend = {
    get backend(): Backend {
      if (!backend) throw new Error('backend used outside a test (beforeAll has not run)');
      return backend;
    },
    get tmp(): string {
      if (!tmp) throw new Error('temp folder used outside a test (beforeAll has not run)');
      return tmp;
    },
    call: (channel, request) => must(demo.backend.dispatch, channel, request),
    signedInRater: (name, role) => signedInRaterOn(demo.backend.dispatch, name, role),
    signInAs: (name) => signInAgainOn(demo.backend.dispatch, name),
  };
  return demo;
}
