/**
 * A transaction cut by a crash must be rolled back when the database is next opened, from its hot
 * journal, with the settings the store uses (exclusive locking, DELETE journal, FULL sync) and after
 * the dead owner's lock directory is removed as the store's owner lock does. Deterministic where the
 * crash-safety test is not: a child spills an uncommitted transaction into the database file (a
 * one-page cache forces it) and kills itself before COMMIT.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Database } from 'node-sqlite3-wasm';
import { tempDir } from './testSupport';

const CHILD = `
const { Database } = require('node-sqlite3-wasm');
const db = new Database(process.argv[1]);
db.exec('PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = DELETE; PRAGMA synchronous = FULL; PRAGMA cache_size = 1;');
db.exec('BEGIN');
for (let i = 0; i < 2000; i++) db.run('INSERT INTO t (v) VALUES (?)', ['uncommitted row ' + i + ' '.repeat(200)]);
process.kill(process.pid, 'SIGKILL');
`;

describe('hot journal', () => {
  it('rolls back a transaction a crash cut after it spilled into the database file', () => {
    const dir = tempDir('quorum-hotjournal-');
    const file = path.join(dir, 'db.sqlite');
    const setup = new Database(file);
    setup.exec('PRAGMA journal_mode = DELETE; CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE);');
    setup.run('INSERT INTO t (v) VALUES (?)', ['committed']);
    setup.close();
    const before = fs.statSync(file).size;

    const child = spawnSync(process.execPath, ['-e', CHILD, file], { cwd: process.cwd(), encoding: 'utf8' });
    expect(child.signal, child.stderr).toBe('SIGKILL');
    // The crash left what the test is about: a hot journal, pages spilled into the file, and the
    // VFS's lock directory (which the store's owner lock removes for a dead owner).
    expect(fs.readFileSync(`${file}-journal`).subarray(0, 4)).toEqual(Buffer.from([0xd9, 0xd5, 0x05, 0xf9]));
    expect(fs.statSync(file).size).toBeGreaterThan(before);
    fs.rmdirSync(`${file}.lock`);

    const db = new Database(file);
    try {
      expect(db.all('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
      expect(db.all('SELECT v FROM t')).toEqual([{ v: 'committed' }]);
    } finally {
      db.close();
    }
  });
});
