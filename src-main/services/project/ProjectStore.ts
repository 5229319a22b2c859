/**
 * The project store: one open Quorum project folder. This facade is what the API layer (IPC and
 * the browser-mode server) calls. Every read and write takes the caller's Session and first
 * re-resolves it against the database (resolveSession), then the module functions apply the
 * blinding rules — so a handler cannot forget blinding: there is no un-blinded read to call.
 *
 * Folder layout: quorum.sqlite (+ .owner while open), annotations/<sha256>.nii.gz, and the case
 * images wherever the series paths point (relative paths are inside the project).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { LabelTable } from '../../../src-shared/project/labelTable';
import type { UncertainAs } from '../../../src-shared/project/labels';
import type { Worklist, WorklistFilter } from '../../../src-shared/project/reviewSession';
import type {
  AnnotationVersion,
  AuditEntry,
  CaseRecord,
  SequenceRecord,
  FlagKind,
  Rater,
  RaterCaseStatus,
  ReviewComment,
  ReviewFlag,
  Role,
  Session,
} from '../../../src-shared/project/types';
import type { Invitation, PersonSummary } from '../../../src-shared/api/adminChannels';
import { mayManageProject } from '../../../src-shared/project/blinding';
import { sqliteAccounts } from './accounts';
import { changeSecret, createPerson } from './accountSetup';
import { ANNOTATIONS_DIR } from './annotationFiles';
import { readAudit } from './audit';
import * as cases from './cases';
import { makeContext, newId, nowIso, type StoreContext } from './context';
import { markSeeded, peopleCount, ratersWithVersions, seededRaterIds } from './demoCohortRaters';
import { fail, ProjectError } from './errors';
import * as exporter from './exportProject';
import * as identity from './identity';
import * as invitations from './invitations';
import { importBatch, type ImportBatchInput, type ImportBatchResult } from './importBatch';
import { copyProject, type TransferReport } from './projectTransfer';
import * as reviews from './reviews';
import { isOpenEnrolment, setOpenEnrolment } from './enrolment';
import { checkIntegrity, integrityFor, type IntegrityReport } from './integrity';
import { readLabelTable, setLabelTable } from './labelTable';
import { migrate, type MigrationResult } from './migrate';
import * as modelResults from './modelResults';
import { acquireOwnership, ProjectLockedError, type AcquiredOwnership } from './ownerLock';
import { MIGRATIONS, type Migration } from './schema';
import { hashSecret } from './secrets';
import { sessionTable, type SessionTable } from './sessionTable';
import { authenticate, type SignInPolicy, type SignInRequest } from './signIn';
import { Db, text } from './sqlite';
import { SqlitePort } from './dbPort';
import { databaseBlobs } from './annotationBlobs';
import { PgPort } from './pgPort';
import { pgMigrate, PG_MIGRATIONS } from './pgSchema';
import * as versions from './versions';
import * as workSessions from './workSessions';
import { worklist } from './worklist';

export const DB_FILE = 'quorum.sqlite';

export interface OpenProjectOptions {
  /** Stamped on every new version. */
  appVersion: string;
  /** Create the folder and database when absent (default false: opening a non-project is an error). */
  create?: boolean;
  /** For tests of the migration runner only. */
  migrations?: readonly Migration[];
}

export interface OpenReport {
  projectId: string;
  migration: MigrationResult;
  integrity: IntegrityReport;
  /** Things done while opening, e.g. a stale lock cleared after a crash. */
  notes: string[];
}

export class ProjectStore {
  private constructor(
    private readonly ctx: StoreContext,
    /** Closes the database and gives up what opening it took (the folder's owner lock, the pool). */
    private readonly release: () => void,
    readonly openReport: OpenReport,
  ) {}

  static async open(dir: string, options: OpenProjectOptions): Promise<ProjectStore> {
    const root = path.resolve(dir);
    const dbPath = path.join(root, DB_FILE);
    if (!fs.existsSync(dbPath)) {
      if (!options.create) fail('not-found', `${root} is not a Quorum project: it has no ${DB_FILE}`);
      fs.mkdirSync(root, { recursive: true });
    }
    fs.mkdirSync(path.join(root, ANNOTATIONS_DIR), { recursive: true });
    let ownership: AcquiredOwnership;
    try {
      ownership = acquireOwnership(dbPath);
    } catch (err) {
      if (err instanceof ProjectLockedError) throw new ProjectError('project-locked', err.message);
      throw err;
    }
    let db: Db | null = null;
    try {
      db = new Db(dbPath);
      // One owner process (ownerLock.ts); the connection holds SQLite's lock for the whole session
      // and writes through a WAL (sqlite.ts explains why not the rollback journal).
      db.exec('PRAGMA foreign_keys = ON;');
      const ctx = makeContext(new SqlitePort(db), root, options.appVersion);
      const migration = migrate(db, options.migrations ?? MIGRATIONS);
      const projectId = await ensureProjectId(ctx);
      const integrity = await checkIntegrity(ctx);
      const opened = db;
      const release = (): void => {
        opened.close();
        ownership.release();
      };
      return new ProjectStore(ctx, release, { projectId, migration, integrity, notes: ownership.notes });
    } catch (err) {
      db?.close();
      ownership.release();
      throw err;
    }
  }

  /**
   * A project kept in PostgreSQL (the team server): every piece of state, annotation bytes
   * included, is in the database, so several server processes can open the same one. `imagesDir`
   * is where relative image paths point. Missing migrations are applied (pgSchema.ts).
   */
  static async openPostgres(url: string, options: { appVersion: string; imagesDir?: string }): Promise<ProjectStore> {
    const port = new PgPort(url);
    try {
      const migration = await pgMigrate(port, PG_MIGRATIONS);
      const ctx = makeContext(port, path.resolve(options.imagesDir ?? '.'), options.appVersion, databaseBlobs(port));
      const projectId = await ensureProjectId(ctx);
      const integrity = await checkIntegrity(ctx);
      const release = (): void => {
        port.close().catch((err: unknown) => console.warn(`closing the PostgreSQL pool: ${String(err)}`));
      };
      return new ProjectStore(ctx, release, { projectId, migration, integrity, notes: [] });
    } catch (err) {
      await port.close();
      throw err;
    }
  }

  get dir(): string {
    return this.ctx.dir;
  }

  /** The app version stamped on new versions (and on exported DICOM SEG). */
  get appVersion(): string {
    return this.ctx.appVersion;
  }

  close(): void {
    this.release();
  }

  /** The project's sessions table (sessionRegistry.ts applies the expiry rules over it). */
  sessions(): SessionTable {
    return sessionTable(this.ctx);
  }

  private async s(session: Session): Promise<Session> {
    return await identity.resolveSession(this.ctx, session);
  }

  // Identity (before a session exists)
  /** The sign-in picker: people's names, and whether each has chosen a secret yet; no ids. */
  async listIdentities(): Promise<Array<{ name: string; hasSecret: boolean }>> {
    return await sqliteAccounts(this.ctx).listPeople();
  }
  /** A person without a secret (they set it at first sign-in): the app's seeding and tests. */
  async createIdentity(name: string, role: Role = 'annotator'): Promise<Rater> {
    return await identity.createRater(this.ctx, null, name, role);
  }
  /** Self-registration from the sign-in screen: the person and their secret in one transaction. */
  registerPerson(name: string, role: Role, secret: string | undefined): Promise<Rater> {
    return createPerson(this.ctx, null, name, role, secret);
  }
  /** Checks a name and secret (signIn.ts: first sign-in, throttle) and returns the person's Session. */
  async authenticate(req: SignInRequest, nowMs: () => number, policy: SignInPolicy): Promise<Session> {
    const raterId = await authenticate(sqliteAccounts(this.ctx), req, nowMs, policy);
    return await identity.resolveSession(this.ctx, { raterId, role: 'annotator' });
  }
  /** The trusted in-process sign-in (the app itself and tests); the API signs in through `authenticate`. */
  async signIn(raterId: string): Promise<Session> {
    return await identity.signIn(this.ctx, raterId);
  }
  /** The name of the session's person (re-resolved: a deleted or demoted rater is caught here). */
  async whoIs(session: Session): Promise<{ session: Session; name: string }> {
    const s = await this.s(session);
    return { session: s, name: await identity.raterName(this.ctx, s.raterId) };
  }

  // App-level set-up (the composition root, before or without a session)
  /** Registers a case as the app itself, e.g. the demo's cases; audited with no actor. */
  async addCaseAsApp(input: cases.NewCase): Promise<CaseRecord> {
    return await cases.addCase(this.ctx, null, input);
  }
  /** Whether a self-created identity would bootstrap as admin: no person has joined yet (seeded synthetic raters do not count). */
  async firstIdentityIsAdmin(): Promise<boolean> {
    return (await peopleCount(this.ctx)) === 0;
  }
  /** A synthetic annotator seeded by the app (the demo cohort's raters); not counted as a person for the bootstrap admin. */
  async createSeededRater(name: string): Promise<Rater> {
    return await this.ctx.db.transaction(async () => {
      const rater = await identity.createRater(this.ctx, null, name, 'annotator');
      await markSeeded(this.ctx, rater.raterId);
      return rater;
    });
  }
  /** A person by name, for the app's own seeding (demoCohortSeed.ts); the API never exposes ids by name. */
  async personByNameAsApp(name: string): Promise<Rater | null> {
    return await identity.findPersonByName(this.ctx, name);
  }
  /** Raters the app seeded (createSeededRater), by id. */
  async seededRaterIds(): Promise<string[]> {
    return await seededRaterIds(this.ctx);
  }
  /** Raters with any version on the case, and their kind: app-level, for idempotent seeding. */
  async ratersWithVersionsAsApp(caseId: string): Promise<Array<{ raterId: string; kind: string }>> {
    return await ratersWithVersions(this.ctx, caseId);
  }
  /** A model result saved by the app itself (the demo cohort's precomputed results); audited with no actor. */
  async saveModelResultAsApp(input: modelResults.SaveModelResultInput): Promise<modelResults.ModelResult> {
    return await modelResults.saveModelResult(this.ctx, null, input);
  }
  /** Names of the registered cases, for the app to skip those it registered before (no blinding: names only, no session). */
  async caseNames(): Promise<string[]> {
    return (await this.ctx.db.all('SELECT name FROM cases ORDER BY name')).map((r) => text(r, 'name'));
  }
  /** Open enrolment (enrolment.ts): every rater assigned to every case, for the demo project. */
  async setOpenEnrolment(on: boolean): Promise<void> {
    await setOpenEnrolment(this.ctx, on);
  }
  async isOpenEnrolment(): Promise<boolean> {
    return await isOpenEnrolment(this.ctx);
  }

  // Administration
  async createRater(session: Session, name: string, role: Role): Promise<Rater> {
    return await identity.createRater(this.ctx, await this.s(session), name, role);
  }
  /** An admin creates a person, with an initial secret or (undefined) one they choose at first sign-in. */
  async createPerson(session: Session, name: string, role: Role, secret: string | undefined): Promise<Rater> {
    return createPerson(this.ctx, await this.s(session), name, role, secret);
  }
  /** Sets a secret: an admin for anyone, a person for themself with the current one (accountSetup.ts). */
  async changeSecret(
    session: Session,
    input: { raterId: string; secret: string; currentSecret?: string },
    nowMs: () => number,
    policy: SignInPolicy,
  ): Promise<void> {
    return changeSecret(this.ctx, await this.s(session), input, nowMs, policy);
  }
  /** Refuses a session that is not an admin's (roles re-read from the database). */
  async requireAdmin(session: Session, what: string): Promise<void> {
    if (!mayManageProject((await this.s(session)).role)) fail('forbidden', `only an admin may ${what}`);
  }
  async setRole(session: Session, raterId: string, role: Role): Promise<Rater> {
    return await identity.setRole(this.ctx, await this.s(session), raterId, role);
  }
  async addCase(session: Session, input: cases.NewCase): Promise<CaseRecord> {
    return await cases.addCase(this.ctx, await this.s(session), input);
  }
  async assign(session: Session, raterId: string, caseId: string): Promise<void> {
    await cases.assign(this.ctx, await this.s(session), raterId, caseId);
  }
  async unassign(session: Session, raterId: string, caseId: string): Promise<void> {
    await cases.unassign(this.ctx, await this.s(session), raterId, caseId);
  }

  // Invitations and the admin screen (invitations.ts); `nowMs` is the host's clock (expiry)
  async createInvitation(
    session: Session,
    input: { name: string; role: Role },
    nowMs: number,
  ): Promise<{ invitation: Invitation; token: string }> {
    return await invitations.createInvitation(this.ctx, await this.s(session), input, nowMs);
  }
  async listInvitations(session: Session, nowMs: number): Promise<Invitation[]> {
    return await invitations.listInvitations(this.ctx, await this.s(session), nowMs);
  }
  async revokeInvitation(session: Session, invitationId: string, nowMs: number): Promise<Invitation> {
    return await invitations.revokeInvitation(this.ctx, await this.s(session), invitationId, nowMs);
  }
  /** Before any session: whom a link's token invites, or why it no longer works. */
  async inspectInvitation(token: string, nowMs: number): Promise<Pick<Invitation, 'name' | 'role' | 'expiresAt'>> {
    return await invitations.inspectInvitation(this.ctx, token, nowMs);
  }
  /** Before any session: sets the invited person's secret and uses the invitation up; their Session. */
  async acceptInvitation(token: string, secret: string, nowMs: number): Promise<Session> {
    // The token first: an unknown or spent link costs no scrypt work.
    await invitations.inspectInvitation(this.ctx, token, nowMs);
    const raterId = await invitations.acceptInvitation(this.ctx, token, await hashSecret(secret), nowMs);
    return await identity.resolveSession(this.ctx, { raterId, role: 'annotator' });
  }
  async listPeople(session: Session, nowMs: number): Promise<PersonSummary[]> {
    return await invitations.listPeople(this.ctx, await this.s(session), nowMs);
  }

  /**
   * For services that keep their own tables in this database (reader studies,
   * src-main/services/study/): the session is re-resolved first, like every method here, and the
   * service applies its own access rules.
   */
  async withContext<T>(session: Session, fn: (ctx: StoreContext, viewer: Session) => Promise<T> | T): Promise<T> {
    return fn(this.ctx, await this.s(session));
  }

  // Blinded reads
  async listRaters(session: Session): Promise<Rater[]> {
    return await identity.listRaters(this.ctx, await this.s(session));
  }
  async listCases(session: Session): Promise<CaseRecord[]> {
    return await cases.listCases(this.ctx, await this.s(session));
  }
  async getCase(session: Session, caseId: string): Promise<CaseRecord> {
    return await cases.getCase(this.ctx, await this.s(session), caseId);
  }
  async addSequence(session: Session, caseId: string, input: cases.NewSequence): Promise<SequenceRecord> {
    return await cases.addSequence(this.ctx, await this.s(session), caseId, input);
  }
  async setReferenceSequence(session: Session, caseId: string, sequenceId: string): Promise<CaseRecord> {
    return await cases.setReferenceSequence(this.ctx, await this.s(session), caseId, sequenceId);
  }
  async removeSequence(session: Session, caseId: string, sequenceId: string): Promise<CaseRecord> {
    return await cases.removeSequence(this.ctx, await this.s(session), caseId, sequenceId);
  }
  async assignedRaters(session: Session, caseId: string): Promise<string[]> {
    return await cases.assignedRaterIds(this.ctx, await this.s(session), caseId);
  }
  async listVersions(session: Session, filter?: { caseId?: string; raterId?: string }): Promise<AnnotationVersion[]> {
    return await versions.listVersions(this.ctx, await this.s(session), filter);
  }
  async getVersion(session: Session, versionId: string): Promise<AnnotationVersion> {
    return await versions.getVersion(this.ctx, await this.s(session), versionId);
  }
  async readVersionFile(session: Session, versionId: string): Promise<{ fileName: string; bytes: Uint8Array } | null> {
    return await versions.readVersionFile(this.ctx, await this.s(session), versionId);
  }
  async readVersionLabelmap(session: Session, versionId: string): Promise<Uint8Array> {
    return await versions.readVersionLabelmap(this.ctx, await this.s(session), versionId);
  }
  async status(session: Session, raterId: string, caseId: string): Promise<RaterCaseStatus> {
    return await versions.statusOf(this.ctx, await this.s(session), raterId, caseId);
  }
  /** Status of each visible rater on a case: assigned raters plus anyone who saved a version. */
  async caseStatuses(session: Session, caseId: string): Promise<Array<{ raterId: string; status: RaterCaseStatus }>> {
    const viewer = await this.s(session);
    await cases.getCase(this.ctx, viewer, caseId);
    const ids =
      viewer.role === 'annotator'
        ? [viewer.raterId]
        : (
            await this.ctx.db.all(
              'SELECT rater_id FROM assignments WHERE case_id = ? UNION SELECT rater_id FROM annotation_versions WHERE case_id = ? ORDER BY rater_id',
              [caseId, caseId],
            )
          ).map((r) => text(r, 'rater_id'));
    return Promise.all(ids.map(async (raterId) => ({ raterId, status: await versions.statusOf(this.ctx, viewer, raterId, caseId) })));
  }
  async listComments(session: Session, caseId: string): Promise<ReviewComment[]> {
    return await reviews.listComments(this.ctx, await this.s(session), caseId);
  }
  async listFlags(session: Session, caseId: string): Promise<ReviewFlag[]> {
    return await reviews.listFlags(this.ctx, await this.s(session), caseId);
  }
  async auditLog(session: Session, limit?: number): Promise<AuditEntry[]> {
    return await readAudit(this.ctx, await this.s(session), limit);
  }
  /** Re-runs the integrity check now, filtered for the session. */
  async integrityReport(session: Session): Promise<IntegrityReport> {
    return integrityFor(await checkIntegrity(this.ctx), await this.s(session));
  }

  // Writes
  async saveLabelmap(session: Session, input: versions.SaveLabelmapInput): Promise<AnnotationVersion> {
    return await versions.saveLabelmap(this.ctx, await this.s(session), input);
  }
  /** The editor's save as the slices changed since its parent (versions.saveLabelmapSlices). */
  async saveLabelmapSlices(session: Session, input: versions.SaveSlicesInput): Promise<AnnotationVersion> {
    return await versions.saveLabelmapSlices(this.ctx, await this.s(session), input);
  }
  async importMask(session: Session, input: versions.ImportMaskInput): Promise<AnnotationVersion> {
    return await versions.importMask(this.ctx, await this.s(session), input);
  }
  /** Several cases' masks at once (folder imports, DICOM SEG), all or nothing (importBatch.ts). Admin only. */
  async importBatch(session: Session, input: ImportBatchInput): Promise<ImportBatchResult> {
    return await importBatch(this.ctx, await this.s(session), input);
  }
  async submitNoLesion(
    session: Session,
    input: { caseId: string; parentVersionId?: string | null; raterId?: string },
  ): Promise<AnnotationVersion> {
    return await versions.submitNoLesion(this.ctx, await this.s(session), input);
  }
  async submitDraft(session: Session, versionId: string): Promise<AnnotationVersion> {
    return await versions.submitDraft(this.ctx, await this.s(session), versionId);
  }
  /** A model's inference result as its rater's version (modelResults.ts). Reviewers and admins. */
  async saveModelResult(session: Session, input: modelResults.SaveModelResultInput): Promise<modelResults.ModelResult> {
    return await modelResults.saveModelResult(this.ctx, await this.s(session), input);
  }
  /** Provenance, threshold and probability file of a model result, blinded like its version. */
  async readModelResult(session: Session, versionId: string): Promise<modelResults.ModelResult & { probabilityBytes: Uint8Array }> {
    return await modelResults.readModelResult(this.ctx, await this.s(session), versionId);
  }
  async addComment(session: Session, input: { caseId: string; versionId?: string | null; body: string }): Promise<ReviewComment> {
    return await reviews.addComment(this.ctx, await this.s(session), input);
  }
  async addFlag(
    session: Session,
    input: { caseId: string; versionId?: string | null; kind: FlagKind; note?: string },
  ): Promise<ReviewFlag> {
    return await reviews.addFlag(this.ctx, await this.s(session), input);
  }

  // The label table (issue 14): every signed-in role reads it; only an admin changes it (labelTable.ts).
  async labels(session: Session): Promise<LabelTable> {
    await this.s(session);
    return await readLabelTable(this.ctx);
  }
  async setLabels(session: Session, table: LabelTable): Promise<LabelTable> {
    return await setLabelTable(this.ctx, await this.s(session), table);
  }
  /** The table, read by the app itself (demo seeding, before any session). */
  async labelsAsApp(): Promise<LabelTable> {
    return await readLabelTable(this.ctx);
  }
  /** A table set by the app itself (a demo cohort's preset); audited with no actor, refused like an admin's edit. */
  async setLabelsAsApp(table: LabelTable): Promise<LabelTable> {
    return await setLabelTable(this.ctx, null, table);
  }

  // Review sessions (issue 6): worklist, reviewer actions, time on task
  /** One row per rater × case the session may see (annotators: their own), filtered; progress over all rows. */
  async worklist(session: Session, filter?: WorklistFilter): Promise<Worklist> {
    return await worklist(this.ctx, await this.s(session), filter);
  }
  /** Approve, request a revision (comment required) or mark difficult; reviewers and admins. */
  async reviewVersion(session: Session, input: reviews.ReviewActionInput): Promise<reviews.ReviewActionResult> {
    return await reviews.reviewVersion(this.ctx, await this.s(session), input);
  }
  /** A timed segment of the session's own active time on a case. */
  async recordWorkSession(session: Session, input: workSessions.WorkSessionInput): Promise<workSessions.WorkSessionRecorded> {
    return await workSessions.recordWorkSession(this.ctx, await this.s(session), input);
  }
  async timeOnTaskCsv(session: Session): Promise<{ csv: string; rows: number }> {
    return await workSessions.timeOnTaskCsv(this.ctx, await this.s(session));
  }

  // Consensus and export (reviewers and admins)
  async consensus(session: Session, caseId: string, uncertainAs: UncertainAs): Promise<exporter.CaseConsensus> {
    return await exporter.caseConsensus(this.ctx, await this.s(session), caseId, uncertainAs);
  }
  async exportCase(session: Session, caseId: string, outDir: string, options: exporter.ExportOptions): Promise<exporter.ExportedCase> {
    return await exporter.exportCase(this.ctx, await this.s(session), caseId, outDir, options);
  }
  async raterMasks(session: Session, caseId: string): Promise<exporter.RaterMask[]> {
    return await exporter.raterMasks(this.ctx, await this.s(session), caseId);
  }
  async versionsCsv(session: Session): Promise<string> {
    return await exporter.versionsCsv(this.ctx, await this.s(session));
  }

  /**
   * Copies this whole project (every row, every annotation blob) into `target`, which must be
   * empty, and checks the copy by digests and hashes (projectTransfer.ts): the push of a folder to a
   * team database and the pull back. The operator's act on the command line, so no session.
   */
  async copyInto(target: ProjectStore): Promise<TransferReport> {
    return await copyProject(this.ctx, target.ctx);
  }
}

/** The project's id, made on first open; of two server processes opening a new database at once, the first one's stays. */
async function ensureProjectId(ctx: StoreContext): Promise<string> {
  const read = async (): Promise<string | null> => {
    const row = await ctx.db.get("SELECT value FROM project_meta WHERE key = 'project_id'");
    return row ? text(row, 'value') : null;
  };
  const known = await read();
  if (known !== null) return known;
  await ctx.db.run(
    "INSERT INTO project_meta (key, value) VALUES ('project_id', ?), ('created_at', ?), ('created_by_app', ?) ON CONFLICT (key) DO NOTHING",
    [newId('proj'), nowIso(), ctx.appVersion],
  );
  return (await read()) ?? fail('not-found', 'the project has no id');
}
