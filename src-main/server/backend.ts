/**
 * Wires the API for one shell (Electron or browser mode): the real case loader, the per-person
 * recent lists in the data folder, the per-session file grants, the handler table, the
 * validating dispatcher and the GET routes. The two composition roots (src-main/main.ts and
 * src-main/server/cli.ts) differ only in the options they pass.
 *
 * Plain Node; no Electron.
 */
import os from 'node:os';
import path from 'node:path';
import { createApiHandlers, type ApiHandlers, type CaseLoader } from '../services/api';
import { createDispatch, type Dispatch } from '../services/apiDispatch';
import { createBinaryAdmission, type BinaryAdmission } from '../services/binaryAdmission';
import { listCases, openCase } from '../services/caseLoader';
import { DEFAULT_MEMORY_BUDGET_BYTES } from '../services/memoryBudget';
import { createModelsService } from '../services/models';
import { createNativeInference } from '../services/nativeInference/nativeInference';
import { sourceWorkerEntry, type NativeWorkerEntry } from '../services/nativeInference/startWorker';
import { FileGrants } from '../services/pathGuard';
import { guarded, sessionOfHost } from '../services/projectGuard';
import { registerFolderCases } from '../services/project/demoCases';
import { seedDemoCohort } from '../services/project/demoCohortSeed';
import { createProjectHost, type ProjectHost, type ProjectHostOptions } from '../services/project/projectHost';
import { createRecentStore } from '../services/recent';
import { createAppRoutes, type AppRoutes } from './appRoutes';

export interface BackendOptions {
  mode: 'electron' | 'browser';
  version: string;
  /** The project opened when none is named (the bundled demo by default). */
  projectDir: string;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** Where recent.json lives (Electron userData, or the browser-mode data dir). */
  dataDir: string;
  /**
   * The app's own Quorum project for the cases of `projectDir` (default `<dataDir>/projects/demo`).
   * Kept in the data folder, not in `projectDir`: the demo folder is part of the repository (or the
   * installed app) and read-only in spirit, while the database and annotations must be writable.
   */
  annotationProjectDir?: string;
  /**
   * The models shipped with the app. Default: `models/` beside `projectDir` (the repository and the
   * packaged resources both keep demo/ and models/ side by side). The user's own models live in
   * `<dataDir>/models`.
   */
  bundledModelsDir?: string;
  /** Replaced only by tests that need a loader double; the real loader by default. */
  loader?: CaseLoader;
  /** Sessions and sign-in throttling (projectHost.ts); tests pass a movable clock and short limits. */
  accounts?: Pick<ProjectHostOptions, 'nowMs' | 'sessionPolicy' | 'signInPolicy'>;
  /** Case data in memory at most, per case and for all open cases together (default: memoryBudget.ts). */
  memoryBudgetBytes?: number;
  /**
   * Where the native inference worker's code is (issue 16): Electron passes its bundled entry; the
   * default is the TypeScript source (browser mode under tsx, tests). null turns native inference
   * off, with that reason given to the page, which then runs WASM.
   */
  nativeWorker?: NativeWorkerEntry | null;
  /** The DICOMweb archive (`--dicomweb <url>`) cases may be added from. */
  dicomwebUrl?: string;
  /** The project in PostgreSQL (`--database postgres://…`, the team server) instead of the data folder's. */
  databaseUrl?: string;
}

export interface Backend {
  handlers: ApiHandlers;
  dispatch: Dispatch;
  /** The byte limit of a binary request, asked by the HTTP server before it reads the voxels. */
  binaryAdmission: BinaryAdmission;
  routes: AppRoutes;
  projects: ProjectHost;
  /** Closes the open project (releases its lock). */
  close(): void;
}

export async function createBackend(options: BackendOptions): Promise<Backend> {
  const projectDir = path.resolve(options.projectDir);
  const memoryBudgetBytes = options.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_BYTES;
  const loader: CaseLoader = options.loader ?? { openCase: (p, o) => openCase(p, { ...o, memoryBudgetBytes }), listCases };
  const projects = createProjectHost({
    ...options.accounts,
    appVersion: options.version,
    defaultProjectDir: path.resolve(options.annotationProjectDir ?? path.join(options.dataDir, 'projects', 'demo')),
    ...(options.databaseUrl === undefined ? {} : { defaultDatabaseUrl: options.databaseUrl }),
    // Registers the image folder's cases (geometry from the real loader) on first use.
    seedDefault: async (store) => {
      const { skipped } = await registerFolderCases(store, projectDir, {
        listCases: (folder) => loader.listCases(folder),
        volumesOf: async (casePath) => {
          const loaded = await loader.openCase(casePath, { caseId: 'project-seed', volumeUrl: () => '' });
          return loaded.ok
            ? { ok: true, value: { source: loaded.value.descriptor.source, volumes: loaded.value.descriptor.volumes } }
            : loaded;
        },
      });
      for (const note of skipped) console.warn(`[project] demo case not registered: ${note}`);
      // The demo evaluation cohort's raters and model results (a no-op for folders without a cohort).
      const cohort = await seedDemoCohort(store, projectDir);
      for (const note of cohort.notes) console.warn(`[project] demo cohort: ${note}`);
    },
  });
  // Browser mode listens on 127.0.0.1 only (httpServer.ts), so its pages run on this computer, as
  // Electron's do: running the model here is running it on the user's own CPU.
  const nativeInference =
    options.nativeWorker === null
      ? { unavailable: 'it is turned off on this server.' }
      : createNativeInference({ worker: options.nativeWorker ?? sourceWorkerEntry(), threads: os.availableParallelism() });
  const handlers = createApiHandlers({
    mode: options.mode,
    version: options.version,
    demoProjectPath: projectDir,
    loader,
    recent: createRecentStore(path.join(options.dataDir, 'recent.json')),
    files: new FileGrants(),
    projects,
    memoryBudgetBytes,
    ...(options.dicomwebUrl === undefined ? {} : { dicomwebUrl: options.dicomwebUrl }),
    models: createModelsService({
      bundledDir: options.bundledModelsDir ?? path.join(path.dirname(projectDir), 'models'),
      userDir: path.join(options.dataDir, 'models'),
    }),
    nativeInference,
  });
  const dispatch = createDispatch(handlers.channels, sessionOfHost(projects));
  const binaryAdmission = createBinaryAdmission(sessionOfHost(projects), (session, caseId) =>
    guarded(async () => {
      const [x, y, z] = (await (await projects.current()).getCase(session, caseId)).series[0].geometry.dims;
      return x * y * z;
    }),
  );
  const routes = createAppRoutes({ handlers, rendererDir: options.rendererDir });
  const close = (): void => {
    if (!('unavailable' in nativeInference)) void nativeInference.close();
    projects.close();
  };
  return { handlers, dispatch, binaryAdmission, routes, projects, close };
}
