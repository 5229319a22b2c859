/**
 * Review comments and flags, both append-only (a flag is withdrawn or overruled by a newer flag,
 * never edited). Blinding: an annotator sees only what is attached to their own versions plus their
 * own case-level comments, and never who the reviewer was (author fields come back null).
 */
import { mayFlag, mayReadAuthorIdentity, seesAllRaters } from '../../../src-shared/project/blinding';
import { REVIEW_ACTIONS, type ReviewAction } from '../../../src-shared/project/reviewSession';
import { FLAG_KINDS, type FlagKind, type ReviewComment, type ReviewFlag, type Role, type Session } from '../../../src-shared/project/types';
import { appendAudit } from './audit';
import { getCase } from './cases';
import { newId, nowIso, type StoreContext } from './context';
import { fail } from './errors';
import { text, textOrNull, type Row } from './sqlite';
import { getVersion } from './versions';

function visibleToAnnotatorSql(alias: string): string {
  // Attached to one of the viewer's versions, or written by the viewer.
  return `(${alias}.version_id IN (SELECT version_id FROM annotation_versions WHERE rater_id = :me) OR ${alias}.author_rater_id = :me)`;
}

function author(viewer: Session, r: Row): { authorRaterId: string | null; authorName: string | null; authorRole: Role } {
  const id = text(r, 'author_rater_id');
  const shown = mayReadAuthorIdentity(viewer, id);
  return {
    authorRaterId: shown ? id : null,
    authorName: shown ? text(r, 'author_name') : null,
    authorRole: text(r, 'author_role') as Role,
  };
}

/**
 * One case's comments or flags in creation order, with each author's name and role, and for an
 * annotator only those they may see: one query for both tables so the blinding rule lives once.
 */
async function visibleNotes(
  ctx: StoreContext,
  viewer: Session,
  caseId: string,
  table: 'review_comments' | 'review_flags',
  idColumn: 'comment_id' | 'flag_id',
): Promise<Row[]> {
  await getCase(ctx, viewer, caseId);
  const blind = !seesAllRaters(viewer.role);
  return await ctx.db.all(
    `SELECT n.*, r.name AS author_name, r.role AS author_role FROM ${table} n JOIN raters r ON r.rater_id = n.author_rater_id
     WHERE n.case_id = :case ${blind ? `AND ${visibleToAnnotatorSql('n')}` : ''} ORDER BY n.created_at, n.${idColumn}`,
    blind ? { ':case': caseId, ':me': viewer.raterId } : { ':case': caseId },
  );
}

/** What a comment or flag is attached to, and who wrote it as far as `viewer` may know. */
function target(viewer: Session, r: Row): { caseId: string; versionId: string | null } & ReturnType<typeof author> {
  return { caseId: text(r, 'case_id'), versionId: textOrNull(r, 'version_id'), ...author(viewer, r) };
}

/** Checks the target exists and is visible; returns the case id to file the note under. */
async function checkTarget(ctx: StoreContext, viewer: Session, caseId: string, versionId: string | null): Promise<void> {
  await getCase(ctx, viewer, caseId);
  if (versionId !== null && (await getVersion(ctx, viewer, versionId)).caseId !== caseId)
    fail('bad-request', `version ${versionId} is not on case ${caseId}`);
}

export async function addComment(
  ctx: StoreContext,
  viewer: Session,
  input: { caseId: string; versionId?: string | null; body: string },
): Promise<ReviewComment> {
  const body = typeof input.body === 'string' ? input.body.trim() : '';
  if (!body || body.length > 10_000) fail('bad-request', 'a comment must be 1 to 10000 characters');
  const versionId = input.versionId ?? null;
  await checkTarget(ctx, viewer, input.caseId, versionId);
  const c = { commentId: newId('cmt'), createdAt: nowIso() };
  await ctx.db.transaction(async () => {
    await ctx.db.run(
      'INSERT INTO review_comments (comment_id, case_id, version_id, author_rater_id, body, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      [c.commentId, input.caseId, versionId, viewer.raterId, body, c.createdAt],
    );
    await appendAudit(ctx, {
      actorRaterId: viewer.raterId,
      action: 'review.comment',
      caseId: input.caseId,
      subjectId: c.commentId,
      detail: { versionId },
    });
  });
  return (await listComments(ctx, viewer, input.caseId)).find((x) => x.commentId === c.commentId) ?? fail('not-found', 'comment vanished');
}

export async function listComments(ctx: StoreContext, viewer: Session, caseId: string): Promise<ReviewComment[]> {
  return (await visibleNotes(ctx, viewer, caseId, 'review_comments', 'comment_id')).map((r) => ({
    commentId: text(r, 'comment_id'),
    ...target(viewer, r),
    body: text(r, 'body'),
    createdAt: text(r, 'created_at'),
  }));
}

export async function addFlag(
  ctx: StoreContext,
  viewer: Session,
  input: { caseId: string; versionId?: string | null; kind: FlagKind; note?: string },
): Promise<ReviewFlag> {
  if (!mayFlag(viewer.role)) fail('forbidden', 'only reviewers and admins can flag annotations');
  if (!FLAG_KINDS.includes(input.kind)) fail('bad-request', `flag kind must be one of ${FLAG_KINDS.join(', ')}`);
  const versionId = input.versionId ?? null;
  await checkTarget(ctx, viewer, input.caseId, versionId);
  const flagId = newId('flag');
  await ctx.db.transaction(async () => {
    await ctx.db.run(
      'INSERT INTO review_flags (flag_id, case_id, version_id, author_rater_id, kind, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [flagId, input.caseId, versionId, viewer.raterId, input.kind, (input.note ?? '').trim(), nowIso()],
    );
    await appendAudit(ctx, {
      actorRaterId: viewer.raterId,
      action: 'review.flag',
      caseId: input.caseId,
      subjectId: flagId,
      detail: { versionId, kind: input.kind },
    });
  });
  return (await listFlags(ctx, viewer, input.caseId)).find((f) => f.flagId === flagId) ?? fail('not-found', 'flag vanished');
}

export async function listFlags(ctx: StoreContext, viewer: Session, caseId: string): Promise<ReviewFlag[]> {
  return (await visibleNotes(ctx, viewer, caseId, 'review_flags', 'flag_id')).map((r) => ({
    flagId: text(r, 'flag_id'),
    ...target(viewer, r),
    kind: text(r, 'kind') as FlagKind,
    note: text(r, 'note'),
    createdAt: text(r, 'created_at'),
  }));
}

const ACTION_FLAG: Record<ReviewAction, FlagKind> = { approve: 'accepted', 'request-revision': 'needs-revision', difficult: 'difficult' };

export interface ReviewActionInput {
  versionId: string;
  action: ReviewAction;
  /** Required for a revision request (what to change); optional otherwise. */
  comment?: string;
}

export interface ReviewActionResult {
  flag: ReviewFlag;
  comment: ReviewComment | null;
}

/**
 * A reviewer's action on one annotation version: approve it, send it back with a comment, or mark
 * the case difficult. The flag, the comment (attached to the version, so its rater reads it) and
 * the audit row commit in one transaction. A revision request reopens the case for the rater
 * (worklist.ts): it stays open until they submit a newer version.
 */
export async function reviewVersion(ctx: StoreContext, viewer: Session, input: ReviewActionInput): Promise<ReviewActionResult> {
  if (!mayFlag(viewer.role)) fail('forbidden', 'only reviewers and admins can approve, request a revision or mark a case difficult');
  if (!REVIEW_ACTIONS.includes(input.action))
    fail('bad-request', `review action must be one of ${REVIEW_ACTIONS.join(', ')}, not "${String(input.action)}"`);
  const comment = typeof input.comment === 'string' ? input.comment.trim() : '';
  if (input.action === 'request-revision' && !comment)
    fail('bad-request', 'a revision request needs a comment that tells the rater what to change');
  if (comment.length > 10_000) fail('bad-request', 'a comment must be at most 10000 characters');
  const flagId = newId('flag');
  const commentId = comment ? newId('cmt') : null;
  // The checks and the verdict in one transaction: a newer submission cannot arrive between them.
  const reviewed = await ctx.db.transaction(async () => {
    const v = await getVersion(ctx, viewer, input.versionId);
    const rater = await ctx.db.get('SELECT name, kind FROM raters WHERE rater_id = ?', [v.raterId]);
    if (input.action !== 'difficult') {
      if (v.raterId === viewer.raterId) fail('forbidden', 'a reviewer cannot approve or send back their own annotation');
      if (v.status !== 'submitted')
        fail('bad-request', `version ${v.versionId} is a draft: only submitted work can be approved or sent back`);
      const newest = await ctx.db.get(
        "SELECT version_id FROM annotation_versions WHERE rater_id = ? AND case_id = ? AND status = 'submitted' ORDER BY seq DESC LIMIT 1",
        [v.raterId, v.caseId],
      );
      if (newest && text(newest, 'version_id') !== v.versionId) {
        fail(
          'bad-request',
          `version ${v.versionId} has been superseded by the rater's newer submission ${text(newest, 'version_id')}; review that one`,
        );
      }
      if (input.action === 'request-revision' && rater && text(rater, 'kind') === 'model') {
        fail(
          'bad-request',
          `${text(rater, 'name')} is a model: it cannot revise its result; run the model again or annotate the case yourself`,
        );
      }
    }
    const at = nowIso();
    await ctx.db.run(
      'INSERT INTO review_flags (flag_id, case_id, version_id, author_rater_id, kind, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [flagId, v.caseId, v.versionId, viewer.raterId, ACTION_FLAG[input.action], comment, at],
    );
    if (commentId) {
      await ctx.db.run(
        'INSERT INTO review_comments (comment_id, case_id, version_id, author_rater_id, body, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        [commentId, v.caseId, v.versionId, viewer.raterId, comment, at],
      );
    }
    await appendAudit(ctx, {
      actorRaterId: viewer.raterId,
      action: `review.${input.action}`,
      caseId: v.caseId,
      subjectId: v.versionId,
      detail: { raterId: v.raterId, flagId, commentId },
    });
    return v;
  });
  return {
    flag: (await listFlags(ctx, viewer, reviewed.caseId)).find((f) => f.flagId === flagId) ?? fail('not-found', 'flag vanished'),
    comment: commentId ? ((await listComments(ctx, viewer, reviewed.caseId)).find((c) => c.commentId === commentId) ?? null) : null,
  };
}
