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
 * The tables are ddl.ts's, written once for both databases in PostgreSQL's spelling (its `POSTGRES`
 * dialect); the `nocase` collation (ICU, case-insensitive) and a `group_concat` aggregate made here
 * make SQLite's spellings in the store's queries valid too.
 */

import {
  accountsTable,
  coreTables,
  invitationsTable,
  labelTables,
  modelTables,
  POSTGRES,
  reviewSessionTables,
  sequencesTable,
  sessionTables,
  studyTables,
} from './ddl';
import type { MigrationResult } from './migrate';
import type { PgPort } from './pgPort';
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
    -- Annotation bytes, once each under their content's name; the versions refer to them.
    CREATE TABLE annotation_blobs (
      file_name TEXT PRIMARY KEY,
      hash      TEXT NOT NULL UNIQUE CHECK (${POSTGRES.hex64('hash')}),
      bytes     BYTEA NOT NULL,
      CHECK (encode(sha256(bytes), 'hex') = hash),
      CHECK (file_name IN (hash || '.nii.gz', hash || '.nii'))
    );
    ${coreTables(POSTGRES)}
    ${appendOnly('annotation_blobs', 'annotation_versions', 'review_comments', 'review_flags', 'audit_log')}`,
  },
  {
    version: 2,
    description: 'model raters (raters.kind, raters.model_ref) and inference results (probability file, provenance)',
    sql: `
    ${modelTables(POSTGRES)}
    ${appendOnly('inference_results')}`,
  },
  {
    version: 3,
    description: 'reader studies: configuration, lifecycle, frozen segmentations, trials, views, answers',
    sql: `
    ${studyTables(POSTGRES)}
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
    ${reviewSessionTables(POSTGRES)}
    ${appendOnly('work_sessions')}`,
  },
  {
    version: 5,
    description: 'accounts: scrypt-hashed secrets and sign-in throttling per person',
    sql: accountsTable(POSTGRES),
  },
  {
    version: 6,
    description: "sequences: named images of a case on their own grids, and the case's reference sequence",
    // A new team database has no cases yet, so nothing is carried over (schema.ts's v6 does that for old folders).
    sql: sequencesTable(),
  },
  {
    version: 7,
    description: 'label table: value, name, colour and the uncertain flag of each label; the stroke table to start with',
    // As labelTable.ts's migration: the stroke table is what the editor's masks have always meant.
    sql: labelTables(POSTGRES),
  },
  {
    version: 8,
    description: 'invitations: one-time links (sha256 of the token only) that let a person set their password',
    // A token's hash is also checked as hex here.
    sql: `${invitationsTable()}
    ALTER TABLE invitations ADD CONSTRAINT invitations_token_hex CHECK (${POSTGRES.hex64('token_sha256')});`,
  },
  {
    version: 9,
    description: 'sessions in the database (sha256 of each token, not the token) and what each session opened',
    sql: sessionTables(POSTGRES),
  },
];

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
