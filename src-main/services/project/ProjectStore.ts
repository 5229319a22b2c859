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
import { importBatch, type ImportBatchInput, type ImportBatchResult } from './importBatch';
import * as reviews from './reviews';
import { isOpenEnrolment, setOpenEnrolment } from './enrolment';
import { checkIntegrity, integrityFor, type IntegrityReport } from './integrity';
import { readLabelTable, setLabelTable } from './labelTable';
import { migrate, type MigrationResult } from './migrate';
import * as modelResults from './modelResults';
import { acquireOwnership, ProjectLockedError, type AcquiredOwnership } from './ownerLock';
import { MIGRATIONS, type Migration } from './schema';
import { authenticate, type SignInPolicy, type SignInRequest } from './signIn';
import { Db, text } from './sqlite';
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
    private readonly ownership: AcquiredOwnership,
    readonly openReport: OpenReport,
  ) {}

  static open(dir: string, options: OpenProjectOptions): ProjectStore {
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
      const ctx = makeContext(db, root, options.appVersion);
      const migration = migrate(db, options.migrations ?? MIGRATIONS);
      const projectId = ensureProjectId(ctx);
      const integrity = checkIntegrity(ctx);
      return new ProjectStore(ctx, ownership, { projectId, migration, integrity, notes: ownership.notes });
    } catch (err) {
      db?.close();
      ownership.release();
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
    this.ctx.db.close();
    this.ownership.release();
  }

  private s(session: Session): Session {
    return identity.resolveSession(this.ctx, session);
  }

  // Identity (before a session exists)
  /** The sign-in picker: people's names, and whether each has chosen a secret yet; no ids. */
  listIdentities(): Array<{ name: string; hasSecret: boolean }> {
    return sqliteAccounts(this.ctx).listPeople();
  }
  /** A person without a secret (they set it at first sign-in): the app's seeding and tests. */
  createIdentity(name: string, role: Role = 'annotator'): Rater {
    return identity.createRater(this.ctx, null, name, role);
  }
  /** Self-registration from the sign-in screen: the person and their secret in one transaction. */
  registerPerson(name: string, role: Role, secret: string | undefined): Promise<Rater> {
    return createPerson(this.ctx, null, name, role, secret);
  }
  /** Checks a name and secret (signIn.ts: first sign-in, throttle) and returns the person's Session. */
  async authenticate(req: SignInRequest, nowMs: () => number, policy: SignInPolicy): Promise<Session> {
    const raterId = await authenticate(sqliteAccounts(this.ctx), req, nowMs, policy);
    return identity.resolveSession(this.ctx, { raterId, role: 'annotator' });
  }
  /** The trusted in-process sign-in (the app itself and tests); the API signs in through `authenticate`. */
  signIn(raterId: string): Session {
    return identity.signIn(this.ctx, raterId);
  }
  /** The name of the session's person (re-resolved: a deleted or demoted rater is caught here). */
  whoIs(session: Session): { session: Session; name: string } {
    const s = this.s(session);
    return { session: s, name: identity.raterName(this.ctx, s.raterId) };
  }

  // App-level set-up (the composition root, before or without a session)
  /** Registers a case as the app itself, e.g. the demo's cases; audited with no actor. */
  addCaseAsApp(input: cases.NewCase): CaseRecord {
    return cases.addCase(this.ctx, null, input);
  }
  /** Whether a self-created identity would bootstrap as admin: no person has joined yet (seeded synthetic raters do not count). */
  firstIdentityIsAdmin(): boolean {
    return peopleCount(this.ctx) === 0;
  }
  /** A synthetic annotator seeded by the app (the demo cohort's raters); not counted as a person for the bootstrap admin. */
  createSeededRater(name: string): Rater {
    return this.ctx.db.transaction(() => {
      const rater = identity.createRater(this.ctx, null, name, 'annotator');
      markSeeded(this.ctx, rater.raterId);
      return rater;
    });
  }
  /** A person by name, for the app's own seeding (demoCohortSeed.ts); the API never exposes ids by name. */
  personByNameAsApp(name: string): Rater | null {
    return identity.findPersonByName(this.ctx, name);
  }
  /** Raters the app seeded (createSeededRater), by id. */
  seededRaterIds(): string[] {
    return seededRaterIds(this.ctx);
  }
  /** Raters with any version on the case, and their kind: app-level, for idempotent seeding. */
  ratersWithVersionsAsApp(caseId: string): Array<{ raterId: string; kind: string }> {
    return ratersWithVersions(this.ctx, caseId);
  }
  /** A model result saved by the app itself (the demo cohort's precomputed results); audited with no actor. */
  saveModelResultAsApp(input: modelResults.SaveModelResultInput): modelResults.ModelResult {
    return modelResults.saveModelResult(this.ctx, null, input);
  }
  /** Names of the registered cases, for the app to skip those it registered before (no blinding: names only, no session). */
  caseNames(): string[] {
    return this.ctx.db.all('SELECT name FROM cases ORDER BY name').map((r) => text(r, 'name'));
  }
  /** Open enrolment (enrolment.ts): every rater assigned to every case, for the demo project. */
  setOpenEnrolment(on: boolean): void {
    setOpenEnrolment(this.ctx, on);
  }
  get openEnrolment(): boolean {
    return isOpenEnrolment(this.ctx);
  }

  // Administration
  createRater(session: Session, name: string, role: Role): Rater {
    return identity.createRater(this.ctx, this.s(session), name, role);
  }
  /** An admin creates a person, with an initial secret or (undefined) one they choose at first sign-in. */
  createPerson(session: Session, name: string, role: Role, secret: string | undefined): Promise<Rater> {
    return createPerson(this.ctx, this.s(session), name, role, secret);
  }
  /** Sets a secret: an admin for anyone, a person for themself with the current one (accountSetup.ts). */
  changeSecret(
    session: Session,
    input: { raterId: string; secret: string; currentSecret?: string },
    nowMs: () => number,
    policy: SignInPolicy,
  ): Promise<void> {
    return changeSecret(this.ctx, this.s(session), input, nowMs, policy);
  }
  /** Refuses a session that is not an admin's (roles re-read from the database). */
  requireAdmin(session: Session, what: string): void {
    if (!mayManageProject(this.s(session).role)) fail('forbidden', `only an admin may ${what}`);
  }
  setRole(session: Session, raterId: string, role: Role): Rater {
    return identity.setRole(this.ctx, this.s(session), raterId, role);
  }
  addCase(session: Session, input: cases.NewCase): CaseRecord {
    return cases.addCase(this.ctx, this.s(session), input);
  }
  assign(session: Session, raterId: string, caseId: string): void {
    cases.assign(this.ctx, this.s(session), raterId, caseId);
  }

  /**
   * For services that keep their own tables in this database (reader studies,
   * src-main/services/study/): the session is re-resolved first, like every method here, and the
   * service applies its own access rules.
   */
  withContext<T>(session: Session, fn: (ctx: StoreContext, viewer: Session) => T): T {
    return fn(this.ctx, this.s(session));
  }

  // Blinded reads
  listRaters(session: Session): Rater[] {
    return identity.listRaters(this.ctx, this.s(session));
  }
  listCases(session: Session): CaseRecord[] {
    return cases.listCases(this.ctx, this.s(session));
  }
  getCase(session: Session, caseId: string): CaseRecord {
    return cases.getCase(this.ctx, this.s(session), caseId);
  }
  addSequence(session: Session, caseId: string, input: cases.NewSequence): SequenceRecord {
    return cases.addSequence(this.ctx, this.s(session), caseId, input);
  }
  setReferenceSequence(session: Session, caseId: string, sequenceId: string): CaseRecord {
    return cases.setReferenceSequence(this.ctx, this.s(session), caseId, sequenceId);
  }
  removeSequence(session: Session, caseId: string, sequenceId: string): CaseRecord {
    return cases.removeSequence(this.ctx, this.s(session), caseId, sequenceId);
  }
  assignedRaters(session: Session, caseId: string): string[] {
    return cases.assignedRaterIds(this.ctx, this.s(session), caseId);
  }
  listVersions(session: Session, filter?: { caseId?: string; raterId?: string }): AnnotationVersion[] {
    return versions.listVersions(this.ctx, this.s(session), filter);
  }
  getVersion(session: Session, versionId: string): AnnotationVersion {
    return versions.getVersion(this.ctx, this.s(session), versionId);
  }
  readVersionFile(session: Session, versionId: string): { fileName: string; bytes: Uint8Array } | null {
    return versions.readVersionFile(this.ctx, this.s(session), versionId);
  }
  readVersionLabelmap(session: Session, versionId: string): Uint8Array {
    return versions.readVersionLabelmap(this.ctx, this.s(session), versionId);
  }
  status(session: Session, raterId: string, caseId: string): RaterCaseStatus {
    return versions.statusOf(this.ctx, this.s(session), raterId, caseId);
  }
  /** Status of each visible rater on a case: assigned raters plus anyone who saved a version. */
  caseStatuses(session: Session, caseId: string): Array<{ raterId: string; status: RaterCaseStatus }> {
    const viewer = this.s(session);
    cases.getCase(this.ctx, viewer, caseId);
    const ids =
      viewer.role === 'annotator'
        ? [viewer.raterId]
        : this.ctx.db
            .all(
              'SELECT rater_id FROM assignments WHERE case_id = ? UNION SELECT rater_id FROM annotation_versions WHERE case_id = ? ORDER BY rater_id',
              [caseId, caseId],
            )
            .map((r) => text(r, 'rater_id'));
    return ids.map((raterId) => ({ raterId, status: versions.statusOf(this.ctx, viewer, raterId, caseId) }));
  }
  listComments(session: Session, caseId: string): ReviewComment[] {
    return reviews.listComments(this.ctx, this.s(session), caseId);
  }
  listFlags(session: Session, caseId: string): ReviewFlag[] {
    return reviews.listFlags(this.ctx, this.s(session), caseId);
  }
  auditLog(session: Session, limit?: number): AuditEntry[] {
    return readAudit(this.ctx, this.s(session), limit);
  }
  /** Re-runs the integrity check now, filtered for the session. */
  integrityReport(session: Session): IntegrityReport {
    return integrityFor(checkIntegrity(this.ctx), this.s(session));
  }

  // Writes
  saveLabelmap(session: Session, input: versions.SaveLabelmapInput): AnnotationVersion {
    return versions.saveLabelmap(this.ctx, this.s(session), input);
  }
  importMask(session: Session, input: versions.ImportMaskInput): AnnotationVersion {
    return versions.importMask(this.ctx, this.s(session), input);
  }
  /** Several cases' masks at once (folder imports, DICOM SEG), all or nothing (importBatch.ts). Admin only. */
  importBatch(session: Session, input: ImportBatchInput): ImportBatchResult {
    return importBatch(this.ctx, this.s(session), input);
  }
  submitNoLesion(session: Session, input: { caseId: string; parentVersionId?: string | null; raterId?: string }): AnnotationVersion {
    return versions.submitNoLesion(this.ctx, this.s(session), input);
  }
  submitDraft(session: Session, versionId: string): AnnotationVersion {
    return versions.submitDraft(this.ctx, this.s(session), versionId);
  }
  /** A model's inference result as its rater's version (modelResults.ts). Reviewers and admins. */
  saveModelResult(session: Session, input: modelResults.SaveModelResultInput): modelResults.ModelResult {
    return modelResults.saveModelResult(this.ctx, this.s(session), input);
  }
  /** Provenance, threshold and probability file of a model result, blinded like its version. */
  readModelResult(session: Session, versionId: string): modelResults.ModelResult & { probabilityBytes: Uint8Array } {
    return modelResults.readModelResult(this.ctx, this.s(session), versionId);
  }
  addComment(session: Session, input: { caseId: string; versionId?: string | null; body: string }): ReviewComment {
    return reviews.addComment(this.ctx, this.s(session), input);
  }
  addFlag(session: Session, input: { caseId: string; versionId?: string | null; kind: FlagKind; note?: string }): ReviewFlag {
    return reviews.addFlag(this.ctx, this.s(session), input);
  }

  // The label table (issue 14): every signed-in role reads it; only an admin changes it (labelTable.ts).
  labels(session: Session): LabelTable {
    this.s(session);
    return readLabelTable(this.ctx);
  }
  setLabels(session: Session, table: LabelTable): LabelTable {
    return setLabelTable(this.ctx, this.s(session), table);
  }

  // Review sessions (issue 6): worklist, reviewer actions, time on task
  /** One row per rater × case the session may see (annotators: their own), filtered; progress over all rows. */
  worklist(session: Session, filter?: WorklistFilter): Worklist {
    return worklist(this.ctx, this.s(session), filter);
  }
  /** Approve, request a revision (comment required) or mark difficult; reviewers and admins. */
  reviewVersion(session: Session, input: reviews.ReviewActionInput): reviews.ReviewActionResult {
    return reviews.reviewVersion(this.ctx, this.s(session), input);
  }
  /** A timed segment of the session's own active time on a case. */
  recordWorkSession(session: Session, input: workSessions.WorkSessionInput): workSessions.WorkSessionRecorded {
    return workSessions.recordWorkSession(this.ctx, this.s(session), input);
  }
  timeOnTaskCsv(session: Session): { csv: string; rows: number } {
    return workSessions.timeOnTaskCsv(this.ctx, this.s(session));
  }

  // Consensus and export (reviewers and admins)
  consensus(session: Session, caseId: string, uncertainAs: UncertainAs): exporter.CaseConsensus {
    return exporter.caseConsensus(this.ctx, this.s(session), caseId, uncertainAs);
  }
  exportCase(session: Session, caseId: string, outDir: string, options: exporter.ExportOptions): exporter.ExportedCase {
    return exporter.exportCase(this.ctx, this.s(session), caseId, outDir, options);
  }
  raterMasks(session: Session, caseId: string): exporter.RaterMask[] {
    return exporter.raterMasks(this.ctx, this.s(session), caseId);
  }
  versionsCsv(session: Session): string {
    return exporter.versionsCsv(this.ctx, this.s(session));
  }
}

function ensureProjectId(ctx: StoreContext): string {
  const row = ctx.db.get("SELECT value FROM project_meta WHERE key = 'project_id'");
  if (row) return text(row, 'value');
  const id = newId('proj');
  ctx.db.transaction(() => {
    ctx.db.run("INSERT INTO project_meta (key, value) VALUES ('project_id', ?), ('created_at', ?), ('created_by_app', ?)", [
      id,
      nowIso(),
      ctx.appVersion,
    ]);
  });
  return id;
}
