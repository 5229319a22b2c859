/**
 * Handlers of the exchange channels (src-shared/api/exchangeChannels.ts), spread into the project
 * handlers. Like every project handler they resolve the session token and let the store apply
 * roles and blinding; what is added here is file I/O: reading the chosen mask or folder, writing
 * the export folder and the CSV, and DICOM SEG encoding/decoding (exchange/).
 *
 * Paths come from the user's own folder browser and are read or written by this process, as the
 * open dialog's are: absolute paths only, regular files only, mask files size-capped by the case
 * grid before they are read.
 *
 * Plain Node; no Electron.
 */
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { QuorumApi } from '../../src-shared/api/contract';
import type { ExchangeChannel } from '../../src-shared/api/exchangeChannels';
import { mayManageProject } from '../../src-shared/project/blinding';
import type { Geometry } from '../../src-shared/volume/types';
import type { Session } from '../../src-shared/project/types';
import { readWholeFile } from './caseFiles';
import { decodeDicomSeg } from './exchange/dicomSegRead';
import { encodeDicomSeg, type SegWriteOptions } from './exchange/dicomSegWrite';
import { isDicomPart10 } from './exchange/dicomNatural';
import { readDicomSource } from './exchange/dicomSource';
import { exportIslesBids } from './exchange/bidsExport';
import { segAuthor } from './exchange/segAuthor';
import { importFolder, planFolderImport } from './exchange/folderImport';
import { mapMaskFile, maskFileValues, requestedMapping } from './exchange/maskValues';
import { refuseStorePath } from './fileAccess';
import { sha256Hex } from './project/annotationFiles';
import { fail } from './project/errors';
import { encodeLabelmap } from './project/maskCodec';
import type { ProjectHost } from './project/projectHost';
import type { ProjectStore } from './project/ProjectStore';
import { guarded } from './projectGuard';

export type ExchangeHandlers = Pick<QuorumApi, ExchangeChannel>;

function voxels(g: Geometry): number {
  return g.dims[0] * g.dims[1] * g.dims[2];
}

/** A mask file: absolute, a regular file, and no larger than 8 bytes a voxel (+ 64 MiB of headers) of the case grid. */
async function readMaskFile(p: string, g: Geometry): Promise<Uint8Array> {
  if (!path.isAbsolute(p)) fail('bad-request', `expected an absolute file path, got "${p}"`);
  const info = await stat(p).catch(() => null);
  if (!info) fail('not-found', `no such file: ${p}`);
  if (!info.isFile()) fail('bad-request', `not a file: ${p}`);
  const cap = voxels(g) * 8 + 64 * 2 ** 20;
  if (info.size > cap)
    fail('bad-geometry', `${path.basename(p)} is ${info.size} bytes, more than any mask on the case grid ${JSON.stringify(g.dims)} can be`);
  return readWholeFile(p, cap);
}

/**
 * A mask file chosen for a case, as NIfTI bytes: a DICOM SEG is decoded onto the case grid (refused
 * if it does not fit) and becomes the NIfTI the editor would have saved; a NIfTI stays as it is.
 */
async function readCaseMask(
  store: ProjectStore,
  s: Session,
  caseId: string,
  file: string,
): Promise<{ geometry: Geometry; bytes: Uint8Array; fileName: string }> {
  const geometry = (await store.getCase(s, caseId)).series[0].geometry;
  const raw = await readMaskFile(file, geometry);
  const fileName = path.basename(file);
  // Segments become the project's label values (exchange/segLabels.ts), so a value mapping after
  // this step sees table values only.
  const bytes = isDicomPart10(raw)
    ? encodeLabelmap(geometry, decodeDicomSeg(raw, geometry, await store.labels(s), fileName).labelmap)
    : raw;
  return { geometry, bytes, fileName };
}

/** Writes a file the way every export does: creating its folder, refusing relative paths. */
async function writeOut(p: string, bytes: Uint8Array | string): Promise<void> {
  await mkdir(path.dirname(p), { recursive: true });
  await writeFile(p, bytes);
}

export function createExchangeHandlers(host: ProjectHost): ExchangeHandlers {
  async function signedIn(token: string): Promise<{ store: ProjectStore; s: Session }> {
    const store = await host.current();
    return { store, s: await host.sessions.resolve(token) };
  }

  return {
    // A file in a project's store is some rater's stored work: importing it would hand it to the caller as their own.
    'quorum:annotation.import': async ({ session, caseId, path: file, status, raterId, mapping }) =>
      (await refuseStorePath(file)) ??
      guarded(async () => {
        const { store, s } = await signedIn(session);
        const { geometry, bytes, fileName } = await readCaseMask(store, s, caseId, file);
        const table = await store.labels(s);
        const mapped = mapMaskFile(bytes, geometry, fileName, table, requestedMapping(mapping, table));
        return await store.importMask(s, { caseId, bytes: mapped, fileName, status, ...(raterId === undefined ? {} : { raterId }) });
      }),

    'quorum:import.values': async ({ session, path: p, caseId, layout, tasksAs }) =>
      (await refuseStorePath(p)) ??
      guarded(async () => {
        const { store, s } = await signedIn(session);
        if (caseId !== undefined) {
          const { geometry, bytes, fileName } = await readCaseMask(store, s, caseId, p);
          return { files: [{ fileName, ...maskFileValues(bytes, geometry, fileName) }] };
        }
        if (!mayManageProject(s.role)) fail('forbidden', 'only an admin can import a dataset folder');
        const plan = await planFolderImport(path.resolve(p), await store.labels(s), {
          ...(layout ? { layout } : {}),
          ...(tasksAs ? { tasksAs } : {}),
        });
        // Each file is a part of exactly one planned mask.
        const files = plan.cases.flatMap((c) =>
          c.masks.flatMap((m) =>
            m.parts.map((part) => ({ fileName: part.fileName, ...maskFileValues(part.bytes, c.series[0].geometry, part.fileName) })),
          ),
        );
        return { files };
      }),

    'quorum:import.folder': async ({ session, path: dir, layout, status, defaultRater, mapping, tasksAs }) =>
      (await refuseStorePath(dir)) ??
      guarded(async () => {
        const { store, s } = await signedIn(session);
        return importFolder(store, s, dir, {
          ...(layout ? { layout } : {}),
          ...(status ? { status } : {}),
          ...(defaultRater ? { defaultRater } : {}),
          ...(tasksAs ? { tasksAs } : {}),
          mapping: requestedMapping(mapping, await store.labels(s)),
        });
      }),

    'quorum:export.case': ({ session, caseId, outDir, uncertainAs, dicomSeg, format }) =>
      guarded(async () => {
        if (!path.isAbsolute(outDir)) fail('bad-request', `expected an absolute folder path, got "${outDir}"`);
        const { store, s } = await signedIn(session);
        if (format === 'isles-bids') {
          if (dicomSeg) fail('bad-request', 'ISLES-BIDS holds NIfTI masks; export DICOM SEG with the NIfTI format');
          return await exportIslesBids(store, s, caseId, outDir, uncertainAs);
        }
        const c = await store.getCase(s, caseId);
        if (dicomSeg && c.source !== 'dicom')
          fail(
            'bad-request',
            `case "${c.name}" came from NIfTI, so there is no DICOM series for a DICOM SEG to refer to; export NIfTI instead`,
          );
        const exported = await store.exportCase(s, caseId, outDir, { uncertainAs });
        const files: Array<
          | (typeof exported.files)[number]
          | { path: string; kind: 'dicom-seg'; raterId: string | null; versionId: string | null; sha256: string }
        > = [...exported.files];
        const notes: string[] = [];
        if (dicomSeg) {
          const g = c.series[0].geometry;
          const source = await readDicomSource(path.resolve(store.dir, c.series[0].path), g);
          const raters = new Map((await store.listRaters(s)).map((r) => [r.raterId, r]));
          const labels = await store.labels(s);
          const write = async (
            name: string,
            labelmap: Uint8Array,
            author: Pick<SegWriteOptions, 'creator' | 'algorithm'>,
            description: string,
            ids: { raterId: string | null; versionId: string | null },
          ): Promise<void> => {
            const bytes = encodeDicomSeg(labelmap, g, source, {
              labels,
              seriesDescription: description,
              ...author,
              softwareVersion: store.appVersion,
            });
            const p = path.join(exported.dir, 'dicom-seg', name);
            await writeOut(p, bytes);
            files.push({ path: p, kind: 'dicom-seg', sha256: sha256Hex(bytes), ...ids });
          };
          for (const f of exported.files) {
            if (f.kind !== 'rater' || !f.versionId || !f.raterId) continue;
            const author = await segAuthor(store, s, raters.get(f.raterId), { raterId: f.raterId, versionId: f.versionId });
            await write(
              `${path.basename(f.path).replace(/\.nii(\.gz)?$/, '')}.dcm`,
              await store.readVersionLabelmap(s, f.versionId),
              author,
              `Quorum ${author.creator}`.slice(0, 64),
              { raterId: f.raterId, versionId: f.versionId },
            );
          }
          await write(
            'consensus_majority.dcm',
            (await store.consensus(s, caseId, uncertainAs)).majority,
            { creator: 'Quorum consensus' },
            `Quorum majority consensus`,
            { raterId: null, versionId: null },
          );
          notes.push(
            `DICOM SEG written against series ${source.seriesInstanceUid} (${source.slices.length} slices); the soft consensus is NIfTI only, since binary SEG holds labels, not probabilities`,
          );
        }
        return { caseId: exported.caseId, dir: exported.dir, files, notes };
      }),

    'quorum:export.versionsCsv': ({ session, path: out }) =>
      guarded(async () => {
        if (!path.isAbsolute(out)) fail('bad-request', `expected an absolute file path, got "${out}"`);
        const { store, s } = await signedIn(session);
        const csv = await store.versionsCsv(s);
        await writeOut(out, csv);
        return { path: out, rows: (await store.listVersions(s)).length };
      }),
  };
}
