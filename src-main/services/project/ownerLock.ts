/**
 * One Quorum process owns a project at a time. node-sqlite3-wasm locks a database by creating the
 * directory `<db>.lock` and removing it on unlock; a process killed with SIGKILL leaves that
 * directory behind and every later open would fail with "database is locked" forever. So the owner
 * writes `<db>.owner` (pid, host) before opening; a later open that finds the owner dead (same host,
 * pid gone) removes the stale lock directory and takes over. A live owner is refused with a message.
 *
 * SQLite's recovery still happens after this: we only remove the lock marker, never the write-ahead
 * log, so the next open replays the dead owner's committed transactions and drops a cut one.
 */
import fs from 'node:fs';
import os from 'node:os';

export interface OwnerRecord {
  pid: number;
  host: string;
  openedAt: string;
}

/** Projects this process holds open, by database path: a second open in one process is refused too. */
const openInThisProcess = new Set<string>();

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else. ESRCH: gone.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(ownerPath: string): OwnerRecord | null {
  let text: string;
  try {
    text = fs.readFileSync(ownerPath, 'utf8');
  } catch {
    return null;
  }
  try {
    const v = JSON.parse(text) as Partial<OwnerRecord>;
    if (typeof v.pid === 'number' && typeof v.host === 'string') return { pid: v.pid, host: v.host, openedAt: String(v.openedAt ?? '') };
  } catch {
    // A torn owner file (killed while writing it) proves nothing about a live owner: treat as stale.
  }
  return null;
}

export class ProjectLockedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProjectLockedError';
  }
}

export interface AcquiredOwnership {
  /** Notes for the open report, e.g. that a stale lock from a killed process was cleared. */
  notes: string[];
  release(): void;
}

export function acquireOwnership(dbPath: string): AcquiredOwnership {
  const ownerPath = `${dbPath}.owner`;
  const lockDir = `${dbPath}.lock`;
  const notes: string[] = [];
  if (openInThisProcess.has(dbPath)) {
    throw new ProjectLockedError(`project database ${dbPath} is already open in this process; close it first`);
  }
  const owner = readOwner(ownerPath);
  if (owner && owner.pid !== process.pid && owner.host === os.hostname() && isProcessAlive(owner.pid)) {
    throw new ProjectLockedError(
      `project is open in another Quorum process (pid ${owner.pid}, since ${owner.openedAt}); close it there first, or delete ${ownerPath} if no Quorum is running`,
    );
  }
  if (owner && owner.host !== os.hostname()) {
    // A different machine on a shared drive: we cannot check its pid, so refuse rather than guess.
    throw new ProjectLockedError(
      `project is open on host ${owner.host} (pid ${owner.pid}); close it there, or delete ${ownerPath} if that machine crashed`,
    );
  }
  if (fs.existsSync(lockDir)) {
    fs.rmSync(lockDir, { recursive: true, force: true });
    notes.push(
      owner
        ? `cleared a stale database lock left by process ${owner.pid}, which is no longer running`
        : 'cleared a stale database lock with no recorded owner',
    );
  }
  const record: OwnerRecord = { pid: process.pid, host: os.hostname(), openedAt: new Date().toISOString() };
  fs.writeFileSync(ownerPath, JSON.stringify(record));
  openInThisProcess.add(dbPath);
  let released = false;
  return {
    notes,
    release() {
      if (released) return;
      released = true;
      openInThisProcess.delete(dbPath);
      const now = readOwner(ownerPath);
      if (now && now.pid === process.pid) fs.rmSync(ownerPath, { force: true });
    },
  };
}
