/**
 * Folder imports: finds the image and the masks of a dataset folder and hands them to the store's
 * all-or-nothing batch import (project/importBatch.ts), which checks every mask's grid and values
 * before anything is written.
 *
 * Two layouts are recognised:
 *
 * - **QUBIQ** (QUBIQ challenge): one case per folder holding the image plus several `*seg*` files
 *   (`image.nii.gz`, `task01_seg01.nii.gz`, `task01_seg02.nii.gz`, `task02_seg01.nii.gz`…). The seg
 *   index is the rater (`seg01`), so the same annotator keeps one identity across cases and tasks;
 *   each mask is binary, its 1 the project's first certain label. A task is a structure: with
 *   several tasks, each becomes its own case `<case>/taskNN` on the same image (QUBIQ evaluates
 *   each task on its own, and tasks may overlap or nest, which one labelmap cannot hold). With the
 *   `tasksAs: 'labels'` option, task k becomes the table's k-th certain label in one case per image,
 *   refused where a rater's task masks overlap. Seg files not named `taskNN_segMM` keep their file
 *   name as the rater. A folder of such case folders imports every case in it.
 * - **BIDS, ISLES'22 style**: `sub-X/ses-Y/{dwi,anat}/sub-X_ses-Y_{dwi,adc,FLAIR}.nii.gz` (optionally
 *   under `rawdata/`) and masks in `derivatives/[<pipeline>/]sub-X/ses-Y/sub-X_ses-Y_msk.nii.gz`.
 *   Each mask is matched to its subject/session; the case is `sub-X_ses-Y`, its reference image the
 *   DWI (else ADC, else the first image), plus the other images on the same grid (ISLES'22's FLAIR
 *   is on another grid and is left out with a note: a case's series share the mask grid). The rater
 *   is the mask's `rater-`/`desc-` entity if present, else the derivatives pipeline folder, else
 *   the name given in the request (default `reference`).
 *
 * Every mask's values are mapped onto the project's labels first (maskValues.ts), with the mapping
 * the request gives; a value neither in the table nor mapped refuses the whole import.
 *
 * Plain Node.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { geometryMismatches } from '../../../src-shared/project/geometryMatch';
import type { QubiqTasksAs } from '../../../src-shared/api/exchangeChannels';
import type { LabelTable } from '../../../src-shared/project/labelTable';
import { tableValues } from '../../../src-shared/project/labelTable';
import type { Session, VersionStatus } from '../../../src-shared/project/types';
import { IDENTITY_MAPPING, type ValueMapping } from '../../../src-shared/project/valueMapping';
import { isNiftiName, readWholeFile } from '../caseFiles';
import { fail, ProjectError } from '../project/errors';
import { refuseProblems, type BatchCase, type ImportBatchResult, type Problem } from '../project/importBatch';
import type { ProjectStore } from '../project/ProjectStore';
import { labelTableHint, mapMask, type MaskPart } from './maskValues';
import { niftiImageGrid, type ImageGrid } from './niftiGeometry';

export type FolderLayout = 'qubiq' | 'bids';

export interface FolderImportOptions {
  /** Default: recognised from the folder. */
  layout?: FolderLayout;
  status?: VersionStatus;
  /** BIDS: the rater for masks that name none (no rater-/desc- entity, no pipeline folder). */
  defaultRater?: string;
  /** File value → label value for every mask (default: none; values in the table pass). */
  mapping?: ValueMapping;
  /** QUBIQ only; default 'cases'. */
  tasksAs?: QubiqTasksAs;
}

/** A mask of the plan: one file, or several merged (QUBIQ tasks as labels). */
interface PlannedMask {
  raterName: string;
  fileName: string;
  parts: MaskPart[];
}

type PlannedCase = Omit<BatchCase, 'masks'> & { masks: PlannedMask[] };

export interface FolderPlan {
  layout: FolderLayout;
  cases: PlannedCase[];
  /** What was skipped and why (files that are neither image nor mask, images on another grid). */
  notes: string[];
}

/** How the plan maps values: the request's mapping, and the table's certain labels (QUBIQ's masks are binary). */
interface ValuePlan {
  mapping: ValueMapping;
  certainLabels: readonly number[];
  tasksAs: QubiqTasksAs;
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

/** `task02_seg03` → task `task02`, rater `seg03`; other seg names are their own rater, in one unnamed task. */
function qubiqSegName(name: string): { task: string; rater: string } {
  const m = /^(task\d+)_(seg\d+)$/i.exec(stem(name));
  return m ? { task: m[1].toLowerCase(), rater: m[2].toLowerCase() } : { task: '', rater: stem(name) };
}

/** A QUBIQ mask is binary: its 1 is the first certain label unless the request maps it. */
function structureMapping(values: ValuePlan): ValueMapping {
  return { map: new Map([[1, values.certainLabels[0]], ...values.mapping.map]), keepTableValues: true };
}

/** One QUBIQ case folder → its cases (none when the folder holds no seg file). */
async function qubiqCases(dir: string, root: string, notes: string[], values: ValuePlan): Promise<PlannedCase[]> {
  const niftis = (await list(dir)).filter((e) => !e.isDir && isNiftiName(e.name));
  const segs = niftis.filter((e) => isSeg(e.name));
  if (segs.length === 0) return [];
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
  const series = [{ label: stem(image.name), path: image.full, geometry: grid.geometry }];
  const files: Array<{ task: string; rater: string; fileName: string; bytes: Uint8Array }> = [];
  for (const s of segs) files.push({ ...qubiqSegName(s.name), fileName: rel(s.full), bytes: await readMask(s.full, rel(s.full)) });
  const tasks = [...new Set(files.map((f) => f.task))].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const name = path.basename(dir);
  if (values.tasksAs === 'labels') {
    if (tasks.length > values.certainLabels.length)
      fail(
        'bad-request',
        `${rel(dir)} holds ${tasks.length} tasks (${tasks.join(', ')}) but the label table has ${values.certainLabels.length} certain label(s); add labels or import the tasks as separate cases`,
      );
    const raters = [...new Set(files.map((f) => f.rater))];
    const masks = raters.map((rater): PlannedMask => {
      const own = files.filter((f) => f.rater === rater);
      return {
        raterName: rater,
        fileName: own.map((f) => f.fileName).join(' + '),
        parts: own.map((f) => ({
          fileName: f.fileName,
          bytes: f.bytes,
          mapping: { map: new Map([[1, values.certainLabels[tasks.indexOf(f.task)]]]), keepTableValues: false },
        })),
      };
    });
    return [{ name, source: 'nifti', series, masks }];
  }
  const mapping = structureMapping(values);
  return tasks.map((task) => ({
    name: tasks.length > 1 ? `${name}/${task || 'other'}` : name,
    source: 'nifti',
    series,
    masks: files
      .filter((f) => f.task === task)
      .map((f) => ({ raterName: f.rater, fileName: f.fileName, parts: [{ fileName: f.fileName, bytes: f.bytes, mapping }] })),
  }));
}

async function planQubiq(dir: string, values: ValuePlan): Promise<FolderPlan> {
  const notes: string[] = [];
  const root = path.dirname(dir);
  const cases = await qubiqCases(dir, root, notes, values);
  if (cases.length === 0) {
    for (const e of await list(dir)) {
      if (!e.isDir) continue;
      const found = await qubiqCases(e.full, dir, notes, values);
      if (found.length > 0) cases.push(...found);
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

async function planBids(root: string, defaultRater: string, mapping: ValueMapping): Promise<FolderPlan> {
  const notes: string[] = [];
  const top = await list(root);
  const derivatives = top.find((e) => e.isDir && e.name === 'derivatives');
  if (!derivatives) fail('bad-request', `${root} is not an ISLES-style BIDS folder: it has no derivatives/ folder with the masks`);
  const rawRoot = top.some((e) => e.isDir && e.name === 'rawdata') ? path.join(root, 'rawdata') : root;
  const masks = (await niftisBelow(derivatives.full, 4)).filter((m) => bidsEntities(m.name).entities.sub !== undefined);
  if (masks.length === 0) fail('bad-request', `${derivatives.full} holds no sub-*…nii(.gz) mask`);
  const byCase = new Map<string, PlannedCase>();
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
    c.masks.push({ raterName, fileName: rel, parts: [{ fileName: rel, bytes: await readMask(m.full, rel), mapping }] });
  }
  return { layout: 'bids', cases: [...byCase.values()], notes };
}

async function detectLayout(dir: string): Promise<FolderLayout> {
  const top = await list(dir);
  if (top.some((e) => e.isDir && e.name === 'derivatives')) return 'bids';
  return 'qubiq';
}

export async function planFolderImport(dir: string, table: LabelTable, options: FolderImportOptions = {}): Promise<FolderPlan> {
  if (!path.isAbsolute(dir)) fail('bad-request', `expected an absolute folder path, got "${dir}"`);
  const layout = options.layout ?? (await detectLayout(dir));
  const mapping = options.mapping ?? IDENTITY_MAPPING;
  if (layout === 'bids') return planBids(dir, options.defaultRater ?? 'reference', mapping);
  const tasksAs = options.tasksAs ?? 'cases';
  if (tasksAs === 'labels' && mapping.map.size > 0)
    fail(
      'bad-request',
      'QUBIQ tasks imported as labels take no value mapping: each task mask is binary and task k becomes the k-th certain label',
    );
  return planQubiq(dir, { mapping, tasksAs, certainLabels: table.filter((l) => !l.uncertain).map((l) => l.value) });
}

/**
 * The plan's masks with their values mapped, as the store's batch import takes them; refuses the
 * whole import, listing every mask that cannot be read or mapped.
 */
function mappedCases(plan: FolderPlan, table: LabelTable): BatchCase[] {
  const allowed = tableValues(table);
  const problems: Problem[] = [];
  const cases = plan.cases.map((c) => ({
    ...c,
    masks: c.masks.flatMap((m) => {
      try {
        return [{ raterName: m.raterName, fileName: m.fileName, bytes: mapMask(m.parts, c.series[0].geometry, allowed) }];
      } catch (err) {
        if (!(err instanceof ProjectError)) throw err;
        problems.push({ code: err.code, message: err.message });
        return [];
      }
    }),
  }));
  if (problems.length > 0) refuseProblems(problems, problems.some((p) => p.code === 'bad-labels') ? `\n${labelTableHint(table)}` : '');
  return cases;
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
  const table = await store.labels(session);
  const plan = await planFolderImport(path.resolve(dir), table, options);
  const result = await store.importBatch(session, { cases: mappedCases(plan, table), status: options.status ?? 'submitted' });
  return { ...result, layout: plan.layout, notes: plan.notes };
}
