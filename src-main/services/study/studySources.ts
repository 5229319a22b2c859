/**
 * Where a study source's segmentation of a case comes from, in the project database:
 *
 * - model (modelId, version): the newest submitted version of that model version's rater
 *   (raters.model_ref = "<modelId>@<version>", modelResults.ts);
 * - rater: that rater's newest submitted version ("no lesion" counts: it is an all-zero mask);
 * - consensus "majority": the strict majority (⌊R/2⌋ + 1 votes, uncertain counted as lesion) of
 *   the newest submitted versions of every human rater of the case, R ≥ 2.
 *
 * Readers see binary masks only (any non-zero label → 1): a model never writes "uncertain" (2)
 * and raters may, so the label values themselves would hint at the source.
 *
 * Plain Node. Internal to the study service: callers check roles first.
 */
import path from 'node:path';
import { majorityConsensus } from '../../../src-shared/project/consensus';
import type { SourceRef, StudySource } from '../../../src-shared/study/design';
import { referenceGeometry } from '../project/cases';
import type { StoreContext } from '../project/context';
import { allowedLabelValues } from '../project/labelTable';
import { decodeMask } from '../project/maskCodec';
import { numOrNull, text, textOrNull } from '../project/sqlite';

/** The consensus sources this build can compute. */
const CONSENSUS_MAJORITY = 'majority';

async function newestSubmitted(ctx: StoreContext, raterId: string, caseId: string): Promise<string | null> {
  const r = await ctx.db.get(
    "SELECT version_id FROM annotation_versions WHERE rater_id = ? AND case_id = ? AND status = 'submitted' ORDER BY seq DESC LIMIT 1",
    [raterId, caseId],
  );
  return r ? text(r, 'version_id') : null;
}

async function modelRaterId(ctx: StoreContext, modelId: string, version: string): Promise<string | null> {
  const r = await ctx.db.get('SELECT rater_id FROM raters WHERE model_ref = ?', [`${modelId}@${version}`]);
  return r ? text(r, 'rater_id') : null;
}

/** The version ids behind a source on a case, or null when the source has no segmentation there. */
export async function sourceVersions(ctx: StoreContext, caseId: string, ref: SourceRef): Promise<string[] | null> {
  switch (ref.kind) {
    case 'model': {
      const raterId = await modelRaterId(ctx, ref.modelId, ref.version);
      const v = raterId === null ? null : await newestSubmitted(ctx, raterId, caseId);
      return v === null ? null : [v];
    }
    case 'rater': {
      const v = await newestSubmitted(ctx, ref.raterId, caseId);
      return v === null ? null : [v];
    }
    case 'consensus': {
      if (ref.consensusId !== CONSENSUS_MAJORITY) return null;
      const rows = await ctx.db.all(
        `SELECT v.version_id FROM annotation_versions v JOIN raters r ON r.rater_id = v.rater_id
         WHERE v.case_id = ? AND v.status = 'submitted' AND r.kind = 'human'
           AND v.seq = (SELECT MAX(seq) FROM annotation_versions w WHERE w.case_id = v.case_id AND w.rater_id = v.rater_id AND w.status = 'submitted')
         ORDER BY v.rater_id`,
        [caseId],
      );
      return rows.length >= 2 ? rows.map((r) => text(r, 'version_id')) : null;
    }
  }
}

async function versionLabelmap(ctx: StoreContext, versionId: string, voxels: number): Promise<Uint8Array> {
  const r = await ctx.db.get('SELECT case_id, file_hash, file_name FROM annotation_versions WHERE version_id = ?', [versionId]);
  if (!r) throw new Error(`study segmentation refers to unknown version ${versionId}`);
  const hash = textOrNull(r, 'file_hash');
  const name = textOrNull(r, 'file_name');
  if (hash === null || name === null) return new Uint8Array(voxels);
  const geometry = await referenceGeometry(ctx, text(r, 'case_id'));
  return decodeMask(await ctx.blobs.read(name, hash), geometry, name, await allowedLabelValues(ctx));
}

/** The binary mask (0/1) a source shows on a case, from the versions frozen when the study opened. */
export async function sourceMask(ctx: StoreContext, caseId: string, ref: SourceRef, versionIds: readonly string[]): Promise<Uint8Array> {
  const [x, y, z] = (await referenceGeometry(ctx, caseId)).dims;
  const voxels = x * y * z;
  const maps = await Promise.all(versionIds.map((v) => versionLabelmap(ctx, v, voxels)));
  if (ref.kind === 'consensus') return majorityConsensus(maps, 'lesion');
  const out = new Uint8Array(voxels);
  const src = maps[0];
  for (let i = 0; i < voxels; i++) out[i] = src[i] === 0 ? 0 : 1;
  return out;
}

export interface SourceOption {
  readonly source: StudySource;
  readonly caseIds: string[];
}

/** Every source the project can supply, with the cases it covers (for the set-up screen). */
export async function sourceOptions(ctx: StoreContext): Promise<SourceOption[]> {
  const caseIds = (await ctx.db.all('SELECT case_id FROM cases ORDER BY name')).map((r) => text(r, 'case_id'));
  const covered = async (ref: SourceRef): Promise<string[]> => {
    const out: string[] = [];
    for (const c of caseIds) if ((await sourceVersions(ctx, c, ref)) !== null) out.push(c);
    return out;
  };
  const options: SourceOption[] = [];
  const raters = await ctx.db.all(
    "SELECT r.rater_id, r.name, r.kind, r.model_ref FROM raters r WHERE EXISTS (SELECT 1 FROM annotation_versions v WHERE v.rater_id = r.rater_id AND v.status = 'submitted') ORDER BY r.kind DESC, r.name COLLATE NOCASE",
  );
  let n = 0;
  for (const r of raters) {
    const modelRef = textOrNull(r, 'model_ref');
    const at = modelRef === null ? -1 : modelRef.lastIndexOf('@');
    const ref: SourceRef =
      modelRef !== null && at > 0
        ? { kind: 'model', modelId: modelRef.slice(0, at), version: modelRef.slice(at + 1) }
        : { kind: 'rater', raterId: text(r, 'rater_id') };
    options.push({ source: { sourceId: `source-${++n}`, ref, label: text(r, 'name') }, caseIds: await covered(ref) });
  }
  const majority: SourceRef = { kind: 'consensus', consensusId: CONSENSUS_MAJORITY };
  options.push({
    source: { sourceId: `source-${++n}`, ref: majority, label: 'Majority of the human raters' },
    caseIds: await covered(majority),
  });
  return options;
}

/**
 * The reference series of a case: what the reader's viewer opens, on the volume lesions are read on:
 * a DWI's highest b-value (b1000, not b0, for DWI lesions), else the first volume.
 */
export async function caseImage(
  ctx: StoreContext,
  caseId: string,
): Promise<{ path: string; bValue: number | null; dims: [number, number, number] }> {
  const r = await ctx.db.get('SELECT path, b_value FROM series WHERE case_id = ? ORDER BY b_value IS NULL, b_value DESC, ordinal LIMIT 1', [
    caseId,
  ]);
  if (!r) throw new Error(`case ${caseId} has no reference series`);
  const dims = (await referenceGeometry(ctx, caseId)).dims;
  // Images inside the project are stored relative to it (cases.ts); the viewer needs an absolute path.
  return { path: path.resolve(ctx.dir, text(r, 'path')), bValue: numOrNull(r, 'b_value'), dims: [dims[0], dims[1], dims[2]] };
}
