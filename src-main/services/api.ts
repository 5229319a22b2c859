/**
 * The one handler table behind both transports (Electron IPC and browser-mode HTTP). Each contract
 * channel has exactly one handler here; the transports validate requests with the contract's zod
 * schemas before calling it (apiDispatch.ts), so handlers receive typed, checked input.
 *
 * Opened cases stay in memory in a small LRU so their voxels can be served at
 * `api/volume/<caseId>/<volumeId>`, and a NIfTI case's file at `files/<key>/<name>` (pathGuard.ts).
 * Both are capabilities of the session that opened the case: the case id and the key are hashes of
 * its token, so no other session (nor a caller with only the launch token) can derive them. They stay
 * valid for the page that holds them while the case is cached, so a sign-in switch on a page with a
 * case open keeps its image. Each grant is also recorded in the project database (sessionTable.ts):
 * a server process that has not cached the case (the team server's other processes, or this one
 * after the case left the cache or after a restart) loads it again for the URL while the session
 * that opened it stands, re-checking that session's right to it. The cache stays a cache. What a
 * session may open at all is fileAccess.ts's business.
 *
 * Plain Node; no Electron. The case loader is passed in (a port), so composition roots wire the real
 * one and nothing here knows file formats.
 */
import { createHash } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import type { CaseDescriptor, CaseEntry, QuorumApi, Result } from '../../src-shared/api/contract';
import { volumeUrl } from '../../src-shared/api/transport';
import type { Session } from '../../src-shared/project/types';
import type { Volume, VoxelDataType } from '../../src-shared/volume/types';
import { createAdminHandlers } from './apiAdmin';
import { createDicomWebHandlers } from './apiDicomWeb';
import { createEvaluationHandlers } from './apiEvaluation';
import { createInferenceResultHandlers } from './apiInferenceResults';
import { createLabelHandlers } from './apiLabels';
import { createProjectHandlers } from './apiProject';
import { fail, ok } from './apiResult';
import { LruCache } from './caseCache';
import { createSequenceHandlers, withCaseSequences } from './caseSequences';
import { refuseReaderBrowsing, refuseReaderOpening, refuseStorePath, withoutStoreEntries } from './fileAccess';
import { listDirectory } from './fsList';
import { DecodeProgressBoard } from './decodeProgress';
import type { DecodeProgress } from './dicomDecode';
import { DEFAULT_MEMORY_BUDGET_BYTES } from './memoryBudget';
import type { ModelsService } from './models';
import { createNativeInferenceHandlers } from './nativeInference/apiNativeInference';
import type { NativeInference } from './nativeInference/nativeInference';
import type { FileGrants } from './pathGuard';
import { sessionOfHost } from './projectGuard';
import type { ProjectHost } from './project/projectHost';
import type { RecentStore } from './recent';
import { createStudyHandlers } from './study/apiStudy';
import { littleEndianBytes } from './volumeBytes';

/** What the API needs from the case loader (src-main/services/caseLoader.ts implements it). */
export interface CaseLoader {
  openCase(
    casePath: string,
    opts: {
      caseId: string;
      seriesInstanceUid?: string;
      volumeUrl: (caseId: string, volumeId: string) => string;
      onDecodeProgress?: DecodeProgress;
    },
  ): Promise<Result<{ descriptor: CaseDescriptor; volumes: ReadonlyMap<string, Volume> }>>;
  listCases(folder: string): Promise<Result<{ path: string; name: string; cases: CaseEntry[] }>>;
}

export interface ApiContext {
  mode: 'electron' | 'browser';
  version: string;
  /** The project listed when project.listCases gets no path (the bundled demo by default). */
  demoProjectPath: string;
  loader: CaseLoader;
  recent: RecentStore;
  /** The case files each session may fetch (files/ URLs). */
  files: FileGrants;
  /** The open Quorum project (raters, annotations) behind the project channels. */
  projects: ProjectHost;
  /** Bundled and user model folders (issue 5). */
  models: ModelsService;
  /** Runs on onnxruntime-node in worker threads (issue 16), or why this server does not. */
  nativeInference: NativeInference | { readonly unavailable: string };
  /** How many opened cases keep their voxels in memory. */
  maxOpenCases?: number;
  /** The most bytes of voxels the opened cases may hold together (memoryBudget.ts). */
  memoryBudgetBytes?: number;
  /** The DICOMweb archive cases may come from (`--dicomweb`), if any. */
  dicomwebUrl?: string;
}

export interface VolumePayload {
  bytes: Uint8Array;
  dataType: VoxelDataType;
}

export interface ApiHandlers {
  /** One handler per contract channel. */
  channels: QuorumApi;
  /** The raw little-endian voxel bytes behind a VolumeInfo.url. */
  readVolume(caseId: string, volumeId: string): Promise<Result<VolumePayload>>;
  /** The real path of a session's case file, for `files/<key>/<name>` (raw path after files/). */
  readCaseFile(rawPath: string): Promise<Result<string>>;
  /** One file of a model folder, for `api/model/<source>/<folder>/<file>` (raw path after api/model/). */
  readModelFile(rawPath: string): Promise<Result<Uint8Array>>;
  /** One array of a finished native inference job, for `api/inference/<jobId>/<index>`. */
  readInferenceArray(jobId: string, index: number): Result<Uint8Array>;
}

const DATA_TYPE_OF: Record<string, VoxelDataType> = {
  Uint8Array: 'uint8',
  Int8Array: 'int8',
  Int16Array: 'int16',
  Uint16Array: 'uint16',
  Int32Array: 'int32',
  Uint32Array: 'uint32',
  Float32Array: 'float32',
  Float64Array: 'float64',
};

/**
 * Same session, file and series → same id, so reopening a case replaces its cache entry instead of
 * growing it; the session token in the hash makes the id (and so the volume URL) unguessable to anyone else.
 */
function caseIdOf(token: string, realPath: string, seriesInstanceUid: string | undefined): string {
  return createHash('sha256')
    .update(`${token}\n${realPath}\n${seriesInstanceUid ?? ''}`)
    .digest('hex')
    .slice(0, 32);
}

/** An opened case as the cache keeps it: its descriptor (b-values, modality) and its voxels. */
interface OpenedCase {
  descriptor: CaseDescriptor;
  volumes: ReadonlyMap<string, Volume>;
}

/** The memory a case's volumes hold: each distinct buffer once (a 4D NIfTI's volumes share one). */
function voxelBytes({ volumes }: OpenedCase): number {
  const buffers = new Set<ArrayBufferLike>();
  for (const v of volumes.values()) buffers.add(v.data.buffer);
  let total = 0;
  for (const b of buffers) total += b.byteLength;
  return total;
}

export function createApiHandlers(ctx: ApiContext): ApiHandlers {
  const maxOpenCases = ctx.maxOpenCases ?? 4;
  const cases = new LruCache<string, OpenedCase>({
    capacity: maxOpenCases,
    maxWeight: ctx.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_BYTES,
    weigh: voxelBytes,
  });
  /** The live session behind a token; the dispatcher has already refused a request without one. */
  const sessionFor = sessionOfHost(ctx.projects);
  const decodeProgress = new DecodeProgressBoard();

  /**
   * Opens a case for a session (its study's reader rule first) with the project's other sequences,
   * and keeps it in the cache under `caseId`: for case.open, and for a volume URL of a case that
   * this process has not cached (the case was opened through another process, or left the cache).
   */
  async function loadCase(
    session: Session,
    realCasePath: string,
    caseId: string,
    seriesInstanceUid: string | null,
    onDecodeProgress?: DecodeProgress,
  ): Promise<Result<OpenedCase>> {
    const refusedReader = await refuseReaderOpening(ctx.projects, session, realCasePath);
    if (refusedReader) return refusedReader;
    const loaded = await ctx.loader.openCase(realCasePath, {
      caseId,
      ...(seriesInstanceUid === null ? {} : { seriesInstanceUid }),
      volumeUrl,
      ...(onDecodeProgress === undefined ? {} : { onDecodeProgress }),
    });
    if (!loaded.ok) return loaded;
    // A project case's other sequences join as volumes resampled into its reference grid.
    const withSequences = await withCaseSequences(ctx.projects, ctx.loader, session, realCasePath, loaded.value);
    if (!withSequences.ok) return withSequences;
    cases.set(withSequences.value.descriptor.caseId, withSequences.value);
    return withSequences;
  }

  /** Loads of granted cases under way, so that a page's parallel volume requests load a case once. */
  const reopening = new Map<string, Promise<OpenedCase | undefined>>();

  /** The cached case, or a case its session opened through any process (the grant in the database), loaded again. */
  function openedCase(caseId: string): Promise<OpenedCase | undefined> {
    const cached = cases.get(caseId);
    if (cached !== undefined) return Promise.resolve(cached);
    const pending = reopening.get(caseId);
    if (pending !== undefined) return pending;
    const loading = (async () => {
      const found = await ctx.projects.sessions.granted(caseId);
      if (found === null || found.grant.kind !== 'case') return undefined;
      const loaded = await loadCase(found.session, found.grant.path, caseId, found.grant.seriesInstanceUid);
      return loaded.ok ? loaded.value : undefined;
    })().finally(() => reopening.delete(caseId));
    reopening.set(caseId, loading);
    return loading;
  }

  const channels: QuorumApi = {
    'quorum:app.info': async () => ok({ version: ctx.version, mode: ctx.mode, demoProjectPath: ctx.demoProjectPath }),

    'quorum:project.listCases': async ({ path: requested, session }) => {
      if (requested === undefined || requested === ctx.demoProjectPath) return ctx.loader.listCases(ctx.demoProjectPath);
      if (!path.isAbsolute(requested)) return fail('bad-request', `Expected an absolute project folder path, got "${requested}".`);
      const s = await sessionFor(session ?? '');
      if (!s.ok) return fail('unauthorized', 'Listing a folder other than the demo needs a signed-in session: sign in first.');
      return (await refuseReaderBrowsing(ctx.projects, s.value)) ?? (await refuseStorePath(requested)) ?? ctx.loader.listCases(requested);
    },

    'quorum:case.open': async ({ session: token, path: requested, seriesInstanceUid }) => {
      if (!path.isAbsolute(requested)) return fail('bad-request', `Expected an absolute file or folder path, got "${requested}".`);
      const s = await sessionFor(token);
      if (!s.ok) return s;
      const refusedStore = await refuseStorePath(requested);
      if (refusedStore) return refusedStore;
      const realCasePath = await realpath(requested).catch(() => null);
      if (realCasePath === null) return fail('not-found', `No such file or folder: ${requested}`);

      const caseId = caseIdOf(token, realCasePath, seriesInstanceUid);
      const loaded = await decodeProgress.track(token, (onDecodeProgress) =>
        loadCase(s.value, realCasePath, caseId, seriesInstanceUid ?? null, onDecodeProgress),
      );
      if (!loaded.ok) return loaded;
      const { descriptor } = loaded.value;
      // In the database, so that any server process on it can serve the volume URLs (readVolume).
      await ctx.projects.sessions.grant(token, caseId, { kind: 'case', path: realCasePath, seriesInstanceUid: seriesInstanceUid ?? null });
      await ctx.recent.add(s.value.raterId, realCasePath);
      if (descriptor.source !== 'nifti') return ok(descriptor);
      // Only the case's own file is granted, and only after it opened: nothing beside it becomes readable.
      const file = ctx.files.grant(token, realCasePath);
      await ctx.projects.sessions.grant(token, file.key, { kind: 'file', path: realCasePath });
      return ok({ ...descriptor, fileUrl: `files/${file.urlPath}` });
    },

    'quorum:case.decodeProgress': async ({ session: token }) => ok({ frames: decodeProgress.of(token) }),

    'quorum:fs.list': async ({ session: token, path: dir }) => {
      const s = await sessionFor(token);
      if (!s.ok) return s;
      const refused = (await refuseReaderBrowsing(ctx.projects, s.value)) ?? (await refuseStorePath(dir));
      if (refused) return refused;
      const listed = await listDirectory(dir);
      return listed.ok ? ok({ ...listed.value, entries: withoutStoreEntries(listed.value.path, listed.value.entries) }) : listed;
    },

    'quorum:recent.list': async ({ session: token }) => {
      const s = await sessionFor(token);
      return s.ok ? ok({ paths: await ctx.recent.list(s.value.raterId) }) : s;
    },

    ...createProjectHandlers(ctx.projects),
    ...createSequenceHandlers(ctx.projects, ctx.loader),

    // Who may list or add models is decided once, before any work, by the dispatcher (channelAccess.ts):
    // a listing reads and hashes every model file, and a model version serves every project here.
    'quorum:models.list': async () => ok(await ctx.models.list()),
    'quorum:models.saveCalibrated': async ({ session: _session, ...input }) => ctx.models.saveCalibrated(input),
    ...createInferenceResultHandlers(ctx.projects),
    // The case id is the capability the volume route also takes: only the page that opened the case holds it.
    ...createNativeInferenceHandlers({ native: ctx.nativeInference, models: ctx.models, openedCase: (caseId) => cases.get(caseId) }),
    ...createStudyHandlers(ctx.projects),
    ...createEvaluationHandlers(ctx.projects),
    ...createLabelHandlers(ctx.projects),
    ...createAdminHandlers(ctx.projects),
    ...createDicomWebHandlers({
      baseUrl: ctx.dicomwebUrl,
      projects: ctx.projects,
      loader: ctx.loader,
      memoryBudgetBytes: ctx.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_BYTES,
    }),
  };

  async function readVolume(caseId: string, volumeId: string): Promise<Result<VolumePayload>> {
    const volumes = (await openedCase(caseId))?.volumes;
    if (volumes === undefined) {
      return fail('not-found', `Case ${caseId} is not open (its session ended, or the case was never opened); open it again.`);
    }
    const volume = volumes.get(volumeId);
    if (volume === undefined) return fail('not-found', `Case ${caseId} has no volume "${volumeId}".`);
    const dataType = DATA_TYPE_OF[volume.data.constructor.name];
    if (dataType === undefined) return fail('internal', `Unexpected voxel array type ${volume.data.constructor.name}.`);
    return ok({ bytes: littleEndianBytes(volume.data), dataType });
  }

  return {
    channels,
    readVolume,
    readCaseFile: (rawPath) =>
      ctx.files.resolveFileUrlPath(rawPath, async (key) => {
        const found = await ctx.projects.sessions.granted(key);
        return found?.grant.kind === 'file' ? found.grant.path : null;
      }),
    readModelFile: (rawPath) => ctx.models.readFile(rawPath),
    readInferenceArray: (jobId, index) =>
      'unavailable' in ctx.nativeInference ? fail('not-found', 'No native inference here.') : ctx.nativeInference.readArray(jobId, index),
  };
}
