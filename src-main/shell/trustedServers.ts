/**
 * The team servers this computer trusts: each server's origin (`https://host:port`) with the SHA-256
 * fingerprint of the certificate the person accepted on the first connection, newest use first
 * (the menu's recent team servers). Kept as `team-servers.json` in the data folder, written whole
 * to a temporary file and renamed, so a crash leaves the old list, never half of one.
 *
 * An unreadable list is not silently replaced: it is moved aside (nothing lost) and the caller gets
 * an error saying where it went; the next read starts an empty list, so every server shows its
 * certificate again before anything is sent to it.
 *
 * Plain Node; no Electron.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from '../../src-shared/zod';

const serverSchema = z.object({
  origin: z.string(),
  /** As Node and `openssl x509 -fingerprint -sha256` write it: upper-case hex pairs joined by ':'. */
  fingerprint256: z.string(),
  trustedAt: z.string(),
  lastUsedAt: z.string(),
});
const fileSchema = z.object({ servers: z.array(serverSchema) });

export type TrustedServer = z.infer<typeof serverSchema>;

export class TrustStoreError extends Error {
  override readonly name = 'TrustStoreError';
}

export interface TrustStore {
  /** Every trusted server, the most recently used first. */
  list(): Promise<TrustedServer[]>;
  /**
   * Remembers `origin` with this fingerprint. A server already trusted with another fingerprint is
   * refused: a changed certificate is re-trusted only after the person forgets the old one.
   */
  trust(origin: string, fingerprint256: string, now?: Date): Promise<void>;
  /** Moves a trusted server to the front of the list (it was just connected to). */
  markUsed(origin: string, now?: Date): Promise<void>;
  forget(origin: string): Promise<void>;
}

export function createTrustStore(filePath: string): TrustStore {
  // Serialise read-modify-write so two quick connections cannot interleave.
  let queue: Promise<unknown> = Promise.resolve();
  const serialised = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work);
    queue = next.catch(() => undefined);
    return next;
  };

  async function read(): Promise<TrustedServer[]> {
    let text: string;
    try {
      text = await readFile(filePath, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new TrustStoreError(`The list of trusted team servers (${filePath}) could not be read: ${(e as Error).message}`);
    }
    let reason: string;
    try {
      const parsed = fileSchema.safeParse(JSON.parse(text));
      if (parsed.success) return parsed.data.servers;
      reason = 'it does not have the expected fields';
    } catch {
      reason = 'it is not valid JSON';
    }
    const aside = `${filePath}.unreadable-${Date.now()}`;
    await rename(filePath, aside);
    throw new TrustStoreError(
      `The list of trusted team servers (${filePath}) could not be read: ${reason}. It was kept as ${aside}; ` +
        `a new, empty list is started, so each team server's certificate will be shown again on its next connection.`,
    );
  }

  async function write(servers: readonly TrustedServer[]): Promise<void> {
    await mkdir(path.dirname(filePath), { recursive: true });
    const tmp = `${filePath}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify({ servers }, null, 2));
    await rename(tmp, filePath);
  }

  return {
    list: () => serialised(read),
    trust: (origin, fingerprint256, now = new Date()) =>
      serialised(async () => {
        const servers = await read();
        const known = servers.find((s) => s.origin === origin);
        if (known !== undefined && known.fingerprint256 !== fingerprint256) {
          throw new TrustStoreError(
            `${origin} is already trusted with another certificate (${known.fingerprint256}); forget it first to trust ${fingerprint256}.`,
          );
        }
        const at = now.toISOString();
        const entry = { origin, fingerprint256, trustedAt: known?.trustedAt ?? at, lastUsedAt: at };
        await write([entry, ...servers.filter((s) => s.origin !== origin)]);
      }),
    markUsed: (origin, now = new Date()) =>
      serialised(async () => {
        const servers = await read();
        const known = servers.find((s) => s.origin === origin);
        if (known === undefined) return;
        await write([{ ...known, lastUsedAt: now.toISOString() }, ...servers.filter((s) => s !== known)]);
      }),
    forget: (origin) =>
      serialised(async () => {
        const servers = await read();
        await write(servers.filter((s) => s.origin !== origin));
      }),
  };
}
