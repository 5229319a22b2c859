/**
 * The admin screen's channels (issue 13): the people of the project with their status and case
 * assignments, invitation links (one-time tokens; only their sha256 is stored) and taking a case
 * away from a rater. Spread into the contract. Everything here is an admin's, except looking at and
 * accepting an invitation, which the person holding the link does before they have a password.
 *
 * Environment-free.
 */
import { z } from '../zod';
import { roleSchema, sessionSchema } from '../project/schemas';

const session = z.string().min(1);
const id = z.string().min(1);
/** The invitation token from the link: 32 random bytes, base64url (43 characters). */
const inviteToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'an invitation token is 43 characters of base64url');
const secret = z.string().min(1).max(256);

/** Where an invitation stands: open until used, revoked or past its expiry. */
const invitationStateSchema = z.enum(['open', 'used', 'revoked', 'expired']);

const invitationSchema = z.object({
  invitationId: z.string(),
  raterId: z.string(),
  name: z.string(),
  role: roleSchema,
  createdAt: z.string(),
  expiresAt: z.string(),
  state: invitationStateSchema,
});
export type Invitation = z.infer<typeof invitationSchema>;

/**
 * A person as the admin screen lists them: `active` has a password, `invited` has none yet and an
 * open invitation, `no-password` has neither (they choose one at their first sign-in).
 */
const personSummarySchema = z.object({
  raterId: z.string(),
  name: z.string(),
  role: roleSchema,
  status: z.enum(['active', 'invited', 'no-password']),
  lastSignInAt: z.string().nullable(),
  assignedCaseIds: z.array(z.string()),
});
export type PersonSummary = z.infer<typeof personSummarySchema>;

export const adminChannels = {
  /** Every person (models left out) with their status, last sign-in and assigned cases. */
  'quorum:admin.people': { request: z.object({ session }), result: z.array(personSummarySchema) },
  /**
   * Invites a new person (created with `role`) or an existing one (given `role`): the token is in
   * this answer only, for the link `<origin>/?invite=<token>`; the server keeps its sha256.
   */
  'quorum:invitation.create': {
    request: z.object({ session, name: z.string().min(1).max(80), role: roleSchema }),
    result: z.object({ invitation: invitationSchema, token: z.string() }),
  },
  /** Every invitation, newest first. */
  'quorum:invitation.list': { request: z.object({ session }), result: z.array(invitationSchema) },
  /** Ends an open invitation: its link no longer works. */
  'quorum:invitation.revoke': { request: z.object({ session, invitationId: id }), result: invitationSchema },
  /** Whom an open invitation is for (the "Set your password" page); a used, revoked or expired one is refused with why. */
  'quorum:invitation.inspect': {
    request: z.object({ token: inviteToken }),
    result: z.object({ name: z.string(), role: roleSchema, expiresAt: z.string() }),
  },
  /** Sets the invited person's password, uses the invitation up (once) and signs them in. */
  'quorum:invitation.accept': {
    request: z.object({ token: inviteToken, secret }),
    result: z.object({ token: z.string(), session: sessionSchema, name: z.string() }),
  },
  /** Takes a case away from a rater (their saved versions stay). */
  'quorum:projectCase.unassign': { request: z.object({ session, raterId: id, caseId: id }), result: z.object({}) },
} as const;

export type AdminChannel = keyof typeof adminChannels;
