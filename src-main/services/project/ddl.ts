/**
 * The project's tables, written once for both databases. SQLite (schema.ts, the single-user store)
 * and PostgreSQL (pgSchema.ts, the team server) hold the same tables and columns, so the store
 * modules' SQL runs unchanged on both; what differs is spelled by a `Dialect`: identity columns,
 * 64-bit integers, floating point, the hex check of a sha256, where the case-insensitive collation
 * goes, and the references to `annotation_blobs`, a table only PostgreSQL has (SQLite keeps
 * annotation bytes in files). What each migration adds around these tables (SQLite's rebuilds and
 * carried-over rows, PostgreSQL's functions, triggers and extra constraints) stays with it.
 *
 * Each function is one migration's tables; a shipped migration's tables are never changed here
 * (append a new function for a new migration), since a database that ran it keeps what it made.
 *
 * Plain Node.
 */
import { LABEL_PRESETS } from '../../../src-shared/project/labelTable';

export interface Dialect {
  /** An ordering column numbered by the database: `seq`. */
  readonly seq: string;
  /** Epoch or duration milliseconds (a 64-bit integer; SQLite's INTEGER already is one). */
  readonly ms: string;
  readonly real: string;
  /** A text column of unique names compared case-insensitively, with its NOT NULL and UNIQUE. */
  readonly nocaseName: string;
  /** A CHECK expression: `column` is 64 lower-case hex digits. */
  hex64(column: string): string;
  /** A CHECK expression: `colour` is `#` and 6 lower-case hex digits. */
  readonly colourCheck: string;
  /** ` REFERENCES annotation_blobs(file_name)` where annotation bytes live in the database, else empty. */
  readonly blobRef: string;
  /** More constraints of annotation_versions (a leading comma), or empty. */
  readonly versionConstraints: string;
}

/** SQLite's spelling (schema.ts): annotation bytes live in files beside the database. */
export const SQLITE: Dialect = {
  seq: 'INTEGER PRIMARY KEY AUTOINCREMENT',
  ms: 'INTEGER',
  real: 'REAL',
  nocaseName: 'TEXT NOT NULL UNIQUE COLLATE NOCASE',
  hex64: (column) => `length(${column}) = 64 AND ${column} NOT GLOB '*[^0-9a-f]*'`,
  colourCheck: "colour GLOB '#[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]'",
  blobRef: '',
  versionConstraints: '',
};

/**
 * PostgreSQL's spelling (pgSchema.ts): identity columns, BIGINT milliseconds, the ICU `nocase`
 * collation (which must follow the type), regular expressions, annotation bytes in
 * `annotation_blobs`, and one child per version in SQL: UNIQUE NULLS NOT DISTINCT (rater, case,
 * parent), so two saves from the same base version cannot both be kept.
 */
export const POSTGRES: Dialect = {
  seq: 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY',
  ms: 'BIGINT',
  real: 'DOUBLE PRECISION',
  nocaseName: 'TEXT COLLATE nocase NOT NULL UNIQUE',
  hex64: (column) => `${column} ~ '^[0-9a-f]{64}$'`,
  colourCheck: "colour ~ '^#[0-9a-f]{6}$'",
  blobRef: ' REFERENCES annotation_blobs(file_name)',
  versionConstraints: `,
        CONSTRAINT annotation_versions_one_child UNIQUE NULLS NOT DISTINCT (rater_id, case_id, parent_version_id)`,
};

/** Migration 1: cases and their images, people, assignments, annotation versions, reviews, the audit log. */
export function coreTables(d: Dialect): string {
  return `
      CREATE TABLE project_meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
      CREATE TABLE raters (
        rater_id   TEXT PRIMARY KEY,
        name       ${d.nocaseName},
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
        b_value    ${d.real},
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
        seq               ${d.seq},
        version_id        TEXT NOT NULL UNIQUE,
        case_id           TEXT NOT NULL REFERENCES cases(case_id),
        rater_id          TEXT NOT NULL REFERENCES raters(rater_id),
        file_hash         TEXT CHECK (file_hash IS NULL OR (${d.hex64('file_hash')})),
        file_name         TEXT${d.blobRef},
        parent_version_id TEXT REFERENCES annotation_versions(version_id),
        created_at        TEXT NOT NULL,
        status            TEXT NOT NULL CHECK (status IN ('draft', 'submitted')),
        no_lesion         INTEGER NOT NULL CHECK (no_lesion IN (0, 1)),
        app_version       TEXT NOT NULL,
        origin            TEXT NOT NULL CHECK (origin IN ('editor', 'import')),
        -- "No lesion" is a submitted answer without a file; every other version has a file.
        CHECK ((no_lesion = 1 AND status = 'submitted' AND file_hash IS NULL AND file_name IS NULL)
            OR (no_lesion = 0 AND file_hash IS NOT NULL AND file_name IS NOT NULL))${d.versionConstraints}
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
        seq            ${d.seq},
        at             TEXT NOT NULL,
        actor_rater_id TEXT,
        action         TEXT NOT NULL,
        case_id        TEXT,
        subject_id     TEXT,
        detail         TEXT NOT NULL DEFAULT '{}'
      );`;
}

/** Migration 2: model raters and their results. */
export function modelTables(d: Dialect): string {
  return `
      ALTER TABLE raters ADD COLUMN kind TEXT NOT NULL DEFAULT 'human' CHECK (kind IN ('human', 'model'));
      ALTER TABLE raters ADD COLUMN model_ref TEXT CHECK ((kind = 'model') = (model_ref IS NOT NULL));
      CREATE UNIQUE INDEX raters_by_model_ref ON raters (model_ref) WHERE model_ref IS NOT NULL;
      CREATE TABLE inference_results (
        version_id       TEXT PRIMARY KEY REFERENCES annotation_versions(version_id),
        probability_hash TEXT NOT NULL CHECK (${d.hex64('probability_hash')}),
        probability_file TEXT NOT NULL${d.blobRef},
        threshold        ${d.real} NOT NULL CHECK (threshold >= 0 AND threshold <= 1),
        provenance       TEXT NOT NULL
      );`;
}

/** Migration 3: reader studies. */
export function studyTables(d: Dialect): string {
  return `
      CREATE TABLE studies (
        study_id   TEXT PRIMARY KEY,
        title      TEXT NOT NULL,
        config     TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT REFERENCES raters(rater_id)
      );
      CREATE TABLE study_states (
        seq            ${d.seq},
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
        seq       ${d.seq},
        study_id  TEXT NOT NULL REFERENCES studies(study_id),
        trial_id  TEXT NOT NULL REFERENCES study_trials(trial_id),
        reader_id TEXT NOT NULL REFERENCES raters(rater_id),
        at        TEXT NOT NULL
      );
      CREATE TABLE study_answers (
        seq           ${d.seq},
        study_id      TEXT NOT NULL REFERENCES studies(study_id),
        trial_id      TEXT NOT NULL REFERENCES study_trials(trial_id),
        reader_id     TEXT NOT NULL REFERENCES raters(rater_id),
        answer        TEXT NOT NULL,
        started_at    TEXT NOT NULL,
        submitted_at  TEXT NOT NULL,
        time_taken_ms ${d.ms} NOT NULL CHECK (time_taken_ms >= 0),
        revision      INTEGER NOT NULL CHECK (revision >= 0),
        UNIQUE (trial_id, revision)
      );
      CREATE INDEX study_answers_by_study ON study_answers (study_id, reader_id, trial_id, seq);
      CREATE INDEX study_views_by_trial ON study_views (trial_id, seq);`;
}

/**
 * Migration 4, after review_flags got its `seq` (each database makes that change its own way): the
 * flags' indexes by it, and time on task.
 */
export function reviewSessionTables(d: Dialect): string {
  return `
      CREATE INDEX review_flags_by_version ON review_flags (version_id, seq);
      CREATE INDEX review_flags_by_case ON review_flags (case_id, seq);
      CREATE TABLE work_sessions (
        seq         ${d.seq},
        session_id  TEXT NOT NULL UNIQUE,
        rater_id    TEXT NOT NULL REFERENCES raters(rater_id),
        case_id     TEXT NOT NULL REFERENCES cases(case_id),
        mode        TEXT NOT NULL CHECK (mode IN ('annotate', 'review')),
        started_at  TEXT NOT NULL,
        ended_at    TEXT NOT NULL,
        active_ms   ${d.ms} NOT NULL CHECK (active_ms >= 0),
        end_reason  TEXT NOT NULL,
        recorded_at TEXT NOT NULL
      );
      CREATE INDEX work_sessions_by_case_rater ON work_sessions (case_id, rater_id);`;
}

/** Migration 5: each person's secret and sign-in throttle. */
export function accountsTable(d: Dialect): string {
  return `
      CREATE TABLE accounts (
        rater_id        TEXT PRIMARY KEY REFERENCES raters(rater_id),
        secret_hash     TEXT NOT NULL CHECK (secret_hash LIKE 'scrypt$%'),
        secret_set_at   TEXT NOT NULL,
        secret_set_by   TEXT REFERENCES raters(rater_id),
        failed_attempts INTEGER NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
        locked_until_ms ${d.ms}
      );`;
}

/** Migration 6: the images of a case on their own grids, and its reference sequence. */
export function sequencesTable(): string {
  return `
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
      ALTER TABLE cases ADD COLUMN reference_sequence_id TEXT REFERENCES sequences(sequence_id);`;
}

/**
 * Migration 7: the label table, with the stroke table to start with (what the editor's masks have
 * always meant), and the label values found in each annotation file.
 */
export function labelTables(d: Dialect): string {
  const rows = LABEL_PRESETS.stroke.labels.map(
    (l, ordinal) => `(${l.value}, ${ordinal}, ${sqlString(l.name)}, ${sqlString(l.colour)}, ${l.uncertain ? 1 : 0})`,
  );
  return `
      CREATE TABLE label_table (
        value     INTEGER PRIMARY KEY CHECK (value BETWEEN 1 AND 255),
        ordinal   INTEGER NOT NULL UNIQUE CHECK (ordinal >= 0),
        name      ${d.nocaseName} CHECK (length(name) BETWEEN 1 AND 40),
        colour    TEXT NOT NULL CHECK (${d.colourCheck}),
        uncertain INTEGER NOT NULL CHECK (uncertain IN (0, 1))
      );
      CREATE UNIQUE INDEX label_table_one_uncertain ON label_table (uncertain) WHERE uncertain = 1;
      CREATE TABLE annotation_file_values (
        file_hash    TEXT PRIMARY KEY,
        label_values TEXT NOT NULL
      );
      INSERT INTO label_table (value, ordinal, name, colour, uncertain) VALUES
        ${rows.join(',\n        ')};`;
}

/**
 * Migration 8: invitations. The link carries a one-time token of 32 random bytes of which only the
 * sha256 is kept, so a copy of the database cannot be turned into working links. `used_at` and
 * `revoked_at` end it; `expires_at_ms` is epoch ms (BIGINT in both: SQLite reads it as INTEGER).
 */
export function invitationsTable(): string {
  return `
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
}

/** Migration 9: sessions (the sha256 of each token, never the token) and what each session opened. */
export function sessionTables(d: Dialect): string {
  return `
      CREATE TABLE sessions (
        token_hash   TEXT PRIMARY KEY CHECK (length(token_hash) = 64),
        rater_id     TEXT NOT NULL REFERENCES raters(rater_id),
        created_ms   ${d.ms} NOT NULL,
        last_seen_ms ${d.ms} NOT NULL CHECK (last_seen_ms >= created_ms)
      );
      CREATE INDEX sessions_by_rater ON sessions (rater_id);
      CREATE TABLE session_grants (
        grant_hash TEXT PRIMARY KEY CHECK (length(grant_hash) = 64),
        token_hash TEXT NOT NULL REFERENCES sessions(token_hash) ON DELETE CASCADE,
        kind       TEXT NOT NULL CHECK (kind IN ('case', 'file')),
        path       TEXT NOT NULL,
        series_uid TEXT
      );
      CREATE INDEX session_grants_by_session ON session_grants (token_hash);`;
}

/** A constant of ours as an SQL string literal (migrations are plain SQL, without parameters). */
function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}
