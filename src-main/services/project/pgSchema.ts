/**
 * The project schema in PostgreSQL, for the team server: one entry per migration of schema.ts,
 * same tables and columns, so the store modules' SQL runs unchanged on both. `quorum_schema`
 * records the migrations applied (SQLite's `user_version`); pgMigrate applies the missing ones and
 * their rows in one transaction (PostgreSQL's DDL is transactional: all or none), under an
 * advisory lock so that two server processes starting together do not both migrate.
 *
 * What the database itself guarantees here (not the application alone):
 * - append-only: a trigger refuses UPDATE, DELETE and TRUNCATE of versions, comments, flags,
 *   audit rows, model results, work sessions, study records and annotation bytes;
 * - one child per version: UNIQUE NULLS NOT DISTINCT (rater, case, parent), so two saves from the
 *   same base version cannot both be kept; the second gets the store's conflict error;
 * - content addressing: `annotation_blobs` holds each annotation file's bytes once, under its name
 *   `<sha256>.nii[.gz]`, and a CHECK recomputes the sha256 of the bytes on insert.
 *
 * Differences from SQLite, kept small: SERIAL-like identity columns for `seq`, DOUBLE PRECISION for
 * REAL, BIGINT for epoch milliseconds, a regular expression for GLOB; the `nocase` collation
 * (ICU, case-insensitive) and a `group_concat` aggregate make SQLite's spellings valid here.
 */

import { LABEL_PRESETS } from '../../../src-shared/project/labelTable';
import type { MigrationResult } from './migrate';
import type { PgPort } from './pgPort';
import { INVITATIONS_SQL } from './schema';
import { int } from './sqlite';

export interface PgMigration {
  version: number;
  description: string;
  sql: string;
}

function appendOnly(...tables: string[]): string {
  return tables
    .map(
      (t) => `
    CREATE TRIGGER ${t}_append_only BEFORE UPDATE OR DELETE ON ${t} FOR EACH ROW EXECUTE FUNCTION quorum_append_only();
    CREATE TRIGGER ${t}_no_truncate BEFORE TRUNCATE ON ${t} FOR EACH STATEMENT EXECUTE FUNCTION quorum_append_only();`,
    )
    .join('');
}

const HASH = `~ '^[0-9a-f]{64}$'`;

export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    description: 'cases, series, raters, assignments, annotation versions and their bytes, review comments and flags, audit log',
    sql: `
    CREATE COLLATION IF NOT EXISTS nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
    CREATE FUNCTION quorum_concat_step(acc text, v text) RETURNS text LANGUAGE sql IMMUTABLE
      AS $$ SELECT CASE WHEN v IS NULL THEN acc WHEN acc IS NULL THEN v ELSE acc || ',' || v END $$;
    CREATE AGGREGATE group_concat(text) (SFUNC = quorum_concat_step, STYPE = text);
    CREATE FUNCTION quorum_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: rows cannot be %', TG_TABLE_NAME,
          CASE TG_OP WHEN 'UPDATE' THEN 'updated' WHEN 'DELETE' THEN 'deleted' ELSE 'truncated' END
          USING ERRCODE = 'restrict_violation';
      END $$;
    CREATE TABLE project_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE raters (
      rater_id   TEXT PRIMARY KEY,
      name       TEXT COLLATE nocase NOT NULL UNIQUE,
      role       TEXT NOT NULL CHECK (role IN ('annotator', 'reviewer', 'admin')),
      created_at TEXT NOT NULL
    );
    CREATE TABLE cases (
      case_id    TEXT PRIMARY KEY,
      name       TEXT NOT NULL UNIQUE,
      source     TEXT NOT NULL CHECK (source IN ('nifti', 'dicom')),
      created_at TEXT NOT NULL
    );
    CREATE TABLE series (
      series_id  TEXT PRIMARY KEY,
      case_id    TEXT NOT NULL REFERENCES cases(case_id),
      ordinal    INTEGER NOT NULL CHECK (ordinal >= 0),
      label      TEXT NOT NULL,
      path       TEXT NOT NULL,
      b_value    DOUBLE PRECISION,
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
    CREATE TABLE annotation_blobs (
      file_name TEXT PRIMARY KEY,
      hash      TEXT NOT NULL UNIQUE CHECK (hash ${HASH}),
      bytes     BYTEA NOT NULL,
      CHECK (encode(sha256(bytes), 'hex') = hash),
      CHECK (file_name IN (hash || '.nii.gz', hash || '.nii'))
    );
    CREATE TABLE annotation_versions (
      seq               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      version_id        TEXT NOT NULL UNIQUE,
      case_id           TEXT NOT NULL REFERENCES cases(case_id),
      rater_id          TEXT NOT NULL REFERENCES raters(rater_id),
      file_hash         TEXT CHECK (file_hash IS NULL OR file_hash ${HASH}),
      file_name         TEXT REFERENCES annotation_blobs(file_name),
      parent_version_id TEXT REFERENCES annotation_versions(version_id),
      created_at        TEXT NOT NULL,
      status            TEXT NOT NULL CHECK (status IN ('draft', 'submitted')),
      no_lesion         INTEGER NOT NULL CHECK (no_lesion IN (0, 1)),
      app_version       TEXT NOT NULL,
      origin            TEXT NOT NULL CHECK (origin IN ('editor', 'import')),
      CHECK ((no_lesion = 1 AND status = 'submitted' AND file_hash IS NULL AND file_name IS NULL)
          OR (no_lesion = 0 AND file_hash IS NOT NULL AND file_name IS NOT NULL)),
      CONSTRAINT annotation_versions_one_child UNIQUE NULLS NOT DISTINCT (rater_id, case_id, parent_version_id)
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
      seq            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at             TEXT NOT NULL,
      actor_rater_id TEXT,
      action         TEXT NOT NULL,
      case_id        TEXT,
      subject_id     TEXT,
      detail         TEXT NOT NULL DEFAULT '{}'
    );
    ${appendOnly('annotation_blobs', 'annotation_versions', 'review_comments', 'review_flags', 'audit_log')}`,
  },
  {
    version: 2,
    description: 'model raters (raters.kind, raters.model_ref) and inference results (probability file, provenance)',
    sql: `
    ALTER TABLE raters ADD COLUMN kind TEXT NOT NULL DEFAULT 'human' CHECK (kind IN ('human', 'model'));
    ALTER TABLE raters ADD COLUMN model_ref TEXT CHECK ((kind = 'model') = (model_ref IS NOT NULL));
    CREATE UNIQUE INDEX raters_by_model_ref ON raters (model_ref) WHERE model_ref IS NOT NULL;
    CREATE TABLE inference_results (
      version_id       TEXT PRIMARY KEY REFERENCES annotation_versions(version_id),
      probability_hash TEXT NOT NULL CHECK (probability_hash ${HASH}),
      probability_file TEXT NOT NULL REFERENCES annotation_blobs(file_name),
      threshold        DOUBLE PRECISION NOT NULL CHECK (threshold >= 0 AND threshold <= 1),
      provenance       TEXT NOT NULL
    );
    ${appendOnly('inference_results')}`,
  },
  {
    version: 3,
    description: 'reader studies: configuration, lifecycle, frozen segmentations, trials, views, answers',
    sql: `
    CREATE TABLE studies (
      study_id   TEXT PRIMARY KEY,
      title      TEXT NOT NULL,
      config     TEXT NOT NULL,
      created_at TEXT NOT NULL,
      created_by TEXT REFERENCES raters(rater_id)
    );
    CREATE TABLE study_states (
      seq            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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
      seq       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      study_id  TEXT NOT NULL REFERENCES studies(study_id),
      trial_id  TEXT NOT NULL REFERENCES study_trials(trial_id),
      reader_id TEXT NOT NULL REFERENCES raters(rater_id),
      at        TEXT NOT NULL
    );
    CREATE TABLE study_answers (
      seq           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      study_id      TEXT NOT NULL REFERENCES studies(study_id),
      trial_id      TEXT NOT NULL REFERENCES study_trials(trial_id),
      reader_id     TEXT NOT NULL REFERENCES raters(rater_id),
      answer        TEXT NOT NULL,
      started_at    TEXT NOT NULL,
      submitted_at  TEXT NOT NULL,
      time_taken_ms BIGINT NOT NULL CHECK (time_taken_ms >= 0),
      revision      INTEGER NOT NULL CHECK (revision >= 0),
      UNIQUE (trial_id, revision)
    );
    CREATE INDEX study_answers_by_study ON study_answers (study_id, reader_id, trial_id, seq);
    CREATE INDEX study_views_by_trial ON study_views (trial_id, seq);
    ${appendOnly('studies', 'study_states', 'study_segmentations', 'study_trials', 'study_views', 'study_answers')}`,
  },
  {
    version: 4,
    description: "review sessions: 'difficult' review flags (with seq) and work_sessions (time on task)",
    // PostgreSQL alters a CHECK in place; the new seq numbers existing flags in creation order.
    sql: `
    ALTER TABLE review_flags DROP CONSTRAINT review_flags_kind_check;
    ALTER TABLE review_flags ADD CONSTRAINT review_flags_kind_check
      CHECK (kind IN ('needs-revision', 'accepted', 'image-problem', 'other', 'difficult'));
    ALTER TABLE review_flags ADD COLUMN seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE;
    CREATE INDEX review_flags_by_version ON review_flags (version_id, seq);
    CREATE INDEX review_flags_by_case ON review_flags (case_id, seq);
    CREATE TABLE work_sessions (
      seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      session_id  TEXT NOT NULL UNIQUE,
      rater_id    TEXT NOT NULL REFERENCES raters(rater_id),
      case_id     TEXT NOT NULL REFERENCES cases(case_id),
      mode        TEXT NOT NULL CHECK (mode IN ('annotate', 'review')),
      started_at  TEXT NOT NULL,
      ended_at    TEXT NOT NULL,
      active_ms   BIGINT NOT NULL CHECK (active_ms >= 0),
      end_reason  TEXT NOT NULL,
      recorded_at TEXT NOT NULL
    );
    CREATE INDEX work_sessions_by_case_rater ON work_sessions (case_id, rater_id);
    ${appendOnly('work_sessions')}`,
  },
  {
    version: 5,
    description: 'accounts: scrypt-hashed secrets and sign-in throttling per person',
    sql: `
    CREATE TABLE accounts (
      rater_id        TEXT PRIMARY KEY REFERENCES raters(rater_id),
      secret_hash     TEXT NOT NULL CHECK (secret_hash LIKE 'scrypt$%'),
      secret_set_at   TEXT NOT NULL,
      secret_set_by   TEXT REFERENCES raters(rater_id),
      failed_attempts INTEGER NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
      locked_until_ms BIGINT
    );`,
  },
  {
    version: 6,
    description: "sequences: named images of a case on their own grids, and the case's reference sequence",
    // A new team database has no cases yet, so nothing is carried over (schema.ts's v6 does that for old folders).
    sql: `
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
    ALTER TABLE cases ADD COLUMN reference_sequence_id TEXT REFERENCES sequences(sequence_id);`,
  },
  {
    version: 7,
    description: 'label table: value, name, colour and the uncertain flag of each label; the stroke table to start with',
    // As labelTable.ts's migration: the stroke table is what the editor's masks have always meant.
    sql: `
    CREATE TABLE label_table (
      value     INTEGER PRIMARY KEY CHECK (value BETWEEN 1 AND 255),
      ordinal   INTEGER NOT NULL UNIQUE CHECK (ordinal >= 0),
      name      TEXT COLLATE nocase NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 40),
      colour    TEXT NOT NULL CHECK (colour ~ '^#[0-9a-f]{6}$'),
      uncertain INTEGER NOT NULL CHECK (uncertain IN (0, 1))
    );
    CREATE UNIQUE INDEX label_table_one_uncertain ON label_table (uncertain) WHERE uncertain = 1;
    CREATE TABLE annotation_file_values (
      file_hash    TEXT PRIMARY KEY,
      label_values TEXT NOT NULL
    );
    INSERT INTO label_table (value, ordinal, name, colour, uncertain) VALUES
      ${LABEL_PRESETS.stroke.labels
        .map((l, ordinal) => `(${l.value}, ${ordinal}, ${sqlString(l.name)}, ${sqlString(l.colour)}, ${l.uncertain ? 1 : 0})`)
        .join(',\n      ')};`,
  },
  {
    version: 8,
    description: 'invitations: one-time links (sha256 of the token only) that let a person set their password',
    // The same table as SQLite's (BIGINT is an INTEGER there); a token's hash is checked as hex here.
    sql: `${INVITATIONS_SQL}
    ALTER TABLE invitations ADD CONSTRAINT invitations_token_hex CHECK (token_sha256 ${HASH});`,
  },
  {
    version: 9,
    description: 'sessions in the database (sha256 of each token, not the token) and what each session opened',
    // As sessionTable.ts's migration, with BIGINT epoch milliseconds.
    sql: `
    CREATE TABLE sessions (
      token_hash   TEXT PRIMARY KEY CHECK (length(token_hash) = 64),
      rater_id     TEXT NOT NULL REFERENCES raters(rater_id),
      created_ms   BIGINT NOT NULL,
      last_seen_ms BIGINT NOT NULL CHECK (last_seen_ms >= created_ms)
    );
    CREATE INDEX sessions_by_rater ON sessions (rater_id);
    CREATE TABLE session_grants (
      grant_hash TEXT PRIMARY KEY CHECK (length(grant_hash) = 64),
      token_hash TEXT NOT NULL REFERENCES sessions(token_hash) ON DELETE CASCADE,
      kind       TEXT NOT NULL CHECK (kind IN ('case', 'file')),
      path       TEXT NOT NULL,
      series_uid TEXT
    );
    CREATE INDEX session_grants_by_session ON session_grants (token_hash);`,
  },
];

/** A constant of ours as an SQL string literal (migrations are plain SQL, without parameters). */
function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** Any constant, the same in every process: the key of the advisory lock migrations run under. */
const MIGRATION_LOCK = 0x71756f72;

/** Applies the missing migrations and their `quorum_schema` rows in one transaction; refuses a newer database. */
export async function pgMigrate(port: PgPort, migrations: readonly PgMigration[]): Promise<MigrationResult> {
  return await port.transaction(async () => {
    // Held to the end of this transaction: a second process starting now waits, then finds nothing to do.
    await port.get('SELECT pg_advisory_xact_lock(?) AS locked', [MIGRATION_LOCK]);
    await port.exec(
      'CREATE TABLE IF NOT EXISTS quorum_schema (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    const from = int((await port.get('SELECT COALESCE(MAX(version), 0) AS v FROM quorum_schema')) ?? { v: 0 }, 'v');
    if (from > migrations.length)
      throw new Error(
        `project database has schema version ${from}, but this Quorum knows only up to ${migrations.length}; use a newer Quorum`,
      );
    const applied: string[] = [];
    for (const m of migrations.slice(from)) {
      await port.exec(m.sql);
      await port.run('INSERT INTO quorum_schema (version, description, applied_at) VALUES (?, ?, ?)', [
        m.version,
        m.description,
        new Date().toISOString(),
      ]);
      applied.push(`${m.version}: ${m.description}`);
    }
    return { from, to: migrations.length, applied };
  });
}
