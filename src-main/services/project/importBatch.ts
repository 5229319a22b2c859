/**
 * Imports several masks at once (a QUBIQ case folder, an ISLES/BIDS dataset, a decoded DICOM SEG):
 * cases to register or reuse, raters named by the source, and one mask per rater and case.
 *
 * All or nothing. Every mask is decoded and checked against its case's reference grid (shape,
 * spacing, origin, direction within tolerance; values in {0, 1, 2}) before anything is written, and
 * every problem found is listed in one message, so a user fixing a folder sees all of it at once.
 * The writes then run in ONE database transaction (the store's nested transactions join it), so a
 * failure half-way, however unlikely after validation, rolls back every row. Annotation files are
 * written first, as in every save; after a rollback they are complete but unreferenced, which the
 * integrity report lists and a later identical import reuses.
 *
 * An all-zero mask is recorded as that rater's explicit, submitted "no lesion" answer (a source
 * that ships an empty segmentation per rater is saying "nothing here"); the store never submits an
 * empty mask as a labelmap (versions.ts), so this is the only faithful submitted record of it.
 */
import path from 'node:path';
import { mayManageProject } from '../../../src-shared/project/blinding';
import { geometryMismatches } from '../../../src-shared/project/geometryMatch';
import { countLabelled } from '../../../src-shared/project/labels';
import type { Geometry } from '../../../src-shared/volume/types';
import type { Session, VersionStatus } from '../../../src-shared/project/types';
import { addCase, assign, getCase, isAssigned, type NewSeries } from './cases';
import type { StoreContext } from './context';
import { fail, ProjectError, type ProjectErrorCode } from './errors';
import { createRater } from './identity';
import { allowedLabelValues } from './labelTable';
import { decodeMask } from './maskCodec';
import { text } from './sqlite';
import { importMask, submitNoLesion } from './versions';

export interface BatchMask {
  /** The rater the mask belongs to; created as an annotator when the project has no rater of this name. */
  raterName: string;
  /** Where the mask came from, for messages and the audit (e.g. `case01/task01_seg03.nii.gz`). */
  fileName: string;
  /** NIfTI bytes, stored verbatim once valid (so export → import stays bit-exact). */
  bytes: Uint8Array;
}

export interface BatchCase {
  /** Registered under this name, or the existing case of this name when its images are the same. */
  name: string;
  source: 'nifti' | 'dicom';
  series: NewSeries[];
  masks: BatchMask[];
}

export interface ImportBatchInput {
  cases: BatchCase[];
  /** Status of the imported masks (all-zero masks become "no lesion", which is always submitted). */
  status: VersionStatus;
}

export interface ImportedVersion {
  raterId: string;
  raterName: string;
  versionId: string;
  fileName: string;
  noLesion: boolean;
}

export interface ImportBatchResult {
  cases: Array<{ caseId: string; name: string; created: boolean; versions: ImportedVersion[] }>;
  ratersCreated: string[];
}

/** The most problems one message lists; the rest are counted. */
const MAX_LISTED = 12;

async function caseIdByName(ctx: StoreContext, name: string): Promise<string | null> {
  const r = await ctx.db.get('SELECT case_id FROM cases WHERE name = ?', [name]);
  return r ? text(r, 'case_id') : null;
}

async function raterIdByName(ctx: StoreContext, name: string): Promise<string | null> {
  const r = await ctx.db.get('SELECT rater_id FROM raters WHERE name = ? COLLATE NOCASE', [name.trim()]);
  return r ? text(r, 'rater_id') : null;
}

interface Checked {
  input: BatchCase;
  existingCaseId: string | null;
  empty: boolean[];
}

export interface Problem {
  code: ProjectErrorCode;
  message: string;
}

/** One code for the whole refusal: the first kind in this order that occurs (a broken file hides the rest). */
const CODE_ORDER: readonly ProjectErrorCode[] = ['corrupt-file', 'bad-geometry', 'bad-labels', 'bad-request'];

class Problems {
  readonly list: Problem[] = [];
  push(message: string, code: ProjectErrorCode = 'bad-request'): void {
    this.list.push({ code, message });
  }
}

/** Refuses the whole import, listing the problems (the folder import's value mapping refuses the same way); `after` ends the message. */
export function refuseProblems(problems: readonly Problem[], after = ''): never {
  const listed = problems.slice(0, MAX_LISTED).map((p) => `- ${p.message}`);
  if (problems.length > MAX_LISTED) listed.push(`- … and ${problems.length - MAX_LISTED} more`);
  const code = CODE_ORDER.find((c) => problems.some((p) => p.code === c)) ?? 'bad-request';
  return fail(code, `Nothing was imported: ${problems.length} problem(s) found.\n${listed.join('\n')}${after}`);
}

/** Everything that can be known before writing; returns the problems found (empty = go). */
async function validate(ctx: StoreContext, viewer: Session, input: ImportBatchInput, checked: Checked[]): Promise<Problem[]> {
  const problems = new Problems();
  if (input.status !== 'draft' && input.status !== 'submitted')
    problems.push(`status must be "draft" or "submitted", not "${String(input.status)}"`);
  if (input.cases.length === 0) problems.push('nothing to import: no case with at least one mask was found');
  const names = new Set<string>();
  const allowed = await allowedLabelValues(ctx);
  for (const c of input.cases) {
    if (names.has(c.name)) problems.push(`case "${c.name}" appears twice in this import`);
    names.add(c.name);
    if (c.series.length === 0) problems.push(`case "${c.name}" has no image`);
    if (c.masks.length === 0) problems.push(`case "${c.name}" has no mask to import`);
    const existingCaseId = await caseIdByName(ctx, c.name);
    let reference: Geometry | undefined = c.series[0]?.geometry;
    if (existingCaseId) {
      const existing = await getCase(ctx, viewer, existingCaseId);
      reference = existing.series[0].geometry;
      const differs = c.series[0] ? geometryMismatches(reference, c.series[0].geometry) : [];
      const samePath = !c.series[0] || path.resolve(ctx.dir, existing.series[0].path) === path.resolve(ctx.dir, c.series[0].path);
      if (!samePath)
        problems.push(
          `case "${c.name}" already exists in the project for another image (${existing.series[0].path}); rename the folder or remove the clash`,
        );
      else if (differs.length > 0)
        problems.push(
          `case "${c.name}" already exists in the project with another image grid (${differs.join('; ')}); rename the folder or remove the clash`,
          'bad-geometry',
        );
    }
    const raters = new Set<string>();
    const empty: boolean[] = [];
    for (const m of c.masks) {
      const key = m.raterName.trim().toLowerCase();
      if (!key || m.raterName.trim().length > 80)
        problems.push(`${m.fileName}: the rater name "${m.raterName}" must be 1 to 80 characters`);
      if (raters.has(key)) problems.push(`${m.fileName}: rater "${m.raterName}" has two masks for case "${c.name}"`);
      raters.add(key);
      if (!reference) continue;
      try {
        const labelmap = decodeMask(m.bytes, reference, m.fileName, allowed);
        empty.push(countLabelled(labelmap) === 0);
      } catch (err) {
        if (!(err instanceof ProjectError)) throw err;
        problems.push(err.message, err.code);
        empty.push(false);
      }
    }
    checked.push({ input: c, existingCaseId, empty });
  }
  return problems.list;
}

/** Imports the batch (admin only), all or nothing. */
export async function importBatch(ctx: StoreContext, viewer: Session, input: ImportBatchInput): Promise<ImportBatchResult> {
  if (!mayManageProject(viewer.role)) fail('forbidden', 'only an admin can import masks for other raters and register cases');
  const checked: Checked[] = [];
  const problems = await validate(ctx, viewer, input, checked);
  if (problems.length > 0) refuseProblems(problems);
  return await ctx.db.transaction(async () => {
    const ratersCreated: string[] = [];
    const raterOf = async (name: string): Promise<string> => {
      const known = await raterIdByName(ctx, name);
      if (known) return known;
      ratersCreated.push(name.trim());
      return (await createRater(ctx, viewer, name, 'annotator')).raterId;
    };
    // One after another: the raters a mask creates are found by name by the next masks.
    const out: ImportBatchResult['cases'] = [];
    for (const { input: c, existingCaseId, empty } of checked) {
      const caseId = existingCaseId ?? (await addCase(ctx, viewer, { name: c.name, source: c.source, series: c.series })).caseId;
      const versions: ImportedVersion[] = [];
      for (const [i, m] of c.masks.entries()) {
        const raterId = await raterOf(m.raterName);
        // Assigned, so the rater sees the case (and their imported mask) when they sign in.
        if (!(await isAssigned(ctx, raterId, caseId))) await assign(ctx, viewer, raterId, caseId);
        const v = empty[i]
          ? await submitNoLesion(ctx, viewer, { caseId, raterId })
          : await importMask(ctx, viewer, { caseId, bytes: m.bytes, fileName: m.fileName, status: input.status, raterId });
        versions.push({ raterId, raterName: m.raterName.trim(), versionId: v.versionId, fileName: m.fileName, noLesion: v.noLesion });
      }
      out.push({ caseId, name: c.name, created: existingCaseId === null, versions });
    }
    return { cases: out, ratersCreated };
  });
}
