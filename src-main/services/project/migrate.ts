/**
 * Runs pending migrations. Each migration and its `user_version` bump commit together, so the
 * version number never claims a schema that is not there. A database from a newer Quorum (a
 * user_version above what we know) is refused instead of being guessed at.
 */
import type { Migration } from './schema';
import { int, type Db } from './sqlite';

export interface MigrationResult {
  from: number;
  to: number;
  applied: string[];
}

function schemaVersion(db: Db): number {
  const row = db.get('PRAGMA user_version');
  return row ? int(row, 'user_version') : 0;
}

export function migrate(db: Db, migrations: readonly Migration[]): MigrationResult {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration list is malformed: entry ${i} has version ${m.version}, expected ${i + 1}`);
  });
  const from = schemaVersion(db);
  if (from > migrations.length) {
    throw new Error(
      `project database has schema version ${from}, but this Quorum knows only up to ${migrations.length}; open it with a newer Quorum`,
    );
  }
  const applied: string[] = [];
  for (const m of migrations.slice(from)) {
    db.transaction(() => {
      m.up(db);
      // PRAGMA takes no bound parameters; the value is an integer we control.
      db.exec(`PRAGMA user_version = ${m.version}`);
    });
    applied.push(`${m.version}: ${m.description}`);
  }
  return { from, to: migrations.length, applied };
}
