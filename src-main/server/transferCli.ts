/**
 * `npm run serve -- push <folder> --database postgres://…` and `npm run serve -- pull --database
 * postgres://… <folder>` (issue 13, migration): a single-user project folder into an empty team
 * database, and a team database back into a new folder, every row and annotation blob, checked by
 * hashes (projectTransfer.ts). Prints one line per table (`table <name> <rows> <sha256 of the rows>`)
 * and per blob (`blob <name> <sha256> <bytes>`), then a summary; exits 2 on a usage error or a
 * refused target (not empty), 1 on any other failure, with nothing kept in the target database.
 *
 * Images are not copied: a case's relative image paths stay relative, and the team server finds
 * them under its `--project` folder (give it the pushed folder, or a copy of its images).
 */
import { parseArgs } from 'node:util';
import { ProjectError } from '../services/project/errors';
import { ProjectStore } from '../services/project/ProjectStore';
import type { TransferReport } from '../services/project/projectTransfer';

const USAGE = `Usage: npm run serve -- push <project-folder> --database postgres://…
       npm run serve -- pull --database postgres://… <new-folder>`;

/** The URL without its password, for printing. */
function shown(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

function print(report: TransferReport): void {
  for (const t of report.tables) process.stdout.write(`table ${t.table} ${t.rows} ${t.sha256}\n`);
  for (const b of report.blobs) process.stdout.write(`blob ${b.name} ${b.sha256} ${b.bytes}\n`);
}

/** Runs push or pull; returns the exit code. */
export async function runTransfer(direction: 'push' | 'pull', args: string[], appVersion: string): Promise<number> {
  let folder: string;
  let database: string;
  try {
    const { values, positionals } = parseArgs({ args, options: { database: { type: 'string' } }, allowPositionals: true, strict: true });
    if (positionals.length !== 1 || values.database === undefined) throw new Error('give one project folder and --database');
    if (!/^postgres(ql)?:\/\//.test(values.database)) throw new Error(`--database must be a PostgreSQL URL, got "${values.database}"`);
    [folder] = positionals;
    database = values.database;
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n${USAGE}\n`);
    return 2;
  }
  const stores: ProjectStore[] = [];
  try {
    const openFolder = (create: boolean) => ProjectStore.open(folder, { appVersion, create });
    const openDatabase = () => ProjectStore.openPostgres(database, { appVersion, imagesDir: folder });
    const source = await (direction === 'push' ? openFolder(false) : openDatabase());
    stores.push(source);
    const target = await (direction === 'push' ? openDatabase() : openFolder(true));
    stores.push(target);
    const report = await source.copyInto(target);
    print(report);
    const rows = report.tables.reduce((n, t) => n + t.rows, 0);
    const [from, to] = direction === 'push' ? [folder, shown(database)] : [shown(database), folder];
    process.stdout.write(
      `${direction === 'push' ? 'pushed' : 'pulled'} ${from} → ${to}: ${report.tables.length} tables, ${rows} rows, ${report.blobs.length} annotation files; every table digest and file hash checked\n`,
    );
    return 0;
  } catch (e) {
    process.stderr.write(`${direction} failed: ${e instanceof Error ? e.message : String(e)}\n`);
    return e instanceof ProjectError && e.code === 'bad-request' ? 2 : 1;
  } finally {
    for (const s of stores) s.close();
  }
}
