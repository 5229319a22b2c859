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
    db.exec(`
      CREATE TABLE project_meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
      CREATE TABLE raters (
        rater_id   TEXT PRIMARY KEY,
        name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
        role       TEXT NOT NULL CHECK (role IN ('annotator', 'reviewer', 'admin')),
        created_at TEXT NOT NULL
      );
      CREATE TABLE cases (
        case_id    TEXT PRIMARY KEY,
        name       TEXT NOT NULL UNIQUE,
        source     TEXT NOT NULL CHECK (source IN ('nifti', 'dicom')),
        created_at TEXT NOT NULL
      );
      -- Geometry as JSON arrays: masks are validated against ordinal 0 without loading the image.
      CREATE TABLE series (
        series_id  TEXT PRIMARY KEY,
        case_id    TEXT NOT NULL REFERENCES cases(case_id),
        ordinal    INTEGER NOT NULL CHECK (ordinal >= 0),
        label      TEXT NOT NULL,
        path       TEXT NOT NULL,
        b_value    REAL,
        dims       TEXT NOT NULL,
        spacing_mm TEXT NOT NULL,
        origin_lps TEXT NOT NULL,
        direction  TEXT NOT NULL,
        UNIQUE (case_id, ordinal)
      );
      CREATE TABLE assignments (
        rater_id    TEXT NOT NULL REFERENCES raters(rater_id),
        case_id     TEXT NOT NULL REFERENCES cases(case_id),
        assigned_at TEXT NOT NULL,
        PRIMARY KEY (rater_id, case_id)
      );
      CREATE TABLE annotation_versions (
        seq               INTEGER PRIMARY KEY AUTOINCREMENT,
        version_id        TEXT NOT NULL UNIQUE,
        case_id           TEXT NOT NULL REFERENCES cases(case_id),
        rater_id          TEXT NOT NULL REFERENCES raters(rater_id),
        file_hash         TEXT CHECK (file_hash IS NULL OR (length(file_hash) = 64 AND file_hash NOT GLOB '*[^0-9a-f]*')),
        file_name         TEXT,
        parent_version_id TEXT REFERENCES annotation_versions(version_id),
        created_at        TEXT NOT NULL,
        status            TEXT NOT NULL CHECK (status IN ('draft', 'submitted')),
        no_lesion         INTEGER NOT NULL CHECK (no_lesion IN (0, 1)),
        app_version       TEXT NOT NULL,
        origin            TEXT NOT NULL CHECK (origin IN ('editor', 'import')),
        -- "No lesion" is a submitted answer without a file; every other version has a file.
        CHECK ((no_lesion = 1 AND status = 'submitted' AND file_hash IS NULL AND file_name IS NULL)
            OR (no_lesion = 0 AND file_hash IS NOT NULL AND file_name IS NOT NULL))
      );
      CREATE INDEX annotation_versions_by_rater_case ON annotation_versions (rater_id, case_id, seq);
      CREATE INDEX annotation_versions_by_case ON annotation_versions (case_id, seq);
      CREATE TABLE review_comments (
        comment_id      TEXT PRIMARY KEY,
        case_id         TEXT NOT NULL REFERENCES cases(case_id),
        version_id      TEXT REFERENCES annotation_versions(version_id),
        author_rater_id TEXT NOT NULL REFERENCES raters(rater_id),
        body            TEXT NOT NULL CHECK (length(body) > 0),
        created_at      TEXT NOT NULL
      );
      CREATE TABLE review_flags (
        flag_id         TEXT PRIMARY KEY,
        case_id         TEXT NOT NULL REFERENCES cases(case_id),
        version_id      TEXT REFERENCES annotation_versions(version_id),
        author_rater_id TEXT NOT NULL REFERENCES raters(rater_id),
        kind            TEXT NOT NULL CHECK (kind IN ('needs-revision', 'accepted', 'image-problem', 'other')),
        note            TEXT NOT NULL,
        created_at      TEXT NOT NULL
      );
      CREATE TABLE audit_log (
        seq            INTEGER PRIMARY KEY AUTOINCREMENT,
        at             TEXT NOT NULL,
        actor_rater_id TEXT,
        action         TEXT NOT NULL,
        case_id        TEXT,
        subject_id     TEXT,
        detail         TEXT NOT NULL DEFAULT '{}'
      );
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
    db.exec(`
      ALTER TABLE raters ADD COLUMN kind TEXT NOT NULL DEFAULT 'human' CHECK (kind IN ('human', 'model'));
      ALTER TABLE raters ADD COLUMN model_ref TEXT CHECK ((kind = 'model') = (model_ref IS NOT NULL));
      CREATE UNIQUE INDEX raters_by_model_ref ON raters (model_ref) WHERE model_ref IS NOT NULL;
      CREATE TABLE inference_results (
        version_id       TEXT PRIMARY KEY REFERENCES annotation_versions(version_id),
        probability_hash TEXT NOT NULL CHECK (length(probability_hash) = 64 AND probability_hash NOT GLOB '*[^0-9a-f]*'),
        probability_file TEXT NOT NULL,
        threshold        REAL NOT NULL CHECK (threshold >= 0 AND threshold <= 1),
        provenance       TEXT NOT NULL
      );
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
    db.exec(`
      CREATE TABLE studies (
        study_id   TEXT PRIMARY KEY,
        title      TEXT NOT NULL,
        config     TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT REFERENCES raters(rater_id)
      );
      CREATE TABLE study_states (
        seq            INTEGER PRIMARY KEY AUTOINCREMENT,
        study_id       TEXT NOT NULL REFERENCES studies(study_id),
        state          TEXT NOT NULL CHECK (state IN ('draft', 'open', 'closed')),
        at             TEXT NOT NULL,
        actor_rater_id TEXT REFERENCES raters(rater_id),
        UNIQUE (study_id, state)
      );
      CREATE TABLE study_segmentations (
        study_id    TEXT NOT NULL REFERENCES studies(study_id),
        case_id     TEXT NOT NULL REFERENCES cases(case_id),
        source_id   TEXT NOT NULL,
        version_ids TEXT NOT NULL,
        PRIMARY KEY (study_id, case_id, source_id)
      );
      CREATE TABLE study_trials (
        trial_id  TEXT PRIMARY KEY,
        study_id  TEXT NOT NULL REFERENCES studies(study_id),
        reader_id TEXT NOT NULL REFERENCES raters(rater_id),
        position  INTEGER NOT NULL CHECK (position >= 0),
        case_id   TEXT NOT NULL REFERENCES cases(case_id),
        mode      TEXT NOT NULL CHECK (mode IN ('paired', 'single')),
        source_a  TEXT NOT NULL,
        source_b  TEXT,
        UNIQUE (study_id, reader_id, position)
      );
      CREATE TABLE study_views (
        seq       INTEGER PRIMARY KEY AUTOINCREMENT,
        study_id  TEXT NOT NULL REFERENCES studies(study_id),
        trial_id  TEXT NOT NULL REFERENCES study_trials(trial_id),
        reader_id TEXT NOT NULL REFERENCES raters(rater_id),
        at        TEXT NOT NULL
      );
      CREATE TABLE study_answers (
        seq           INTEGER PRIMARY KEY AUTOINCREMENT,
        study_id      TEXT NOT NULL REFERENCES studies(study_id),
        trial_id      TEXT NOT NULL REFERENCES study_trials(trial_id),
        reader_id     TEXT NOT NULL REFERENCES raters(rater_id),
        answer        TEXT NOT NULL,
        started_at    TEXT NOT NULL,
        submitted_at  TEXT NOT NULL,
        time_taken_ms INTEGER NOT NULL CHECK (time_taken_ms >= 0),
        revision      INTEGER NOT NULL CHECK (revision >= 0),
        UNIQUE (trial_id, revision)
      );
      CREATE INDEX study_answers_by_study ON study_answers (study_id, reader_id, trial_id, seq);
      CREATE INDEX study_views_by_trial ON study_views (trial_id, seq);
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
      CREATE INDEX review_flags_by_version ON review_flags (version_id, seq);
      CREATE INDEX review_flags_by_case ON review_flags (case_id, seq);
      ${appendOnlyTriggers('review_flags')}
      CREATE TABLE work_sessions (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id  TEXT NOT NULL UNIQUE,
        rater_id    TEXT NOT NULL REFERENCES raters(rater_id),
        case_id     TEXT NOT NULL REFERENCES cases(case_id),
        mode        TEXT NOT NULL CHECK (mode IN ('annotate', 'review')),
        started_at  TEXT NOT NULL,
        ended_at    TEXT NOT NULL,
        active_ms   INTEGER NOT NULL CHECK (active_ms >= 0),
        end_reason  TEXT NOT NULL,
        recorded_at TEXT NOT NULL
      );
      CREATE INDEX work_sessions_by_case_rater ON work_sessions (case_id, rater_id);
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
    db.exec(`
      CREATE TABLE accounts (
        rater_id        TEXT PRIMARY KEY REFERENCES raters(rater_id),
        secret_hash     TEXT NOT NULL CHECK (secret_hash LIKE 'scrypt$%'),
        secret_set_at   TEXT NOT NULL,
        secret_set_by   TEXT REFERENCES raters(rater_id),
        failed_attempts INTEGER NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
        locked_until_ms INTEGER
      );
    `);
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
    db.exec(`
      CREATE TABLE sequences (
        sequence_id TEXT PRIMARY KEY,
        case_id     TEXT NOT NULL REFERENCES cases(case_id),
        ordinal     INTEGER NOT NULL CHECK (ordinal >= 0),
        name        TEXT NOT NULL CHECK (length(name) > 0),
        kind        TEXT NOT NULL CHECK (kind IN ('dwi', 'adc', 'flair', 't1', 't2', 'ct', 'ct-perfusion', 'other')),
        path        TEXT NOT NULL,
        volumes     TEXT NOT NULL,
        dims        TEXT NOT NULL,
        spacing_mm  TEXT NOT NULL,
        origin_lps  TEXT NOT NULL,
        direction   TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        UNIQUE (case_id, name),
        UNIQUE (case_id, ordinal)
      );
      ALTER TABLE cases ADD COLUMN reference_sequence_id TEXT REFERENCES sequences(sequence_id);
    `);
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

/**
 * Invitations (issue 13): an admin invites a person with a role; the link carries a one-time token
 * of 32 random bytes of which only the sha256 is kept, so a copy of the database cannot be turned
 * into working links. `used_at` and `revoked_at` end it; `expires_at_ms` is epoch ms.
 */
export const INVITATIONS_SQL = `
  CREATE TABLE invitations (
    invitation_id TEXT PRIMARY KEY,
    token_sha256  TEXT NOT NULL UNIQUE CHECK (length(token_sha256) = 64),
    rater_id      TEXT NOT NULL REFERENCES raters(rater_id),
    role          TEXT NOT NULL CHECK (role IN ('annotator', 'reviewer', 'admin')),
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL REFERENCES raters(rater_id),
    expires_at_ms BIGINT NOT NULL,
    used_at       TEXT,
    revoked_at    TEXT,
    revoked_by    TEXT REFERENCES raters(rater_id),
    CHECK (used_at IS NULL OR revoked_at IS NULL)
  );
  CREATE INDEX invitations_by_rater ON invitations (rater_id);`;

const invitations: Migration = {
  version: 8,
  description: 'invitations: one-time links (sha256 of the token only) that let a person set their password',
  up(db) {
    db.exec(INVITATIONS_SQL);
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
