/**
 * The demo model's results on the cohort, committed in demo/cohort-model/ (81 KB for the six
 * cases). Running the model takes about 75 s of CPU, most of a fresh clone's set-up, while its result
 * is a pure function of the case image and the model. A committed result is used only for the exact
 * inputs it was made from: the sha256 of the case's .nii.gz and .bval (bytes as main.ts writes them)
 * and of model.json, which pins every member's sha256. For anything else the model runs, and
 * `main.ts --update-shipped-model` runs it on every case and rewrites the folder.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from '../../src-shared/zod';

const SHIPPED_MODEL_DIR = path.resolve(import.meta.dirname, '..', '..', 'demo', 'cohort-model');
const INPUTS_FILE = 'inputs.json';

/** The files a model result is stored as in a cohort case's model/ folder. */
export const RESULT_FILES = ['mask.nii.gz', 'probability.nii.gz', 'provenance.json'] as const;
export type ModelResultFiles = Record<(typeof RESULT_FILES)[number], Uint8Array>;

const inputsSchema = z.object({
  modelJsonSha256: z.string(),
  /** Per case id: sha256 of the case's .nii.gz bytes followed by its .bval text. */
  caseInputSha256: z.record(z.string(), z.string()),
});

export function sha256Of(...parts: Array<Uint8Array | string>): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

/** The committed result for this case, or null if there is none or it was made from other inputs. */
export function readShippedResult(
  caseId: string,
  caseInputSha256: string,
  modelJsonSha256: string,
  dir = SHIPPED_MODEL_DIR,
): ModelResultFiles | null {
  const file = path.join(dir, INPUTS_FILE);
  if (!existsSync(file)) return null;
  const inputs = inputsSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  if (inputs.modelJsonSha256 !== modelJsonSha256 || inputs.caseInputSha256[caseId] !== caseInputSha256) return null;
  const read = (name: string) => new Uint8Array(readFileSync(path.join(dir, caseId, name)));
  return {
    'mask.nii.gz': read('mask.nii.gz'),
    'probability.nii.gz': read('probability.nii.gz'),
    'provenance.json': read('provenance.json'),
  };
}

export function writeShippedResults(
  results: ReadonlyArray<{ caseId: string; caseInputSha256: string; files: ModelResultFiles }>,
  modelJsonSha256: string,
  dir = SHIPPED_MODEL_DIR,
): void {
  rmSync(dir, { recursive: true, force: true });
  for (const r of results) {
    mkdirSync(path.join(dir, r.caseId), { recursive: true });
    for (const name of RESULT_FILES) writeFileSync(path.join(dir, r.caseId, name), r.files[name]);
  }
  const inputs = { modelJsonSha256, caseInputSha256: Object.fromEntries(results.map((r) => [r.caseId, r.caseInputSha256])) };
  writeFileSync(path.join(dir, INPUTS_FILE), `${JSON.stringify(inputs, null, 2)}\n`);
}
