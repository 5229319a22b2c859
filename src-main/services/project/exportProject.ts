/**
 * Consensus and export, for reviewers and admins only (they contain every rater's work).
 *
 * Per case, the newest *submitted* version of each rater takes part (a later draft does not hide it;
 * raters with only drafts or nothing are left out), and a "no lesion" answer counts as an all-zero
 * mask. The consensus is of human raters only, as in the metrics and the heat map: a saved model
 * result is exported as its rater's file but never votes (issue 11, item 8). Exported per-rater
 * files are the stored bytes, copied verbatim, so export → import is bit-exact. Consensus files are written deterministically (gzip mtime 0).
 * DICOM SEG export is not implemented here (see README).
 */
import fs from 'node:fs';
import path from 'node:path';
import { mayExport } from '../../../src-shared/project/blinding';
import {
  labelSoftConsensus,
  majorityConsensus,
  majorityThreshold,
  multiLabelMajority,
  softConsensus,
} from '../../../src-shared/project/consensus';
import { labelsEvaluated } from '../../../src-shared/project/labelTable';
import type { UncertainAs } from '../../../src-shared/project/labels';
import type { Geometry } from '../../../src-shared/volume/types';
import type { AnnotationVersion, Session } from '../../../src-shared/project/types';
import { sha256Hex } from './annotationFiles';
import { getCase, referenceGeometry } from './cases';
import type { StoreContext } from './context';
import { toCsv } from './csv';
import { fail } from './errors';
import { readLabelTable } from './labelTable';
import { raterName as nameOf } from './identity';
import { encodeFloatMap, encodeLabelmap } from './maskCodec';
import { int, text, textOrNull } from './sqlite';
import { latestSubmittedByRater, readVersionFile, readVersionLabelmap } from './versions';

export interface CaseConsensus {
  caseId: string;
  geometry: Geometry;
  /** Human raters taking part, and the version used for each, in the same order. */
  raterIds: string[];
  versionIds: string[];
  uncertainAs: UncertainAs;
  /** Votes needed for majority: ⌊R/2⌋ + 1. */
  majorityVotes: number;
  /**
   * The soft reference: one map with label null under a one-label table (the binary reading, the
   * uncertain value per uncertainAs), one per certain label (mean of the raters' one-hot masks) under
   * a multi-label table.
   */
  soft: ReadonlyArray<{ readonly label: number | null; readonly map: Float32Array }>;
  /** Binary under a one-label table; under several labels, each voxel the label a strict majority painted. */
  majority: Uint8Array;
}

function requireExport(viewer: Session): void {
  if (!mayExport(viewer.role)) fail('forbidden', 'consensus and export contain every rater’s work: reviewers and admins only');
}

async function isModelRater(ctx: StoreContext, raterId: string): Promise<boolean> {
  return (await ctx.db.get("SELECT 1 AS x FROM raters WHERE rater_id = ? AND kind = 'model'", [raterId])) !== null;
}

export async function caseConsensus(ctx: StoreContext, viewer: Session, caseId: string, uncertainAs: UncertainAs): Promise<CaseConsensus> {
  requireExport(viewer);
  await getCase(ctx, viewer, caseId);
  const used: AnnotationVersion[] = [];
  for (const v of await latestSubmittedByRater(ctx, caseId)) if (!(await isModelRater(ctx, v.raterId))) used.push(v);
  if (used.length === 0) fail('bad-request', `case ${caseId} has no submitted annotation by a human rater yet, so there is no consensus`);
  const labelmaps = await Promise.all(used.map((v) => readVersionLabelmap(ctx, viewer, v.versionId)));
  const labels = labelsEvaluated(await readLabelTable(ctx));
  return {
    caseId,
    geometry: await referenceGeometry(ctx, caseId),
    raterIds: used.map((v) => v.raterId),
    versionIds: used.map((v) => v.versionId),
    uncertainAs,
    majorityVotes: majorityThreshold(used.length),
    ...(labels
      ? {
          soft: labels.map((label) => ({ label, map: labelSoftConsensus(labelmaps, label) })),
          majority: multiLabelMajority(labelmaps, labels),
        }
      : { soft: [{ label: null, map: softConsensus(labelmaps, uncertainAs) }], majority: majorityConsensus(labelmaps, uncertainAs) }),
  };
}

export interface ExportOptions {
  uncertainAs: UncertainAs;
}

export interface ExportedFile {
  path: string;
  kind: 'rater' | 'majority' | 'soft';
  raterId: string | null;
  versionId: string | null;
  sha256: string;
}

export interface ExportedCase {
  caseId: string;
  dir: string;
  files: ExportedFile[];
}

/** Safe in a file name on every OS, and still readable. */
export function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '') || 'unnamed';
}

/** One rater's exported mask: the stored bytes verbatim, or an all-zero mask for a "no lesion" answer. */
export interface RaterMask {
  raterId: string;
  versionId: string;
  /** The rater's name as reviewers see it (exports are reviewers' and admins' only). */
  raterName: string;
  bytes: Uint8Array;
  extension: '.nii' | '.nii.gz';
  noLesion: boolean;
}

/**
 * The newest submitted mask of every rater of the case, a model's too (only the consensus leaves
 * models out), in the form every export writes: the stored bytes verbatim, keeping their extension,
 * so export → import is bit-exact.
 */
export async function raterMasks(ctx: StoreContext, viewer: Session, caseId: string): Promise<RaterMask[]> {
  requireExport(viewer);
  const geometry = await referenceGeometry(ctx, caseId);
  const masks: RaterMask[] = [];
  for (const { versionId, raterId } of await latestSubmittedByRater(ctx, caseId)) {
    const stored = await readVersionFile(ctx, viewer, versionId);
    const raterName = await nameOf(ctx, raterId);
    if (stored) {
      const extension = stored.fileName.endsWith('.nii.gz') ? '.nii.gz' : '.nii';
      masks.push({ raterId, versionId, raterName, bytes: stored.bytes, extension, noLesion: false });
      continue;
    }
    const zeros = new Uint8Array(geometry.dims[0] * geometry.dims[1] * geometry.dims[2]);
    masks.push({ raterId, versionId, raterName, bytes: encodeLabelmap(geometry, zeros), extension: '.nii.gz', noLesion: true });
  }
  return masks;
}

export async function exportCase(
  ctx: StoreContext,
  viewer: Session,
  caseId: string,
  outDir: string,
  options: ExportOptions,
): Promise<ExportedCase> {
  requireExport(viewer);
  const c = await getCase(ctx, viewer, caseId);
  const consensus = await caseConsensus(ctx, viewer, caseId, options.uncertainAs);
  const dir = path.join(outDir, safeName(c.name));
  fs.mkdirSync(path.join(dir, 'raters'), { recursive: true });
  const files: ExportedFile[] = [];
  const put = (rel: string, bytes: Uint8Array, f: Omit<ExportedFile, 'path' | 'sha256'>): void => {
    const p = path.join(dir, rel);
    fs.writeFileSync(p, bytes);
    files.push({ path: p, sha256: sha256Hex(bytes), ...f });
  };
  for (const m of await raterMasks(ctx, viewer, caseId)) {
    const base = `raters/${safeName(m.raterName)}__${m.versionId}`;
    put(`${base}${m.noLesion ? '__no-lesion' : ''}${m.extension}`, m.bytes, { kind: 'rater', raterId: m.raterId, versionId: m.versionId });
  }
  put('consensus_majority.nii.gz', encodeLabelmap(consensus.geometry, consensus.majority), {
    kind: 'majority',
    raterId: null,
    versionId: null,
  });
  for (const { label, map } of consensus.soft) {
    put(
      label === null ? 'consensus_soft.nii.gz' : `consensus_soft_label-${label}.nii.gz`,
      encodeFloatMap(
        consensus.geometry,
        map,
        label === null ? `Quorum soft consensus, uncertain as ${options.uncertainAs}` : `Quorum soft consensus, label ${label}`,
      ),
      { kind: 'soft', raterId: null, versionId: null },
    );
  }
  return { caseId, dir, files };
}

export const VERSIONS_CSV_HEADER = [
  'version_id',
  'case_id',
  'case_name',
  'rater_id',
  'rater_name',
  'rater_role',
  'status',
  'no_lesion',
  'file_hash',
  'file_name',
  'parent_version_id',
  'created_at',
  'app_version',
  'origin',
] as const;

/** Every version of the project, oldest first. */
export async function versionsCsv(ctx: StoreContext, viewer: Session): Promise<string> {
  requireExport(viewer);
  const rows = await ctx.db.all(
    `SELECT v.*, c.name AS case_name, r.name AS rater_name, r.role AS rater_role
     FROM annotation_versions v JOIN cases c ON c.case_id = v.case_id JOIN raters r ON r.rater_id = v.rater_id ORDER BY v.seq`,
  );
  return toCsv(
    VERSIONS_CSV_HEADER,
    rows.map((r) => [
      text(r, 'version_id'),
      text(r, 'case_id'),
      text(r, 'case_name'),
      text(r, 'rater_id'),
      text(r, 'rater_name'),
      text(r, 'rater_role'),
      text(r, 'status'),
      int(r, 'no_lesion'),
      textOrNull(r, 'file_hash'),
      textOrNull(r, 'file_name'),
      textOrNull(r, 'parent_version_id'),
      text(r, 'created_at'),
      text(r, 'app_version'),
      text(r, 'origin'),
    ]),
  );
}
