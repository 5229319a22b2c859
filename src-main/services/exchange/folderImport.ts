/**
 * Folder imports: finds the image and the masks of a dataset folder and hands them to the store's
 * all-or-nothing batch import (project/importBatch.ts), which checks every mask's grid and values
 * before anything is written.
 *
 * Two layouts are recognised:
 *
 * - **QUBIQ** (QUBIQ challenge): one case per folder holding the image plus several `*seg*` files,
 *   one per rater (`image.nii.gz`, `task01_seg01.nii.gz`, `task01_seg02.nii.gz`…). Each seg file
 *   becomes the rater named after the file (`task01_seg01`), so the same annotator index keeps one
 *   identity across cases. A folder of such case folders imports every case in it.
 * - **BIDS, ISLES'22 style**: `sub-X/ses-Y/{dwi,anat}/sub-X_ses-Y_{dwi,adc,FLAIR}.nii.gz` (optionally
 *   under `rawdata/`) and masks in `derivatives/[<pipeline>/]sub-X/ses-Y/sub-X_ses-Y_msk.nii.gz`.
 *   Each mask is matched to its subject/session; the case is `sub-X_ses-Y`, its reference image the
 *   DWI (else ADC, else the first image), plus the other images on the same grid (ISLES'22's FLAIR
 *   is on another grid and is left out with a note: a case's series share the mask grid). The rater
 *   is the mask's `rater-`/`desc-` entity if present, else the derivatives pipeline folder, else
 *   the name given in the request (default `reference`).
 *
 * Plain Node.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { geometryMismatches } from '../../../src-shared/project/geometryMatch';
import type { Session, VersionStatus } from '../../../src-shared/project/types';
import { isNiftiName, readWholeFile } from '../caseFiles';
import { fail, ProjectError } from '../project/errors';
import type { BatchCase, BatchMask, ImportBatchResult } from '../project/importBatch';
import type { ProjectStore } from '../project/ProjectStore';
import { niftiImageGrid, type ImageGrid } from './niftiGeometry';

export type FolderLayout = 'qubiq' | 'bids';

export interface FolderImportOptions {
  /** Default: recognised from the folder. */
  layout?: FolderLayout;
  status?: VersionStatus;
  /** BIDS: the rater for masks that name none (no rater-/desc- entity, no pipeline folder). */
  defaultRater?: string;
}

export interface FolderPlan {
  layout: FolderLayout;
  cases: BatchCase[];
  /** What was skipped and why (files that are neither image nor mask, images on another grid). */
  notes: string[];
}

/** A mask file is at most a few bytes a voxel; refuse anything absurd before reading it. */
const MAX_MASK_BYTES = 2 ** 30;

interface Entry {
  name: string;
  full: string;
  isDir: boolean;
}

async function list(dir: string): Promise<Entry[]> {
  try {
    const d = await readdir(dir, { withFileTypes: true });
    return d
      .filter((e) => !e.name.startsWith('.'))
      .map((e) => ({ name: e.name, full: path.join(dir, e.name), isDir: e.isDirectory() }))
      .sort((a, b) => a.name.localeCompare(b.name));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return fail(
      code === 'ENOENT' ? 'not-found' : 'bad-request',
      code === 'ENOENT' ? `no such folder: ${dir}` : `cannot list ${dir}: ${(err as Error).message}`,
    );
  }
}

function stem(file: string): string {
  return path.basename(file).replace(/\.nii(\.gz)?$/i, '');
}

async function readMask(file: string, shownAs: string): Promise<Uint8Array> {
  try {
    return await readWholeFile(file, MAX_MASK_BYTES);
  } catch (err) {
    return fail('corrupt-file', `${shownAs} cannot be read: ${(err as Error).message}`);
  }
}

const isSeg = (name: string): boolean => /seg/i.test(stem(name));

/** One QUBIQ case folder → one BatchCase (null when the folder holds no seg file). */
async function qubiqCase(dir: string, root: string, notes: string[]): Promise<BatchCase | null> {
  const niftis = (await list(dir)).filter((e) => !e.isDir && isNiftiName(e.name));
  const segs = niftis.filter((e) => isSeg(e.name));
  if (segs.length === 0) return null;
  const images = niftis.filter((e) => !isSeg(e.name));
  const rel = (f: string): string => path.relative(root, f) || path.basename(f);
  const image = images.length === 1 ? images[0] : images.find((e) => /^image\./i.test(e.name));
  if (!image) {
    fail(
      'bad-request',
      images.length === 0
        ? `${rel(dir)}: a QUBIQ case folder needs one image beside its *seg* files, and there is none`
        : `${rel(dir)}: several images (${images.map((e) => e.name).join(', ')}) and none named image.nii(.gz); keep one image per case folder`,
    );
  }
  const grid = await niftiImageGrid(image.full, rel(image.full));
  if (grid.volumeCount !== 1) notes.push(`${rel(image.full)} holds ${grid.volumeCount} volumes; masks are checked against its 3D grid`);
  const masks: BatchMask[] = [];
  for (const s of segs) masks.push({ raterName: stem(s.name), fileName: rel(s.full), bytes: await readMask(s.full, rel(s.full)) });
  return {
    name: path.basename(dir),
    source: 'nifti',
    series: [{ label: stem(image.name), path: image.full, geometry: grid.geometry }],
    masks,
  };
}

async function planQubiq(dir: string): Promise<FolderPlan> {
  const notes: string[] = [];
  const root = path.dirname(dir);
  const here = await qubiqCase(dir, root, notes);
  const cases: BatchCase[] = [];
  if (here) cases.push(here);
  else {
    for (const e of await list(dir)) {
      if (!e.isDir) continue;
      const c = await qubiqCase(e.full, dir, notes);
      if (c) cases.push(c);
      else notes.push(`${e.name}/ has no *seg* file and was skipped`);
    }
  }
  if (cases.length === 0) fail('bad-request', `${dir} is not a QUBIQ folder: no folder in it holds an image with *seg*.nii(.gz) files`);
  return { layout: 'qubiq', cases, notes };
}

/** BIDS entities of a file name: sub-01_ses-02_desc-x_msk.nii.gz → {sub: '01', ses: '02', desc: 'x'}, suffix 'msk'. */
function bidsEntities(fileName: string): { entities: Record<string, string>; suffix: string } {
  const parts = stem(fileName).split('_');
  const entities: Record<string, string> = {};
  let suffix = '';
  for (const p of parts) {
    const dash = p.indexOf('-');
    if (dash > 0) entities[p.slice(0, dash)] = p.slice(dash + 1);
    else suffix = p;
  }
  return { entities, suffix };
}

async function niftisBelow(dir: string, depth: number): Promise<Entry[]> {
  const out: Entry[] = [];
  for (const e of await list(dir)) {
    if (e.isDir && depth > 0) out.push(...(await niftisBelow(e.full, depth - 1)));
    else if (!e.isDir && isNiftiName(e.name)) out.push(e);
  }
  return out;
}

const IMAGE_PREFERENCE = ['dwi', 'adc'];

async function planBids(root: string, defaultRater: string): Promise<FolderPlan> {
  const notes: string[] = [];
  const top = await list(root);
  const derivatives = top.find((e) => e.isDir && e.name === 'derivatives');
  if (!derivatives) fail('bad-request', `${root} is not an ISLES-style BIDS folder: it has no derivatives/ folder with the masks`);
  const rawRoot = top.some((e) => e.isDir && e.name === 'rawdata') ? path.join(root, 'rawdata') : root;
  const masks = (await niftisBelow(derivatives.full, 4)).filter((m) => bidsEntities(m.name).entities.sub !== undefined);
  if (masks.length === 0) fail('bad-request', `${derivatives.full} holds no sub-*…nii(.gz) mask`);
  const byCase = new Map<string, BatchCase>();
  for (const m of masks) {
    const rel = path.relative(root, m.full);
    const { entities } = bidsEntities(m.name);
    const caseName = entities.ses ? `sub-${entities.sub}_ses-${entities.ses}` : `sub-${entities.sub}`;
    const pipeline = path.relative(derivatives.full, m.full).split(path.sep)[0];
    const raterName = entities.rater ?? entities.desc ?? (pipeline.startsWith('sub-') ? defaultRater : pipeline);
    let c = byCase.get(caseName);
    if (!c) {
      const sessionDir = path.join(rawRoot, `sub-${entities.sub}`, ...(entities.ses ? [`ses-${entities.ses}`] : []));
      const images = await niftisBelow(sessionDir, 2).catch((err: unknown) => {
        if (err instanceof ProjectError && err.code === 'not-found')
          fail('not-found', `${rel}: no image folder ${path.relative(root, sessionDir)} for this mask`);
        throw err;
      });
      if (images.length === 0) fail('not-found', `${rel}: ${path.relative(root, sessionDir)} holds no NIfTI image for this mask`);
      const rank = (e: Entry): number => {
        const i = IMAGE_PREFERENCE.indexOf(bidsEntities(e.name).suffix.toLowerCase());
        return i < 0 ? IMAGE_PREFERENCE.length : i;
      };
      images.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
      const grids: ImageGrid[] = [];
      for (const img of images) grids.push(await niftiImageGrid(img.full, path.relative(root, img.full)));
      const ref = grids[0].geometry;
      const same = (g: typeof ref): boolean => geometryMismatches(ref, g).length === 0;
      const series = images.flatMap((img, i) => {
        if (i > 0 && !same(grids[i].geometry)) {
          notes.push(`${path.relative(root, img.full)} is on another grid than ${images[0].name} and was not added to case ${caseName}`);
          return [];
        }
        return [{ label: bidsEntities(img.name).suffix || stem(img.name), path: img.full, geometry: grids[i].geometry }];
      });
      c = { name: caseName, source: 'nifti', series, masks: [] };
      byCase.set(caseName, c);
    }
    c.masks.push({ raterName, fileName: rel, bytes: await readMask(m.full, rel) });
  }
  return { layout: 'bids', cases: [...byCase.values()], notes };
}

async function detectLayout(dir: string): Promise<FolderLayout> {
  const top = await list(dir);
  if (top.some((e) => e.isDir && e.name === 'derivatives')) return 'bids';
  return 'qubiq';
}

async function planFolderImport(dir: string, options: FolderImportOptions = {}): Promise<FolderPlan> {
  if (!path.isAbsolute(dir)) fail('bad-request', `expected an absolute folder path, got "${dir}"`);
  const layout = options.layout ?? (await detectLayout(dir));
  return layout === 'bids' ? planBids(dir, options.defaultRater ?? 'reference') : planQubiq(dir);
}

export interface FolderImportResult extends ImportBatchResult {
  layout: FolderLayout;
  notes: string[];
}

/** Plans and imports a folder into the open project; nothing is written unless every mask is valid. */
export async function importFolder(
  store: ProjectStore,
  session: Session,
  dir: string,
  options: FolderImportOptions = {},
): Promise<FolderImportResult> {
  const plan = await planFolderImport(path.resolve(dir), options);
  const result = await store.importBatch(session, { cases: plan.cases, status: options.status ?? 'submitted' });
  return { ...result, layout: plan.layout, notes: plan.notes };
}
