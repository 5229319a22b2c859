/**
 * Cases of several sequences (issue 12), on the server: finding a subject folder's images by their
 * BIDS suffix, the channels that add sequences, and, when a project case is opened, its other
 * sequences resampled into the reference grid by their affines (src-shared/volume/resampleToGrid.ts)
 * as more volumes of the case. The viewer then switches and pairs them like b-values, on one grid
 * where annotations live; each resampled volume says which sequence it is (`VolumeInfo.sequence`),
 * so a sequence computed from another (an ADC fitted from the DWI) can later join the same way.
 *
 * Plain Node; the case loader is passed in (api.ts's CaseLoader port), so nothing here knows formats.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { CaseDescriptor, QuorumApi, Result, VolumeInfo } from '../../src-shared/api/contract';
import { volumeUrl } from '../../src-shared/api/transport';
import type { sequenceChannels } from '../../src-shared/api/sequenceChannels';
import { defaultReferenceIndex, kindFromFileName, bidsSuffix, type SequenceKind } from '../../src-shared/project/sequences';
import type { CaseRecord, Session } from '../../src-shared/project/types';
import { resampleToGrid } from '../../src-shared/volume/resampleToGrid';
import { finiteRange } from '../../src-shared/volume/stats';
import type { Direction, Geometry, Volume } from '../../src-shared/volume/types';
import { fail as failResult, ok } from './apiResult';
import { isNiftiName } from './caseFiles';
import { refuseStorePath } from './fileAccess';
import { guarded } from './projectGuard';
import { fail } from './project/errors';
import type { ProjectHost } from './project/projectHost';
import type { ProjectStore } from './project/ProjectStore';

type SequenceHandlers = Pick<QuorumApi, keyof typeof sequenceChannels>;

/** What this needs of api.ts's CaseLoader (declared here, not imported, so the two modules form no cycle). */
export interface SequenceLoader {
  openCase(
    casePath: string,
    opts: { caseId: string; volumeUrl: (caseId: string, volumeId: string) => string },
  ): Promise<Result<{ descriptor: CaseDescriptor; volumes: ReadonlyMap<string, Volume> }>>;
}

/** How deep a subject folder is searched: ISLES'22 puts images at rawdata/sub-X/ses-0001/dwi/…. */
const MAX_DEPTH = 4;

/**
 * The images of a BIDS / ISLES'22 subject folder whose suffix names a kind, sorted by path.
 * `derivatives/` holds masks, not images, and is skipped, as are hidden folders.
 */
async function findSequenceFiles(folder: string, depth = 0): Promise<{ path: string; kind: SequenceKind }[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  const found: { path: string; kind: SequenceKind }[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(folder, e.name);
    if (e.isDirectory()) {
      if (depth < MAX_DEPTH && !e.name.startsWith('.') && e.name !== 'derivatives')
        found.push(...(await findSequenceFiles(full, depth + 1)));
      continue;
    }
    const kind = e.isFile() && isNiftiName(e.name) ? kindFromFileName(e.name) : null;
    if (kind) found.push({ path: full, kind });
  }
  return found;
}

/** The default name of a sequence: its kind, or for perfusion maps and unknown kinds the file's suffix. */
function defaultName(kind: SequenceKind, file: string): string {
  if (kind !== 'ct-perfusion' && kind !== 'other') return kind;
  const suffix = bidsSuffix(path.basename(file))?.replace(/[^a-z0-9_-]/g, '');
  return suffix || 'image';
}

/** `name`, or `name_2`, `name_3`… when the case already has it. */
function uniqueName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  for (let n = 2; ; n++) if (!taken.has(`${name}_${n}`)) return `${name}_${n}`;
}

interface LoadedSequence {
  name: string;
  kind: SequenceKind;
  path: string;
  source: 'nifti' | 'dicom';
  infos: VolumeInfo[];
  volumes: Volume[];
}

function geometryOf(v: VolumeInfo): Geometry {
  const d = v.direction;
  return {
    dims: v.dims,
    spacingMm: v.spacingMm,
    originLps: v.originLps,
    direction: [d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8]] as Direction,
  };
}

async function loadSequence(loader: SequenceLoader, file: string, name: string, kind: SequenceKind): Promise<LoadedSequence> {
  const opened = await loader.openCase(file, { caseId: 'sequence', volumeUrl });
  if (!opened.ok) fail('bad-request', `${path.basename(file)}: ${opened.error.message}`);
  const { descriptor, volumes } = opened.value;
  return {
    name,
    kind,
    path: file,
    source: descriptor.source,
    infos: descriptor.volumes,
    volumes: descriptor.volumes.map((v) => volumes.get(v.volumeId) as Volume),
  };
}

/** Refuses a sequence whose field of view does not meet the reference grid's, with the reason. */
function checkOverlap(seq: LoadedSequence, reference: Geometry): void {
  const r = resampleToGrid(seq.volumes[0], reference, 'nearest');
  if (!r.ok)
    fail('bad-request', `sequence "${seq.name}" (${path.basename(seq.path)}) cannot be shown on the case's reference grid: ${r.reason}`);
}

/** What `path` holds: a subject folder's recognised images, or one image (file or DICOM folder). */
async function sequencesAt(
  p: string,
  name: string | undefined,
  kind: SequenceKind | undefined,
): Promise<{ path: string; kind: SequenceKind; name?: string }[]> {
  if ((await stat(p)).isDirectory()) {
    const files = await findSequenceFiles(p);
    if (files.length > 0) {
      if (name !== undefined || kind !== undefined)
        fail('bad-request', `${p} is a subject folder of ${files.length} images; a name or kind applies to one image: choose its file`);
      return files;
    }
  }
  return [{ path: p, kind: kind ?? kindFromFileName(path.basename(p)) ?? 'other', ...(name === undefined ? {} : { name }) }];
}

export function createSequenceHandlers(host: ProjectHost, loader: SequenceLoader): SequenceHandlers {
  async function signedIn(token: string): Promise<{ store: ProjectStore; s: Session }> {
    const store = await host.current();
    return { store, s: await host.sessions.resolve(token) };
  }

  /** Loads every image first and checks each against the reference grid, so a refusal adds nothing. */
  async function loadAll(found: { path: string; kind: SequenceKind; name?: string }[], taken: Set<string>): Promise<LoadedSequence[]> {
    const loaded: LoadedSequence[] = [];
    for (const f of found) {
      const name = f.name ?? uniqueName(defaultName(f.kind, f.path), taken);
      taken.add(name);
      loaded.push(await loadSequence(loader, f.path, name, f.kind));
    }
    return loaded;
  }

  async function refusedPath(p: string): Promise<void> {
    if (!path.isAbsolute(p)) fail('bad-request', `Expected an absolute file or folder path, got "${p}".`);
    const refused = await refuseStorePath(p);
    if (refused && !refused.ok) fail('bad-request', refused.error.message);
  }

  return {
    'quorum:sequence.add': ({ session, caseId, path: p, name, kind }) =>
      guarded(async () => {
        const { store, s } = await signedIn(session);
        const record = await store.getCase(s, caseId);
        await refusedPath(p);
        const found = await sequencesAt(p, name, kind);
        const loaded = await loadAll(found, new Set(record.sequences.map((q) => q.name)));
        for (const seq of loaded) checkOverlap(seq, record.series[0].geometry);
        for (const seq of loaded)
          await store.addSequence(s, caseId, {
            name: seq.name,
            kind: seq.kind,
            path: seq.path,
            volumes: seq.infos.map((v) => ({ label: v.label, bValue: v.bValue })),
            geometry: geometryOf(seq.infos[0]),
          });
        return await store.getCase(s, caseId);
      }),

    'quorum:sequence.importSubject': ({ session, path: p, name }) =>
      guarded(async () => {
        const { store, s } = await signedIn(session);
        await refusedPath(p);
        const found = await findSequenceFiles(p);
        if (found.length === 0)
          fail('bad-request', `${p} holds no image named like a BIDS subject's (*_dwi, *_adc, *_flair, *_T1w, *_ct… .nii/.nii.gz)`);
        const loaded = await loadAll(found, new Set());
        const ref = loaded[defaultReferenceIndex(loaded.map((q) => q.kind))];
        const refGrid = geometryOf(ref.infos[0]);
        for (const seq of loaded) if (seq !== ref) checkOverlap(seq, refGrid);
        const created = await store.addCase(s, {
          name: name ?? path.basename(p),
          source: ref.source,
          series: ref.infos.map((v) => ({ label: v.label, path: ref.path, bValue: v.bValue, geometry: geometryOf(v) })),
          sequence: { name: ref.name, kind: ref.kind },
        });
        for (const seq of loaded)
          if (seq !== ref)
            await store.addSequence(s, created.caseId, {
              name: seq.name,
              kind: seq.kind,
              path: seq.path,
              volumes: seq.infos.map((v) => ({ label: v.label, bValue: v.bValue })),
              geometry: geometryOf(seq.infos[0]),
            });
        return await store.getCase(s, created.caseId);
      }),

    'quorum:sequence.setReference': ({ session, caseId, sequenceId }) =>
      guarded(async () => {
        const { store, s } = await signedIn(session);
        return await store.setReferenceSequence(s, caseId, sequenceId);
      }),

    'quorum:sequence.remove': ({ session, caseId, sequenceId }) =>
      guarded(async () => {
        const { store, s } = await signedIn(session);
        return await store.removeSequence(s, caseId, sequenceId);
      }),
  };
}

/** The project case (visible to `s`) whose reference image is the file or folder at `realCasePath`. */
async function projectCaseAt(store: ProjectStore, s: Session, realCasePath: string): Promise<CaseRecord | null> {
  for (const c of await store.listCases(s)) {
    const ref = c.series[0];
    if (!ref || c.sequences.length < 2) continue;
    const real = await realpath(path.resolve(store.dir, ref.path)).catch(() => null);
    if (real === realCasePath) return c;
  }
  return null;
}

/**
 * When the opened file is a project case's reference image: its other sequences, each volume
 * resampled into the reference grid (trilinear) and added as one more volume of the case, labelled
 * with the sequence's name. The reference's own volumes get their sequence too. A sequence that no
 * longer loads or no longer overlaps is left out with a note; the case still opens.
 */
export async function withCaseSequences(
  host: ProjectHost,
  loader: SequenceLoader,
  s: Session,
  realCasePath: string,
  opened: { descriptor: CaseDescriptor; volumes: ReadonlyMap<string, Volume> },
): Promise<Result<{ descriptor: CaseDescriptor; volumes: ReadonlyMap<string, Volume> }>> {
  const store = await host.current();
  const record = await projectCaseAt(store, s, realCasePath);
  if (!record) return ok(opened);
  const { descriptor } = opened;
  const reference = record.sequences.find((q) => q.sequenceId === record.referenceSequenceId);
  if (!reference) return failResult('internal', `case ${record.name} has no reference sequence`);
  const grid = geometryOf(descriptor.volumes[0]);
  const volumes = new Map(opened.volumes);
  const infos: VolumeInfo[] = descriptor.volumes.map((v) => ({
    ...v,
    sequence: { name: reference.name, kind: reference.kind, resampled: false },
  }));
  const notes = [...descriptor.notes];
  for (const [n, seq] of record.sequences.entries()) {
    if (seq.sequenceId === reference.sequenceId) continue;
    const file = path.resolve(store.dir, seq.path);
    const loaded = await loader.openCase(file, { caseId: 'sequence', volumeUrl });
    if (!loaded.ok) {
      notes.push(`Sequence "${seq.name}" was left out: ${loaded.error.message}`);
      continue;
    }
    for (const [m, info] of loaded.value.descriptor.volumes.entries()) {
      const resampled = resampleToGrid(loaded.value.volumes.get(info.volumeId) as Volume, grid, 'trilinear');
      if (!resampled.ok) {
        notes.push(`Sequence "${seq.name}" was left out: ${resampled.reason}`);
        break;
      }
      const volumeId = `s${n}v${m}`;
      volumes.set(volumeId, { geometry: grid, data: resampled.data, ...(info.unit === null ? {} : { unit: info.unit }) });
      const { min, max } = finiteRange(resampled.data);
      infos.push({
        ...descriptor.volumes[0],
        volumeId,
        label: info.bValue === null ? seq.name : `${seq.name} b=${info.bValue}`,
        bValue: info.bValue,
        dataType: 'float32',
        min,
        max,
        unit: info.unit,
        // Its own photometric interpretation (a MONOCHROME1 sequence shows inverted), not the reference's.
        displayInverted: info.displayInverted,
        url: volumeUrl(descriptor.caseId, volumeId),
        sequence: { name: seq.name, kind: seq.kind, resampled: true },
      });
    }
  }
  return ok({ descriptor: { ...descriptor, volumes: infos, notes }, volumes });
}
