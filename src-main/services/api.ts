/**
 * The one handler table behind both transports (Electron IPC and browser-mode HTTP). Each contract
 * channel has exactly one handler here; the transports validate requests with the contract's zod
 * schemas before calling it (apiDispatch.ts), so handlers receive typed, checked input.
 *
 * Opened cases stay in memory in a small LRU so their voxels can be served at
 * `api/volume/<caseId>/<volumeId>`; the folder of each opened case becomes an "opened root" whose
 * files may be served at `files/<rootId>/…` (pathGuard.ts).
 *
 * Plain Node; no Electron. The case loader is passed in (a port), so composition roots wire the real
 * one and nothing here knows file formats.
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { CaseDescriptor, CaseEntry, QuorumApi, Result } from '../../src-shared/api/contract';
import { fileUrl, volumeUrl } from '../../src-shared/api/transport';
import type { Volume, VoxelDataType } from '../../src-shared/volume/types';
import { createEvaluationHandlers } from './apiEvaluation';
import { createInferenceResultHandlers } from './apiInferenceResults';
import { createProjectHandlers } from './apiProject';
import { fail, ok } from './apiResult';
import { LruCache } from './caseCache';
import { listDirectory } from './fsList';
import type { ModelsService } from './models';
import type { PathGuard } from './pathGuard';
import type { ProjectHost } from './project/projectHost';
import type { RecentStore } from './recent';
import { createStudyHandlers } from './study/apiStudy';
import { littleEndianBytes } from './volumeBytes';
import { guarded } from './projectGuard';
import { seesAllRaters } from '../../src-shared/project/blinding';

/** What the API needs from the case loader (src-main/services/caseLoader.ts implements it). */
export interface CaseLoader {
  openCase(
    casePath: string,
    opts: { caseId: string; seriesInstanceUid?: string; volumeUrl: (caseId: string, volumeId: string) => string },
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
  pathGuard: PathGuard;
  /** The open Quorum project (raters, annotations) behind the project channels. */
  projects: ProjectHost;
  /** Bundled and user model folders (issue 5). */
  models: ModelsService;
  /** How many opened cases keep their voxels in memory. */
  maxOpenCases?: number;
}

export interface VolumePayload {
  bytes: Uint8Array;
  dataType: VoxelDataType;
}

export interface ApiHandlers {
  /** One handler per contract channel. */
  channels: QuorumApi;
  /** The raw little-endian voxel bytes behind a VolumeInfo.url. */
  readVolume(caseId: string, volumeId: string): Result<VolumePayload>;
  /** One file of a model folder, for `api/model/<source>/<folder>/<file>` (raw path after api/model/). */
  readModelFile(rawPath: string): Promise<Result<Uint8Array>>;
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

/** Same file (and series) → same id, so reopening a case replaces its cache entry instead of growing it. */
function caseIdOf(realPath: string, seriesInstanceUid: string | undefined): string {
  return createHash('sha256')
    .update(`${realPath}\n${seriesInstanceUid ?? ''}`)
    .digest('hex')
    .slice(0, 16);
}

export function createApiHandlers(ctx: ApiContext): ApiHandlers {
  const maxOpenCases = ctx.maxOpenCases ?? 4;
  const cases = new LruCache<string, ReadonlyMap<string, Volume>>(maxOpenCases);

  const channels: QuorumApi = {
    'quorum:app.info': async () => ok({ version: ctx.version, mode: ctx.mode, demoProjectPath: ctx.demoProjectPath }),

    'quorum:project.listCases': async ({ path: requested }) => {
      const folder = requested ?? ctx.demoProjectPath;
      if (!path.isAbsolute(folder)) return fail('bad-request', `Expected an absolute project folder path, got "${folder}".`);
      const listed = await ctx.loader.listCases(folder);
      if (listed.ok) await ctx.pathGuard.addRoot(listed.value.path);
      return listed;
    },

    'quorum:case.open': async ({ path: requested, seriesInstanceUid }) => {
      if (!path.isAbsolute(requested)) return fail('bad-request', `Expected an absolute file or folder path, got "${requested}".`);
      const info = await stat(requested).catch(() => null);
      if (info === null) return fail('not-found', `No such file or folder: ${requested}`);
      const root = await ctx.pathGuard.addRoot(info.isDirectory() ? requested : path.dirname(requested));
      const realCasePath = info.isDirectory() ? root.realPath : path.join(root.realPath, path.basename(requested));
      const caseId = caseIdOf(realCasePath, seriesInstanceUid);

      const loaded = await ctx.loader.openCase(requested, {
        caseId,
        ...(seriesInstanceUid === undefined ? {} : { seriesInstanceUid }),
        volumeUrl,
      });
      if (!loaded.ok) return loaded;
      const { descriptor, volumes } = loaded.value;
      cases.set(descriptor.caseId, volumes);
      await ctx.recent.add(requested);
      const withFile: CaseDescriptor =
        descriptor.source === 'nifti'
          ? { ...descriptor, fileUrl: fileUrl(root.rootId, path.relative(root.realPath, realCasePath)) }
          : descriptor;
      return ok(withFile);
    },

    'quorum:fs.list': async ({ path: dir }) => listDirectory(dir),

    'quorum:recent.list': async () => ok({ paths: await ctx.recent.list() }),

    ...createProjectHandlers(ctx.projects),

    'quorum:models.list': async () => ok(await ctx.models.list()),
    // A model version is for every project on this machine: only a reviewer or admin may add one.
    'quorum:models.saveCalibrated': async ({ session, ...input }) => {
      const role = await guarded(() => ctx.projects.sessions.resolve(session).role);
      if (!role.ok) return role;
      if (!seesAllRaters(role.value)) return fail('unauthorized', 'saving a calibrated model version is for reviewers and admins');
      return ctx.models.saveCalibrated(input);
    },
    ...createInferenceResultHandlers(ctx.projects),
    ...createStudyHandlers(ctx.projects),
    ...createEvaluationHandlers(ctx.projects),
  };

  function readVolume(caseId: string, volumeId: string): Result<VolumePayload> {
    const volumes = cases.get(caseId);
    if (volumes === undefined) {
      return fail('not-found', `Case ${caseId} is not open (only the last ${maxOpenCases} opened cases stay in memory); open it again.`);
    }
    const volume = volumes.get(volumeId);
    if (volume === undefined) return fail('not-found', `Case ${caseId} has no volume "${volumeId}".`);
    const dataType = DATA_TYPE_OF[volume.data.constructor.name];
    if (dataType === undefined) return fail('internal', `Unexpected voxel array type ${volume.data.constructor.name}.`);
    return ok({ bytes: littleEndianBytes(volume.data), dataType });
  }

  return { channels, readVolume, readModelFile: (rawPath) => ctx.models.readFile(rawPath) };
}
