/**
 * The project database schema as an ordered list of migrations. `PRAGMA user_version` records how
 * many have run; opening a project runs the missing ones in order, each in its own transaction
 * together with the user_version bump, so a crash leaves the database at a whole version.
 *
 * Never edit a shipped migration: append a new one. Immutability is enforced in SQL, not by
 * convention: triggers abort UPDATE and DELETE on annotation versions, review comments, review flags
 * and the audit log, so even a bug in the store cannot rewrite history.
 */
import { newId } from './context';
import { accountsTable, coreTables, invitationsTable, modelTables, reviewSessionTables, sequencesTable, SQLITE, studyTables } from './ddl';
import { labelTableMigration } from './labelTable';
import { sessionsMigration } from './sessionTable';
import { text, type Db } from './sqlite';

export interface Migration {
  /** 1-based, consecutive. */
  version: number;
  description: string;
  up(db: Db): void;
}

/** SQL for triggers that make `table` append-only. */
function appendOnlyTriggers(table: string): string {
  return `
    CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table}
      BEGIN SELECT RAISE(ABORT, '${table} is append-only: rows cannot be updated'); END;
    CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table}
      BEGIN SELECT RAISE(ABORT, '${table} is append-only: rows cannot be deleted'); END;`;
}

const v1: Migration = {
  version: 1,
  description: 'cases, series, raters, assignments, annotation versions, review comments and flags, audit log',
  up(db) {
    db.exec(`${coreTables(SQLITE)}
      ${appendOnlyTriggers('annotation_versions')}
      ${appendOnlyTriggers('review_comments')}
      ${appendOnlyTriggers('review_flags')}
      ${appendOnlyTriggers('audit_log')}
    `);
  },
};

/**
 * Model results as a rater (issue 5). A model is a rater of kind 'model' (role 'annotator', so the
 * blinding rules that hide one annotator's work from another hide it from every annotator, while
 * reviewers and admins see it like anyone's); it cannot sign in. `model_ref` (`<id>@<version>`)
 * finds the rater of one model version. The mask is an ordinary annotation version (origin
 * 'import': it entered the project as a finished file, not from the editor); `inference_results`
 * holds what only a model result has: the probability file and the provenance JSON.
 * ALTER TABLE ADD COLUMN keeps the raters table (and every foreign key to it) as it is.
 */
const v2: Migration = {
  version: 2,
  description: 'model raters (raters.kind, raters.model_ref) and inference results (probability file, provenance)',
  up(db) {
    db.exec(`${modelTables(SQLITE)}
      ${appendOnlyTriggers('inference_results')}
    `);
  },
};

/**
 * Reader studies (issue 6, src-main/services/study/). Nothing here is ever updated: a study's
 * configuration (seed included) is written once; its lifecycle is one row per transition
 * (UNIQUE(study_id, state) makes "reopen" impossible in SQL too); the segmentation versions each
 * (case, source) shows, and every reader's trials with their A/B mapping, are written once when the
 * study opens, so later saves cannot change what readers see; views and answers are appended
 * (an allowed revision is a new row with revision + 1).
 */
const studies: Migration = {
  version: 3,
  description: 'reader studies: configuration, lifecycle, frozen segmentations, trials, views, answers',
  up(db) {
    db.exec(`${studyTables(SQLITE)}
      ${appendOnlyTriggers('studies')}
      ${appendOnlyTriggers('study_states')}
      ${appendOnlyTriggers('study_segmentations')}
      ${appendOnlyTriggers('study_trials')}
      ${appendOnlyTriggers('study_views')}
      ${appendOnlyTriggers('study_answers')}
    `);
  },
};

/**
 * Review sessions (issue 6): a 'difficult' flag kind, and time on task.
 * - review_flags gains the kind 'difficult' (a reviewer's mark that a case is hard, for the worklist
 *   filter) and an explicit `seq`, so "the newest verdict" is an order, not a timestamp comparison
 *   (two flags in the same millisecond). SQLite cannot alter a CHECK constraint, so the table is
 *   rebuilt the documented way (create, copy in creation order, drop, rename) and its append-only
 *   triggers are re-created; no table references review_flags, and DROP TABLE fires no triggers.
 * - work_sessions: append-only segments of active time a rater spent on a case, reported by the
 *   renderer when it stops timing (case switch, submit, window hidden, sign-out, checkpoint).
 */
const reviewSessions: Migration = {
  version: 4,
  description: "review sessions: 'difficult' review flags (review_flags rebuilt with seq) and work_sessions (time on task)",
  up(db) {
    db.exec(`
      CREATE TABLE review_flags_rebuilt (
        seq             INTEGER PRIMARY KEY AUTOINCREMENT,
        flag_id         TEXT NOT NULL UNIQUE,
        case_id         TEXT NOT NULL REFERENCES cases(case_id),
        version_id      TEXT REFERENCES annotation_versions(version_id),
        author_rater_id TEXT NOT NULL REFERENCES raters(rater_id),
        kind            TEXT NOT NULL CHECK (kind IN ('needs-revision', 'accepted', 'image-problem', 'other', 'difficult')),
        note            TEXT NOT NULL,
        created_at      TEXT NOT NULL
      );
      INSERT INTO review_flags_rebuilt (flag_id, case_id, version_id, author_rater_id, kind, note, created_at)
        SELECT flag_id, case_id, version_id, author_rater_id, kind, note, created_at FROM review_flags ORDER BY created_at, rowid;
      DROP TABLE review_flags;
      ALTER TABLE review_flags_rebuilt RENAME TO review_flags;
      ${appendOnlyTriggers('review_flags')}
      ${reviewSessionTables(SQLITE)}
      ${appendOnlyTriggers('work_sessions')}
    `);
  },
};

/**
 * Accounts (issue 18): each person's secret and sign-in throttle, one row per person who has set a
 * secret (a person without a row signs in for the first time by setting one). `secret_hash` is the
 * self-describing scrypt text of secrets.ts; `failed_attempts` counts consecutive failures and
 * `locked_until_ms` (epoch ms) refuses attempts until then, kept here so a restart does not reset
 * the throttle. Plain types only (TEXT, INTEGER), so a PostgreSQL team server holds the same table.
 */
const accounts: Migration = {
  version: 5,
  description: 'accounts: scrypt-hashed secrets and sign-in throttling per person',
  up(db) {
    db.exec(accountsTable(SQLITE));
  },
};

/**
 * Cases of several sequences (issue 12): DWI, ADC, FLAIR, T1, CT… each on its own grid, one of them
 * the case's reference grid (annotations live on it). A sequence row keeps its file or folder, its
 * grid and the labels and b-values of its volumes, so the store can validate and switch without
 * loading images. `series` stays what it was, the reference sequence's volumes (ordinal 0 its grid),
 * so every reader of the reference grid is unchanged; choosing another reference rewrites it.
 *
 * Existing cases become one sequence each, their image, as reference: named and kinded "dwi" when
 * a series has a b-value (the only kind the old schema can tell), else "image" of kind "other".
 * Nothing else changes, so every annotation stays on the grid it was drawn on.
 */
const sequences: Migration = {
  version: 6,
  description: "sequences: named images of a case on their own grids, and the case's reference sequence",
  up(db) {
    db.exec(sequencesTable());
    for (const c of db.all('SELECT case_id, created_at FROM cases ORDER BY created_at, rowid')) {
      const caseId = text(c, 'case_id');
      const rows = db.all('SELECT * FROM series WHERE case_id = ? ORDER BY ordinal', [caseId]);
      const first = rows[0];
      if (!first) continue;
      const dwi = rows.some((r) => r.b_value !== null);
      const sequenceId = newId('seq');
      db.run(
        'INSERT INTO sequences (sequence_id, case_id, ordinal, name, kind, path, volumes, dims, spacing_mm, origin_lps, direction, created_at) VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [
          sequenceId,
          caseId,
          dwi ? 'dwi' : 'image',
          dwi ? 'dwi' : 'other',
          text(first, 'path'),
          JSON.stringify(rows.map((r) => ({ label: text(r, 'label'), bValue: r.b_value === null ? null : Number(r.b_value) }))),
          text(first, 'dims'),
          text(first, 'spacing_mm'),
          text(first, 'origin_lps'),
          text(first, 'direction'),
          text(c, 'created_at'),
        ],
      );
      db.run('UPDATE cases SET reference_sequence_id = ? WHERE case_id = ?', [sequenceId, caseId]);
    }
  },
};

/** Invitations (issue 13): one-time links that let a person set their password (ddl.ts). */
const invitations: Migration = {
  version: 8,
  description: 'invitations: one-time links (sha256 of the token only) that let a person set their password',
  up(db) {
    db.exec(invitationsTable());
  },
};

/** Every migration Quorum knows, in order. */
export const MIGRATIONS: readonly Migration[] = [
  v1,
  v2,
  studies,
  reviewSessions,
  accounts,
  sequences,
  labelTableMigration,
  invitations,
  sessionsMigration,
];
