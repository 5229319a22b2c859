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
import type { SeriesGeometry, Session } from '../../src-shared/project/types';
import { readWholeFile } from './caseFiles';
import { decodeDicomSeg } from './exchange/dicomSegRead';
import { encodeDicomSeg } from './exchange/dicomSegWrite';
import { isDicomPart10 } from './exchange/dicomNatural';
import { readDicomSource } from './exchange/dicomSource';
import { exportIslesBids } from './exchange/bidsExport';
import { importFolder } from './exchange/folderImport';
import { refuseStorePath } from './fileAccess';
import { sha256Hex } from './project/annotationFiles';
import { fail } from './project/errors';
import { encodeLabelmap } from './project/maskCodec';
import type { ProjectHost } from './project/projectHost';
import type { ProjectStore } from './project/ProjectStore';
import { guarded } from './projectGuard';

export type ExchangeHandlers = Pick<QuorumApi, ExchangeChannel>;

function voxels(g: SeriesGeometry): number {
  return g.dims[0] * g.dims[1] * g.dims[2];
}

/** A mask file: absolute, a regular file, and no larger than 8 bytes a voxel (+ 64 MiB of headers) of the case grid. */
async function readMaskFile(p: string, g: SeriesGeometry): Promise<Uint8Array> {
  if (!path.isAbsolute(p)) fail('bad-request', `expected an absolute file path, got "${p}"`);
  const info = await stat(p).catch(() => null);
  if (!info) fail('not-found', `no such file: ${p}`);
  if (!info.isFile()) fail('bad-request', `not a file: ${p}`);
  const cap = voxels(g) * 8 + 64 * 2 ** 20;
  if (info.size > cap)
    fail('bad-geometry', `${path.basename(p)} is ${info.size} bytes, more than any mask on the case grid ${JSON.stringify(g.dims)} can be`);
  return readWholeFile(p, cap);
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
    'quorum:annotation.import': async ({ session, caseId, path: file, status, raterId }) =>
      (await refuseStorePath(file)) ??
      guarded(async () => {
        const { store, s } = await signedIn(session);
        const geometry = (await store.getCase(s, caseId)).series[0].geometry;
        const raw = await readMaskFile(file, geometry);
        const fileName = path.basename(file);
        // A DICOM SEG is decoded onto the case grid (refused if it does not fit) and stored as the
        // NIfTI the editor would have saved; a NIfTI is stored byte for byte.
        const bytes = isDicomPart10(raw) ? encodeLabelmap(geometry, decodeDicomSeg(raw, geometry, fileName).labelmap) : raw;
        return await store.importMask(s, { caseId, bytes, fileName, status, ...(raterId === undefined ? {} : { raterId }) });
      }),

    'quorum:import.folder': async ({ session, path: dir, layout, status, defaultRater }) =>
      (await refuseStorePath(dir)) ??
      guarded(async () => {
        const { store, s } = await signedIn(session);
        return importFolder(store, s, dir, {
          ...(layout ? { layout } : {}),
          ...(status ? { status } : {}),
          ...(defaultRater ? { defaultRater } : {}),
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
          const names = new Map((await store.listRaters(s)).map((r) => [r.raterId, r.name]));
          const labels = await store.labels(s);
          const write = async (
            name: string,
            labelmap: Uint8Array,
            creator: string,
            description: string,
            ids: { raterId: string | null; versionId: string | null },
          ): Promise<void> => {
            const bytes = encodeDicomSeg(labelmap, g, source, {
              labels,
              seriesDescription: description,
              creator,
              softwareVersion: store.appVersion,
            });
            const p = path.join(exported.dir, 'dicom-seg', name);
            await writeOut(p, bytes);
            files.push({ path: p, kind: 'dicom-seg', sha256: sha256Hex(bytes), ...ids });
          };
          for (const f of exported.files) {
            if (f.kind !== 'rater' || !f.versionId || !f.raterId) continue;
            const rater = names.get(f.raterId) ?? f.raterId;
            await write(
              `${path.basename(f.path).replace(/\.nii(\.gz)?$/, '')}.dcm`,
              await store.readVersionLabelmap(s, f.versionId),
              rater,
              `Quorum ${rater}`.slice(0, 64),
              { raterId: f.raterId, versionId: f.versionId },
            );
          }
          await write(
            'consensus_majority.dcm',
            (await store.consensus(s, caseId, uncertainAs)).majority,
            'Quorum consensus',
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
