/**
 * Annotation versions: every save is a new row, never an update (triggers enforce it). Each write
 * is one DB transaction (writeVersion) holding the parent and label checks, the file (written
 * completely first, annotationFiles.ts: temp → fsync → rename → fsync dir), the version row and its
 * audit entry, so the DB never names a file that is not complete on disk.
 *
 * "No lesion" is a submitted version with no_lesion = 1 and no file (file_hash NULL): the rater's
 * explicit answer, not an image. A submitted mask must contain at least one labelled (non-zero)
 * voxel; an empty mask is only ever a draft. So not-started (no row), empty draft, and no-lesion
 * are three different states, and `raterCaseStatus` tells them apart.
 */
import { mayReadRaterWork, needsAssignmentToAnnotate, mayManageProject } from '../../../src-shared/project/blinding';
import { raterCaseStatus } from '../../../src-shared/project/annotationStatus';
import { countLabelled } from '../../../src-shared/project/labels';
import { applySlicePatch, slicePatchProblem, type SlicePatch } from '../../../src-shared/project/labelmapSlices';
import type { AnnotationVersion, RaterCaseStatus, Session, VersionOrigin, VersionStatus } from '../../../src-shared/project/types';
import type { Geometry } from '../../../src-shared/volume/types';
import { AnnotationFileError, type StoredFile } from './annotationFiles';
import { appendAudit } from './audit';
import { isAssigned, referenceGeometry } from './cases';
import { newId, nowIso, type StoreContext } from './context';
import { UniqueViolation } from './dbPort';
import { fail, ProjectError } from './errors';
import { deflateLabelmap, gzipLabelmap, redeflateSlices, type LabelmapPieces } from './labelmapGzip';
import { allowedLabelValues } from './labelTable';
import { decodeMask, refuseUnknownLabels } from './maskCodec';
import { int, text, textOrNull, type Row } from './sqlite';

export function toVersion(r: Row): AnnotationVersion {
  return {
    versionId: text(r, 'version_id'),
    caseId: text(r, 'case_id'),
    raterId: text(r, 'rater_id'),
    fileHash: textOrNull(r, 'file_hash'),
    fileName: textOrNull(r, 'file_name'),
    parentVersionId: textOrNull(r, 'parent_version_id'),
    createdAt: text(r, 'created_at'),
    status: text(r, 'status') as VersionStatus,
    noLesion: int(r, 'no_lesion') === 1,
    appVersion: text(r, 'app_version'),
    origin: text(r, 'origin') as VersionOrigin,
  };
}

export async function newestVersion(ctx: StoreContext, raterId: string, caseId: string): Promise<AnnotationVersion | null> {
  const r = await ctx.db.get('SELECT * FROM annotation_versions WHERE rater_id = ? AND case_id = ? ORDER BY seq DESC LIMIT 1', [
    raterId,
    caseId,
  ]);
  return r ? toVersion(r) : null;
}

async function versionById(ctx: StoreContext, versionId: string): Promise<AnnotationVersion | null> {
  const r = await ctx.db.get('SELECT * FROM annotation_versions WHERE version_id = ?', [versionId]);
  return r ? toVersion(r) : null;
}

/** Who the new version belongs to, after checking the session may write it. */
async function checkWriter(ctx: StoreContext, viewer: Session, caseId: string, forRaterId: string | undefined): Promise<string> {
  const raterId = forRaterId ?? viewer.raterId;
  if (raterId !== viewer.raterId && !mayManageProject(viewer.role))
    fail('forbidden', 'only an admin can save or import a mask as another rater');
  await referenceGeometry(ctx, caseId); // not-found for an unknown case
  if (needsAssignmentToAnnotate(viewer.role) && !(await isAssigned(ctx, viewer.raterId, caseId)))
    fail('not-found', `no case ${caseId} for this rater`);
  if (raterId !== viewer.raterId && !(await ctx.db.get('SELECT 1 AS x FROM raters WHERE rater_id = ?', [raterId])))
    fail('not-found', `no rater ${raterId}`);
  return raterId;
}

/**
 * The parent must be a version of the same rater and case, and their newest: a save that names an
 * older parent (or none, when there is one) started from a state someone else has since saved over,
 * from another window or session, and would silently win. It gets a conflict, for the editor to ask
 * about. Omitted (internal callers: imports, seeding) means "on top of the newest".
 */
async function resolveParent(
  ctx: StoreContext,
  raterId: string,
  caseId: string,
  parentVersionId: string | null | undefined,
): Promise<string | null> {
  const newest = await newestVersion(ctx, raterId, caseId);
  if (parentVersionId === undefined) return newest?.versionId ?? null;
  if (parentVersionId !== null) {
    const p = await versionById(ctx, parentVersionId);
    if (!p || p.raterId !== raterId || p.caseId !== caseId)
      fail('bad-request', `parent version ${parentVersionId} is not a version of this rater on this case`);
  }
  if (parentVersionId !== (newest?.versionId ?? null)) {
    fail(
      'conflict',
      `this case was saved meanwhile (version of ${newest?.createdAt ?? '?'}) from another window or session; your edits were not saved over it`,
    );
  }
  return parentVersionId;
}

function checkStatus(status: VersionStatus): void {
  if (status !== 'draft' && status !== 'submitted') fail('bad-request', `status must be "draft" or "submitted", not "${String(status)}"`);
}

function refuseEmptySubmit(labelmap: Uint8Array): void {
  if (countLabelled(labelmap) === 0) {
    fail('bad-request', 'cannot submit an empty mask: if the case has no lesion, submit the explicit "no lesion" answer instead');
  }
}

/** What a new version holds. */
type VersionContent =
  /**
   * A mask: `newVoxels` are checked against the label table as the write transaction reads it, then
   * `bytes` (its encoding, or the imported file verbatim) are stored. `newVoxels` is the whole mask,
   * or for a slice save only its new slices (the rest are a committed version's voxels, and the label
   * table never drops a value a version holds). `name` says which mask in a refusal.
   */
  | { kind: 'mask'; newVoxels: Uint8Array; bytes: Uint8Array; name: string }
  /** A file an earlier version stored (a draft submitted unchanged): checked then, and no edit drops a value a version holds. */
  | { kind: 'stored'; file: StoredFile }
  /** The explicit "no lesion" answer: no file. */
  | { kind: 'no-lesion' };

interface NewVersion {
  caseId: string;
  raterId: string;
  /** null: the app itself (no session), e.g. seeded demo results. */
  actorRaterId: string | null;
  /** The version the edits started from; undefined: on top of the rater's newest (resolveParent). */
  parentVersionId: string | null | undefined;
  status: VersionStatus;
  origin: VersionOrigin;
  content: VersionContent;
}

/** The content's file, stored once its labels pass; null for "no lesion". Inside the write transaction. */
async function storeContent(ctx: StoreContext, content: VersionContent): Promise<StoredFile | null> {
  switch (content.kind) {
    case 'no-lesion':
      return null;
    case 'stored':
      return content.file;
    case 'mask':
      refuseUnknownLabels(content.newVoxels, await allowedLabelValues(ctx), content.name);
      return await ctx.blobs.store(content.bytes);
  }
}

/**
 * Writes one new version: the parent check, the label check, the file, the row and its audit entry
 * in ONE transaction (joining the caller's, e.g. an import batch or a model result). In it, a save
 * from another tab cannot slip between the parent check and the row, and an admin's label edit
 * (labelTable.ts, which counts the versions using a value it drops in its own transaction) cannot
 * commit between the label check and the row: SQLite's write lock orders the two, PostgreSQL's
 * serializable isolation aborts one of them and its retry sees the other.
 */
export async function writeVersion(ctx: StoreContext, v: NewVersion): Promise<AnnotationVersion> {
  try {
    return await ctx.db.transaction(async () => {
      const parentVersionId = await resolveParent(ctx, v.raterId, v.caseId, v.parentVersionId);
      const file = await storeContent(ctx, v.content);
      const version: AnnotationVersion = {
        versionId: newId('ver'),
        caseId: v.caseId,
        raterId: v.raterId,
        fileHash: file?.hash ?? null,
        fileName: file?.fileName ?? null,
        parentVersionId,
        createdAt: nowIso(),
        status: v.status,
        noLesion: v.content.kind === 'no-lesion',
        appVersion: ctx.appVersion,
        origin: v.origin,
      };
      await ctx.db.run(
        `INSERT INTO annotation_versions (version_id, case_id, rater_id, file_hash, file_name, parent_version_id, created_at, status, no_lesion, app_version, origin)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          version.versionId,
          version.caseId,
          version.raterId,
          version.fileHash,
          version.fileName,
          version.parentVersionId,
          version.createdAt,
          version.status,
          version.noLesion ? 1 : 0,
          version.appVersion,
          version.origin,
        ],
      );
      await appendAudit(ctx, {
        actorRaterId: v.actorRaterId,
        action: version.noLesion ? 'version.no-lesion' : `version.${v.status}`,
        caseId: v.caseId,
        subjectId: version.versionId,
        detail: {
          raterId: v.raterId,
          fileHash: version.fileHash,
          parent: version.parentVersionId,
          origin: v.origin,
          fileReused: file?.reused ?? null,
        },
      });
      return version;
    });
  } catch (err) {
    // The team server's database keeps one child per version (pgSchema.ts): a concurrent save won.
    if (err instanceof UniqueViolation && err.constraint === 'annotation_versions_one_child')
      fail('conflict', 'this case was saved meanwhile from another window or session; your edits were not saved over it');
    throw err;
  }
}

export interface SaveLabelmapInput {
  caseId: string;
  /** Uint8, i fastest, on the case's reference grid. */
  labelmap: Uint8Array;
  status: VersionStatus;
  /** The version the edits started from; omitted = the rater's newest. */
  parentVersionId?: string | null;
}

/** The editor's save (autosave drafts, explicit submit). */
export async function saveLabelmap(ctx: StoreContext, viewer: Session, input: SaveLabelmapInput): Promise<AnnotationVersion> {
  checkStatus(input.status);
  const raterId = await checkWriter(ctx, viewer, input.caseId, undefined);
  const geometry = await referenceGeometry(ctx, input.caseId);
  const n = geometry.dims[0] * geometry.dims[1] * geometry.dims[2];
  if (!(input.labelmap instanceof Uint8Array) || input.labelmap.length !== n) {
    fail('bad-geometry', `labelmap has ${input.labelmap?.length ?? 0} voxels but the case grid ${JSON.stringify(geometry.dims)} has ${n}`);
  }
  if (input.status === 'submitted') refuseEmptySubmit(input.labelmap);
  const pieces = deflateLabelmap(geometry, input.labelmap);
  // The cache keeps a copy: the caller's array stays the caller's (an in-process caller may edit it
  // on), and a slice save writes into what it takes from the cache. Copied before any await, so the
  // copy holds exactly the voxels the file was encoded from. ~40 ms for 75 MiB, against the 1.1 s
  // a first slice save would take to read, inflate and check the file back.
  const kept = input.labelmap.slice();
  const version = await writeVersion(ctx, {
    caseId: input.caseId,
    raterId,
    actorRaterId: viewer.raterId,
    parentVersionId: input.parentVersionId,
    status: input.status,
    origin: 'editor',
    content: { kind: 'mask', newVoxels: input.labelmap, bytes: gzipLabelmap(pieces), name: 'labelmap' },
  });
  keepAcknowledged(ctx, version, kept, pieces);
  return version;
}

/** Keeps a committed version's labelmap and pieces as its (rater, case)'s starting point for the next slice save (labelmapCache.ts). */
function keepAcknowledged(ctx: StoreContext, version: AnnotationVersion, labelmap: Uint8Array, pieces: LabelmapPieces): void {
  if (version.fileHash === null) return;
  ctx.labelmaps.put({
    raterId: version.raterId,
    caseId: version.caseId,
    versionId: version.versionId,
    fileHash: version.fileHash,
    labelmap,
    pieces,
  });
}

export interface SaveSlicesInput {
  caseId: string;
  /** The version the edits started from: the rater's own, and their newest (else a conflict, as any save). */
  parentVersionId: string;
  status: VersionStatus;
  /** The axial slices changed since the parent, raw Uint8 voxels (src-shared/project/labelmapSlices.ts). */
  slices: SlicePatch;
}

/**
 * The editor's save as a diff: the parent's labelmap with the changed slices written over it,
 * stored as a whole version exactly as saveLabelmap stores one (the same file, hash and checks).
 * The parent comes from the cache of acknowledged labelmaps when it holds exactly that version
 * (labelmapCache.ts), else from its file; either way only the changed slices are compressed and
 * label-checked again. A version never changes, so the parent is read outside the write
 * transaction; whether it is still the newest is writeVersion's check, inside it.
 */
export async function saveLabelmapSlices(ctx: StoreContext, viewer: Session, input: SaveSlicesInput): Promise<AnnotationVersion> {
  checkStatus(input.status);
  // Only the rater's own versions: another rater's (or an unknown id) is the same not-found, so a
  // patch cannot be used to learn whether someone else's version exists, nor to start from its voxels.
  const parent = await versionById(ctx, input.parentVersionId);
  if (!parent || parent.raterId !== viewer.raterId) fail('not-found', `no version ${input.parentVersionId} for this rater`);
  if (parent.caseId !== input.caseId) fail('bad-request', `parent version ${parent.versionId} is not a version of this rater on this case`);
  await checkWriter(ctx, viewer, parent.caseId, undefined);
  const geometry = await referenceGeometry(ctx, parent.caseId);
  const problem = slicePatchProblem(geometry.dims, input.slices);
  if (problem !== null) fail('bad-geometry', `slice patch refused: ${problem}`);
  const { labelmap, pieces: parentPieces } = await startingPoint(ctx, viewer, parent, geometry);
  applySlicePatch(labelmap, geometry.dims, input.slices);
  if (input.status === 'submitted') refuseEmptySubmit(labelmap);
  const pieces = redeflateSlices(parentPieces, geometry, labelmap, input.slices.indices);
  const version = await writeVersion(ctx, {
    caseId: parent.caseId,
    raterId: parent.raterId,
    actorRaterId: viewer.raterId,
    parentVersionId: parent.versionId,
    status: input.status,
    origin: 'editor',
    content: { kind: 'mask', newVoxels: input.slices.bytes, bytes: gzipLabelmap(pieces), name: 'labelmap' },
  });
  keepAcknowledged(ctx, version, labelmap, pieces);
  return version;
}

/**
 * The parent's labelmap and compressed pieces, for this save alone to write into: the cached entry
 * when it holds exactly the parent (taken out of the cache), else decoded from the parent's file.
 */
async function startingPoint(
  ctx: StoreContext,
  viewer: Session,
  parent: AnnotationVersion,
  geometry: Geometry,
): Promise<{ labelmap: Uint8Array; pieces: LabelmapPieces }> {
  const cached = parent.fileHash === null ? null : ctx.labelmaps.take(parent.raterId, parent.caseId, parent.versionId, parent.fileHash);
  if (cached) return cached;
  const labelmap = await readVersionLabelmap(ctx, viewer, parent.versionId);
  return { labelmap, pieces: deflateLabelmap(geometry, labelmap) };
}

export interface ImportMaskInput {
  caseId: string;
  /** NIfTI (.nii or .nii.gz) bytes, stored verbatim once valid. */
  bytes: Uint8Array;
  fileName: string;
  status: VersionStatus;
  /** Import as another rater (admin only), e.g. existing annotations brought into a project. */
  raterId?: string;
}

/**
 * Imports a mask file; validated completely before anything is written (decoding already refuses
 * values that are no label at all, fractions and negatives; the label check that counts is
 * writeVersion's). Stored byte for byte.
 */
export async function importMask(ctx: StoreContext, viewer: Session, input: ImportMaskInput): Promise<AnnotationVersion> {
  checkStatus(input.status);
  const raterId = await checkWriter(ctx, viewer, input.caseId, input.raterId);
  const labelmap = decodeMask(input.bytes, await referenceGeometry(ctx, input.caseId), input.fileName, await allowedLabelValues(ctx));
  if (input.status === 'submitted') refuseEmptySubmit(labelmap);
  return await writeVersion(ctx, {
    caseId: input.caseId,
    raterId,
    actorRaterId: viewer.raterId,
    parentVersionId: undefined,
    status: input.status,
    origin: 'import',
    content: { kind: 'mask', newVoxels: labelmap, bytes: input.bytes, name: input.fileName },
  });
}

/** The explicit "no lesion" answer: a submitted version without a file. */
export async function submitNoLesion(
  ctx: StoreContext,
  viewer: Session,
  input: { caseId: string; parentVersionId?: string | null; raterId?: string },
): Promise<AnnotationVersion> {
  const raterId = await checkWriter(ctx, viewer, input.caseId, input.raterId);
  return await writeVersion(ctx, {
    caseId: input.caseId,
    raterId,
    actorRaterId: viewer.raterId,
    parentVersionId: input.parentVersionId,
    status: 'submitted',
    origin: 'editor',
    content: { kind: 'no-lesion' },
  });
}

/** Submits an existing draft unchanged: a new submitted version pointing at the same file. */
export async function submitDraft(ctx: StoreContext, viewer: Session, versionId: string): Promise<AnnotationVersion> {
  const draft = await getVersion(ctx, viewer, versionId);
  if (draft.raterId !== viewer.raterId) fail('forbidden', 'a rater can only submit their own drafts');
  if (draft.status !== 'draft' || !draft.fileHash || !draft.fileName) fail('bad-request', `version ${versionId} is not a draft`);
  await checkWriter(ctx, viewer, draft.caseId, undefined);
  refuseEmptySubmit(await readVersionLabelmap(ctx, viewer, versionId));
  // The draft as parent: submitting an older draft over a newer version would silently win, like a stale save.
  return await writeVersion(ctx, {
    caseId: draft.caseId,
    raterId: draft.raterId,
    actorRaterId: viewer.raterId,
    parentVersionId: draft.versionId,
    status: 'submitted',
    origin: draft.origin,
    content: { kind: 'stored', file: { hash: draft.fileHash, fileName: draft.fileName, reused: true } },
  });
}

/** A version the session may see; hidden and unknown versions look the same (not-found). */
export async function getVersion(ctx: StoreContext, viewer: Session, versionId: string): Promise<AnnotationVersion> {
  const v = await versionById(ctx, versionId);
  if (!v || !mayReadRaterWork(viewer, v.raterId)) fail('not-found', `no version ${versionId} for this rater`);
  return v;
}

/** Versions, oldest first. An annotator gets only their own, whatever filter they ask for. */
export async function listVersions(
  ctx: StoreContext,
  viewer: Session,
  filter: { caseId?: string; raterId?: string } = {},
): Promise<AnnotationVersion[]> {
  const where: string[] = [];
  const params: string[] = [];
  const raterId = viewer.role === 'annotator' ? viewer.raterId : filter.raterId;
  if (raterId !== undefined) {
    where.push('rater_id = ?');
    params.push(raterId);
  }
  if (filter.caseId !== undefined) {
    where.push('case_id = ?');
    params.push(filter.caseId);
  }
  const sql = `SELECT * FROM annotation_versions ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq`;
  return (await ctx.db.all(sql, params)).map(toVersion).filter((v) => mayReadRaterWork(viewer, v.raterId));
}

/** The stored file's bytes, proven by hash; null for a "no lesion" answer. */
export async function readVersionFile(
  ctx: StoreContext,
  viewer: Session,
  versionId: string,
): Promise<{ fileName: string; bytes: Uint8Array } | null> {
  const v = await getVersion(ctx, viewer, versionId);
  if (!v.fileHash || !v.fileName) return null;
  try {
    return { fileName: v.fileName, bytes: await ctx.blobs.read(v.fileName, v.fileHash) };
  } catch (err) {
    if (err instanceof AnnotationFileError) throw new ProjectError('corrupt-file', err.message);
    throw err;
  }
}

/** The version's labelmap on the case grid (all zero for "no lesion"). */
export async function readVersionLabelmap(ctx: StoreContext, viewer: Session, versionId: string): Promise<Uint8Array> {
  const v = await getVersion(ctx, viewer, versionId);
  const geometry = await referenceGeometry(ctx, v.caseId);
  const file = await readVersionFile(ctx, viewer, versionId);
  if (!file) return new Uint8Array(geometry.dims[0] * geometry.dims[1] * geometry.dims[2]);
  return decodeMask(file.bytes, geometry, file.fileName, await allowedLabelValues(ctx));
}

/** Status of one rater on one case; an annotator may only ask about themselves. */
export async function statusOf(ctx: StoreContext, viewer: Session, raterId: string, caseId: string): Promise<RaterCaseStatus> {
  if (!mayReadRaterWork(viewer, raterId)) fail('not-found', `no rater ${raterId} for this session`);
  return raterCaseStatus(await newestVersion(ctx, raterId, caseId));
}

/** Newest submitted version of each rater on a case (drafts after it do not hide it). Internal: callers check roles. */
export async function latestSubmittedByRater(ctx: StoreContext, caseId: string): Promise<AnnotationVersion[]> {
  return (
    await ctx.db.all(
      `SELECT v.* FROM annotation_versions v
       WHERE v.case_id = ? AND v.status = 'submitted'
         AND v.seq = (SELECT MAX(seq) FROM annotation_versions w WHERE w.case_id = v.case_id AND w.rater_id = v.rater_id AND w.status = 'submitted')
       ORDER BY v.rater_id`,
      [caseId],
    )
  ).map(toVersion);
}
