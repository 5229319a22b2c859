/**
 * Handlers of the DICOMweb channels (src-shared/api/dicomwebChannels.ts): search the archive named by
 * `--dicomweb`, and add one of its series to the project as a case. The series is copied into the
 * project's `archive/<study UID>/<series UID>/` folder through the series cache (dicomweb/), so the
 * case opens like any DICOM folder case, offline too, and is read from the archive only once.
 *
 * Plain Node; no Electron.
 */
import path from 'node:path';
import type { QuorumApi, Result } from '../../src-shared/api/contract';
import type { DicomWebChannel } from '../../src-shared/api/dicomwebChannels';
import { ARCHIVE_FOLDER } from '../../src-shared/project/archiveSource';
import type { CaseLoader } from './api';
import { fail } from './apiResult';
import { DicomWebClient, DicomWebError } from './dicomweb/client';
import { readDicom, str } from './exchange/dicomNatural';
import { encodeDicomSeg } from './exchange/dicomSegWrite';
import { segAuthor } from './exchange/segAuthor';
import { readDicomSource } from './exchange/dicomSource';
import { SeriesCache } from './dicomweb/seriesCache';
import { toDirection } from './project/demoCases';
import { fail as refuse } from './project/errors';
import type { ProjectHost } from './project/projectHost';
import { guarded } from './projectGuard';

interface DicomWebContext {
  /** The archive's DICOMweb root (`--dicomweb`); undefined when the server has none. */
  baseUrl: string | undefined;
  projects: ProjectHost;
  loader: CaseLoader;
  /** One series may be no larger than the server's memory budget for case data. */
  memoryBudgetBytes: number;
}

/** The project's copies are its images, not a disposable cache: they are never evicted. */
const NO_EVICTION = Number.MAX_SAFE_INTEGER;

/** A running addCase: its retrieval's progress and the switch that cancels it. */
interface RunningAdd {
  progress: { receivedBytes: number; totalBytes: number | null };
  readonly stop: AbortController;
}

export function createDicomWebHandlers(ctx: DicomWebContext): Pick<QuorumApi, DicomWebChannel> {
  /** By session token: a session sees and cancels its own add only. */
  const running = new Map<string, RunningAdd>();
  const client =
    ctx.baseUrl === undefined ? undefined : new DicomWebClient({ baseUrl: ctx.baseUrl, maxResponseBytes: ctx.memoryBudgetBytes });

  /** Runs `fn` with the archive's client; archive failures become errors that say what the archive did. */
  async function withArchive<T>(fn: (c: DicomWebClient) => Promise<T>): Promise<Result<T>> {
    if (!client) return fail('not-found', 'This server has no DICOMweb archive: start it with --dicomweb <url>.');
    try {
      return await guarded(() => fn(client));
    } catch (e) {
      if (e instanceof DicomWebError) return fail('bad-request', `DICOMweb archive: ${e.message}`);
      throw e;
    }
  }

  /**
   * Copies the series into the project and adds its case. A cancel aborts the retrieval; one that
   * comes after it (while the copy opens) is honoured just before the case is added. The store's
   * add awaits, so from that moment the add leaves `running` (with no await in between): a later
   * cancel is answered "nothing to cancel", and a cancel that was acknowledged always means no case.
   */
  async function addCase(
    c: DicomWebClient,
    add: RunningAdd,
    {
      session,
      name,
      studyInstanceUid,
      seriesInstanceUid,
    }: { session: string; name: string; studyInstanceUid: string; seriesInstanceUid: string },
  ) {
    const store = await ctx.projects.current();
    const s = await ctx.projects.sessions.resolve(session);
    const cache = new SeriesCache(path.join(store.dir, ARCHIVE_FOLDER), NO_EVICTION);
    const folder = await cache.folderFor(c, studyInstanceUid, seriesInstanceUid, {
      signal: add.stop.signal,
      onProgress: (p) => {
        add.progress = { receivedBytes: p.receivedBytes, totalBytes: p.totalBytes ?? null };
      },
    });
    const opened = await ctx.loader.openCase(folder, { caseId: 'dicomweb-add', seriesInstanceUid, volumeUrl: () => '' });
    if (!opened.ok) throw new DicomWebError(`series ${seriesInstanceUid} does not open as an image: ${opened.error.message}`);
    if (add.stop.signal.aborted) throw new DicomWebError('cancelled');
    if (running.get(session) === add) running.delete(session);
    const record = await store.addCase(s, {
      name,
      source: 'dicom',
      series: opened.value.descriptor.volumes.map((v) => ({
        label: v.label,
        path: folder,
        bValue: v.bValue,
        geometry: { dims: v.dims, spacingMm: v.spacingMm, originLps: v.originLps, direction: toDirection(v.direction) },
      })),
    });
    return { record, folder };
  }

  return {
    'quorum:dicomweb.search': ({ query }) =>
      withArchive(async (c) => {
        const series = await c.searchSeries(query);
        return {
          archive: ctx.baseUrl ?? '',
          series: series.map(({ instances, ...rest }) => (instances === undefined ? rest : { ...rest, instances })),
        };
      }),

    'quorum:dicomweb.addCase': ({ session, name, studyInstanceUid, seriesInstanceUid }) =>
      withArchive(async (c) => {
        const add: RunningAdd = { progress: { receivedBytes: 0, totalBytes: null }, stop: new AbortController() };
        running.set(session, add);
        try {
          return await addCase(c, add, { session, name, studyInstanceUid, seriesInstanceUid });
        } finally {
          if (running.get(session) === add) running.delete(session);
        }
      }),

    'quorum:dicomweb.addProgress': async ({ session }) => ({ ok: true, value: { progress: running.get(session)?.progress ?? null } }),

    'quorum:dicomweb.cancelAdd': async ({ session }) => {
      const add = running.get(session);
      add?.stop.abort();
      return { ok: true, value: { cancelled: add !== undefined } };
    },

    'quorum:dicomweb.storeSeg': ({ session, versionId }) =>
      withArchive(async (c) => {
        const store = await ctx.projects.current();
        const s = await ctx.projects.sessions.resolve(session);
        const version = await store.getVersion(s, versionId);
        const kase = await store.getCase(s, version.caseId);
        if (kase.source !== 'dicom') refuse('bad-request', `case "${kase.name}" came from NIfTI: a DICOM SEG needs a DICOM source series`);
        const g = kase.series[0].geometry;
        const source = await readDicomSource(path.resolve(store.dir, kase.series[0].path), g);
        const rater = (await store.listRaters(s)).find((r) => r.raterId === version.raterId);
        const author = await segAuthor(store, s, rater, version);
        const seg = encodeDicomSeg(await store.readVersionLabelmap(s, versionId), g, source, {
          labels: await store.labels(s),
          seriesDescription: `Quorum ${author.creator}`.slice(0, 64),
          ...author,
          softwareVersion: store.appVersion,
        });
        const studyInstanceUid = str(source.common.StudyInstanceUID) ?? '';
        await c.store(studyInstanceUid, [seg]);
        const stored = readDicom(seg, { headerOnly: true }).dataset;
        return {
          studyInstanceUid,
          seriesInstanceUid: str(stored.SeriesInstanceUID) ?? '',
          sopInstanceUid: str(stored.SOPInstanceUID) ?? '',
        };
      }),
  };
}
