/**
 * Who may call each channel: one table, checked by the dispatcher (apiDispatch.ts) before a request
 * is even parsed, so no handler does any work (scans a folder, opens a file, reads the database) for
 * a caller it will refuse. The table is a `Record` over every contract channel, so a new channel
 * does not compile until someone decides who may call it.
 *
 * The store still re-checks every rule against its database (a role changed after sign-in, the
 * owner of a version): this table is the first gate, not the only one.
 *
 * Plain Node; no Electron.
 */
import type { Channel } from '../../src-shared/api/contract';
import type { Role } from '../../src-shared/project/types';

type ChannelAccess =
  /** No session: what the sign-in screen needs before anyone has signed in. */
  | { readonly who: 'anyone' }
  /** A valid session of one of these roles, named in the request's `session` field. */
  | { readonly who: 'signed-in'; readonly roles: readonly Role[] };

const ANYONE: ChannelAccess = { who: 'anyone' };
const EVERY_ROLE: ChannelAccess = { who: 'signed-in', roles: ['annotator', 'reviewer', 'admin'] };
/** Channels that show or export every rater's work (mayExport / seesAllRaters in src-shared/project/blinding.ts). */
const REVIEWERS: ChannelAccess = { who: 'signed-in', roles: ['reviewer', 'admin'] };
/** Managing the project and running reader studies (mayManageProject, requireAdmin). */
const ADMINS: ChannelAccess = { who: 'signed-in', roles: ['admin'] };

export const CHANNEL_ACCESS: Readonly<Record<Channel, ChannelAccess>> = {
  'quorum:app.info': ANYONE,
  // The project's case list without a path is the sign-in screen's background; a path is checked
  // by the file-access rules (fileAccess.ts), which need a session for it.
  'quorum:project.listCases': ANYONE,
  'quorum:case.open': EVERY_ROLE,
  // Keyed by the caller's own token: a session sees only its own open's progress.
  'quorum:case.decodeProgress': EVERY_ROLE,
  'quorum:fs.list': EVERY_ROLE,
  'quorum:recent.list': EVERY_ROLE,

  'quorum:project.open': ANYONE,
  'quorum:project.integrity': EVERY_ROLE,
  'quorum:rater.identities': ANYONE,
  // Without a session it creates the caller's own identity (the first one bootstraps as admin);
  // with one, the store lets only an admin create raters for others.
  'quorum:rater.create': ANYONE,
  'quorum:rater.signIn': ANYONE,
  'quorum:rater.signOut': EVERY_ROLE,
  // Oneself for everyone; another person only for an admin (the handler checks, in the database).
  'quorum:rater.signOutEverywhere': EVERY_ROLE,
  // A reloaded tab checks that its stored session still stands; an unknown one is refused here.
  'quorum:rater.current': EVERY_ROLE,
  // An admin sets anyone's secret; anyone else only their own, with the current one (the store decides).
  'quorum:rater.setSecret': EVERY_ROLE,
  'quorum:rater.list': EVERY_ROLE,
  'quorum:rater.setRole': ADMINS,
  'quorum:projectCase.list': EVERY_ROLE,
  'quorum:projectCase.add': ADMINS,
  // Reviewers prepare a case's images; a new case and its reference grid are the admin's.
  'quorum:sequence.add': REVIEWERS,
  'quorum:sequence.importSubject': ADMINS,
  'quorum:sequence.setReference': ADMINS,
  'quorum:sequence.remove': ADMINS,
  'quorum:projectCase.assign': ADMINS,
  'quorum:projectCase.statuses': EVERY_ROLE,
  'quorum:annotation.list': EVERY_ROLE,
  'quorum:annotation.read': EVERY_ROLE,
  'quorum:annotation.save': EVERY_ROLE,
  'quorum:annotation.saveSlices': EVERY_ROLE,
  'quorum:annotation.submitDraft': EVERY_ROLE,
  'quorum:annotation.noLesion': EVERY_ROLE,
  'quorum:review.comments': EVERY_ROLE,
  'quorum:review.flags': EVERY_ROLE,
  'quorum:review.addComment': EVERY_ROLE,
  'quorum:review.addFlag': REVIEWERS,
  'quorum:audit.list': EVERY_ROLE,

  'quorum:worklist.get': EVERY_ROLE,
  'quorum:review.act': REVIEWERS,
  'quorum:work.record': EVERY_ROLE,
  'quorum:export.timeOnTaskCsv': REVIEWERS,

  'quorum:annotation.import': EVERY_ROLE,
  'quorum:import.folder': ADMINS,
  // A mask file's values for anyone who may import it; a folder's for admins (the handler checks).
  'quorum:import.values': EVERY_ROLE,
  'quorum:export.case': REVIEWERS,
  'quorum:export.versionsCsv': REVIEWERS,

  // The model list names folders and files only, no rater's work.
  // A listing reads and hashes every file of every model folder: signed-in people only.
  // The archive's search lists patient names and IDs; adding a series adds a case (admins, as projectCase.add).
  'quorum:dicomweb.search': ADMINS,
  'quorum:dicomweb.addCase': ADMINS,
  'quorum:dicomweb.addProgress': ADMINS,
  'quorum:dicomweb.cancelAdd': ADMINS,
  // A rater's work leaves the project as a SEG: reviewers and admins, as export.case.
  'quorum:dicomweb.storeSeg': REVIEWERS,
  'quorum:models.list': EVERY_ROLE,
  // A model version is for every project on this machine.
  'quorum:models.saveCalibrated': REVIEWERS,
  'quorum:inference.saveResult': REVIEWERS,
  'quorum:inference.readResult': EVERY_ROLE,
  // Running a model natively needs what a run in the browser needs (a case opened, the model list):
  // every role. A job is its starter's alone (nativeInference.ts).
  'quorum:inference.nativeStart': EVERY_ROLE,
  'quorum:inference.nativeStatus': EVERY_ROLE,
  'quorum:inference.nativeCancel': EVERY_ROLE,

  'quorum:evaluation.caseSources': EVERY_ROLE,

  // Every rater paints with the table; changing it is the admin's.
  'quorum:labels.get': EVERY_ROLE,
  'quorum:labels.set': ADMINS,

  // The admin screen (issue 13). The holder of an invitation link has no password yet: the token
  // (32 random bytes, one use) is the credential, checked by the store.
  'quorum:admin.people': ADMINS,
  'quorum:invitation.create': ADMINS,
  'quorum:invitation.list': ADMINS,
  'quorum:invitation.revoke': ADMINS,
  'quorum:invitation.inspect': ANYONE,
  'quorum:invitation.accept': ANYONE,
  'quorum:projectCase.unassign': ADMINS,

  'quorum:study.options': ADMINS,
  'quorum:study.validate': ADMINS,
  'quorum:study.create': ADMINS,
  'quorum:study.list': ADMINS,
  'quorum:study.get': ADMINS,
  'quorum:study.open': ADMINS,
  'quorum:study.close': ADMINS,
  'quorum:study.report': ADMINS,
  'quorum:study.export': ADMINS,
  'quorum:study.mine': EVERY_ROLE,
  'quorum:study.next': EVERY_ROLE,
  'quorum:study.answer': EVERY_ROLE,
};
