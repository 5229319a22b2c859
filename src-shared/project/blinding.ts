/**
 * Blinding and permission rules as pure functions of the viewer's identity. The project store calls
 * these inside every read and write (the API layer cannot skip them); the renderer may call them to
 * hide controls, but the store is what enforces them.
 *
 * Rule: an annotator sees only the image and their own work — never other raters' versions,
 * comments by or about others, or who reviewed them. Reviewers and admins see everything.
 */
import type { Role, Session } from './types';

/** Whether the viewer may see work (versions, files, consensus, metrics) that belongs to `ownerRaterId`. */
export function mayReadRaterWork(viewer: Session, ownerRaterId: string): boolean {
  return viewer.role !== 'annotator' || viewer.raterId === ownerRaterId;
}

/** Whether the viewer sees everyone's work (the comparison overlays, consensus, exports). */
export function seesAllRaters(role: Role): boolean {
  return role === 'reviewer' || role === 'admin';
}

/** Adding raters, cases and assignments. */
export function mayManageProject(role: Role): boolean {
  return role === 'admin';
}

/** Exports contain every rater's work, so they are for reviewers and admins. */
export function mayExport(role: Role): boolean {
  return seesAllRaters(role);
}

/** Review flags are a reviewer's verdict on someone's work. */
export function mayFlag(role: Role): boolean {
  return seesAllRaters(role);
}

/**
 * Whether the viewer may see who wrote a comment or flag. An annotator learns a reviewer's verdict on
 * their own work but not who gave it, so reviewer identities cannot leak across blinded raters.
 */
export function mayReadAuthorIdentity(viewer: Session, authorRaterId: string): boolean {
  return viewer.role !== 'annotator' || viewer.raterId === authorRaterId;
}

/** Annotators may only save on cases assigned to them; reviewers and admins on any case. */
export function needsAssignmentToAnnotate(role: Role): boolean {
  return role === 'annotator';
}
