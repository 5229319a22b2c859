/**
 * A throw-away PostgreSQL cluster for tests: `initdb` in a temp folder, `pg_ctl start` on a free
 * loopback port (and its socket in that folder), one fresh database per caller, stopped and
 * deleted afterwards. initdb refuses to run as root, so as root the cluster belongs to the
 * `postgres` system user (`runuser`). Nothing outside the machine is contacted.
 *
 * Missing PostgreSQL binaries skip the PostgreSQL half of a test with a message, except in CI
 * (CI=true), where they are a failure: scripts/setup.sh installs them.
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

/** The folder of initdb/pg_ctl (Debian keeps them out of PATH), or null when PostgreSQL is not installed. */
function pgBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (fs.existsSync(path.join(root, v, 'bin', 'initdb'))) return path.join(root, v, 'bin');
  try {
    return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

/** Why the PostgreSQL tests cannot run here, or null when they can; throws in CI, where they must. */
export function pgUnavailable(): string | null {
  if (pgBinDir() !== null) return null;
  const why = 'PostgreSQL is not installed (no initdb): the PostgreSQL store tests are skipped; run scripts/setup.sh to install it';
  if (process.env.CI === 'true') throw new Error(`${why} — in CI this is a failure`);
  return why;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface PgCluster {
  /** A new, empty database on the cluster; its connection URL. */
  createDatabase(): Promise<string>;
  /**
   * `pg_ctl restart -m immediate`: every connection is cut at once, without a checkpoint (the
   * crash test's PostgreSQL restart). Asynchronous, so the test's own clients keep running.
   */
  restart(): Promise<void>;
  stop(): void;
}

export async function startPgCluster(): Promise<PgCluster> {
  const bin = pgBinDir();
  if (bin === null) throw new Error('PostgreSQL is not installed');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quorum-pg-'));
  const asRoot = process.getuid?.() === 0;
  const command = (tool: string, args: string[]): [string, string[]] => {
    const cmd = path.join(bin, tool);
    return asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  };
  const run = (tool: string, args: string[]): void => {
    execFileSync(...command(tool, args), { stdio: 'pipe' });
  };
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
    fs.chownSync(dir, uid, gid);
  }
  const data = path.join(dir, 'data');
  const port = await freePort();
  run('initdb', ['-D', data, '-U', 'quorum', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
  // fsync off: a test cluster is thrown away, and the shared machine's disk is slow.
  const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off`;
  run('pg_ctl', ['start', '-D', data, '-w', '-l', path.join(dir, 'log'), '-o', options]);
  const base = `postgres://quorum@127.0.0.1:${port}`;
  return {
    async createDatabase() {
      const name = `t_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: `${base}/postgres` });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      return `${base}/${name}`;
    },
    async restart() {
      const log = path.join(dir, 'log');
      try {
        await promisify(execFile)(...command('pg_ctl', ['restart', '-D', data, '-m', 'immediate', '-w', '-l', log, '-o', options]));
      } catch (err) {
        // The log is gone when the cluster was stopped meanwhile (a test that failed and moved on).
        const tail = fs.existsSync(log)
          ? fs.readFileSync(log, 'utf8').split('\n').slice(-15).join('\n')
          : '(no log: the cluster was stopped)';
        throw new Error(`${err instanceof Error ? err.message : String(err)}\nPostgreSQL's log:\n${tail}`);
      }
    },
    stop() {
      try {
        run('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w']);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
