/**
 * Connecting to a team server with its certificate pinned (issue 13), against the real server over
 * HTTPS ('accounts' access, as `npm run serve` on a network address) with openssl-made certificates.
 * The expected fingerprints come from `openssl x509 -fingerprint -sha256`, not from Node.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend } from '../server/backend';
import type { BrowserServer } from '../server/httpServer';
import {
  CertificateChangedError,
  TeamServerError,
  firstConnectionPrompt,
  parseTeamServerAddress,
  pinnedCertificateVerdict,
  planConnection,
  probeTeamServer,
} from './teamServerConnection';
import { TrustStoreError, createTrustStore } from './trustedServers';
import { serveBackend } from '../server/testSupport';

let tmp: string;
let backend: Awaited<ReturnType<typeof createBackend>>;
const certs: Record<'first' | 'second', { cert: string; key: string; fingerprint: string }> = {
  first: { cert: '', key: '', fingerprint: '' },
  second: { cert: '', key: '', fingerprint: '' },
};

function makeCertificate(name: 'first' | 'second'): void {
  const cert = path.join(tmp, `${name}.pem`);
  const key = path.join(tmp, `${name}.key`);
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', `/CN=quorum-${name}`],
    { stdio: 'ignore' },
  );
  const printed = execFileSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256', '-in', cert], { encoding: 'utf8' });
  const fingerprint = /=([0-9A-F:]+)\s*$/i.exec(printed)?.[1]?.toUpperCase() ?? '';
  expect(fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  certs[name] = { cert, key, fingerprint };
}

function serveWith(name: 'first' | 'second', port: number): Promise<BrowserServer> {
  return serveBackend(backend, {
    port,
    access: 'accounts',
    tls: { cert: readFileSync(certs[name].cert), key: readFileSync(certs[name].key) },
  });
}

/** A port nothing listens on: bound, read, and released. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'quorum-connect-'));
  await mkdir(path.join(tmp, 'renderer'));
  await mkdir(path.join(tmp, 'project'));
  await writeFile(path.join(tmp, 'renderer', 'index.html'), '<!doctype html><title>team</title>');
  makeCertificate('first');
  makeCertificate('second');
  backend = await createBackend({
    mode: 'browser',
    version: '0.0.0-team',
    projectDir: path.join(tmp, 'project'),
    rendererDir: path.join(tmp, 'renderer'),
    dataDir: path.join(tmp, 'server-data'),
  });
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('the typed address', () => {
  it('keeps an https address (an invitation link whole) and names its origin', () => {
    expect(parseTeamServerAddress(' https://Quorum.Example.org:8443/?invite=abc#x ')).toEqual({
      origin: 'https://quorum.example.org:8443',
      url: 'https://quorum.example.org:8443/?invite=abc',
    });
  });

  it('refuses anything but https, and a name or password in the address, saying why', () => {
    expect(() => parseTeamServerAddress('http://quorum.example.org/')).toThrow(/not an https:\/\/ address.*HTTPS only/);
    expect(() => parseTeamServerAddress('quorum.example.org')).toThrow(/is not an address/);
    expect(() => parseTeamServerAddress('https://me:pw@quorum.example.org/')).toThrow(/Leave the name and password out/);
  });
});

describe('pinning against a real team server over HTTPS', () => {
  it('shows the fingerprint on the first connection, opens after trust, and refuses a changed certificate', async () => {
    const store = createTrustStore(path.join(tmp, 'client', 'team-servers.json'));
    let server = await serveWith('first', 0);
    const port = server.port;
    const { origin } = parseTeamServerAddress(server.url);
    try {
      const first = await planConnection(origin, store);
      expect(first.kind).toBe('first');
      expect(first.probe.fingerprint256).toBe(certs.first.fingerprint);
      expect(first.probe.version).toBe('0.0.0-team');
      expect(first.probe.subject).toContain('CN=quorum-first');
      expect(firstConnectionPrompt(first.probe).detail).toContain(certs.first.fingerprint);

      await store.trust(origin, first.probe.fingerprint256);
      expect((await store.list()).map((s) => [s.origin, s.fingerprint256])).toEqual([[origin, certs.first.fingerprint]]);
      expect((await planConnection(origin, store)).kind).toBe('trusted');
    } finally {
      await server.close();
    }

    // The same address, restarted with another certificate.
    server = await serveWith('second', port);
    try {
      const refused = await planConnection(origin, store).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(CertificateChangedError);
      expect((refused as Error).message).toContain(certs.first.fingerprint);
      expect((refused as Error).message).toContain(certs.second.fingerprint);
      // No silent re-trust: the store still holds the first certificate and refuses to overwrite it.
      await expect(store.trust(origin, certs.second.fingerprint)).rejects.toThrow(/already trusted with another certificate/);
      expect((await store.list())[0]?.fingerprint256).toBe(certs.first.fingerprint);
      // Forgetting it is the deliberate way to a new first connection.
      await store.forget(origin);
      expect((await planConnection(origin, store)).kind).toBe('first');
    } finally {
      await server.close();
    }
  });

  it('gives clear errors for an unreachable host, a closed port and a server that is not HTTPS', async () => {
    const port = await closedPort();
    await expect(probeTeamServer(`https://127.0.0.1:${port}`)).rejects.toThrow(
      new TeamServerError(`Nothing answers at 127.0.0.1:${port} (connection refused): is the team server running, and is the port right?`),
    );
    await expect(probeTeamServer('https://no-such-host.invalid')).rejects.toThrow(/No computer named "no-such-host.invalid" was found/);
    // A server that accepts the connection and never answers the TLS handshake.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const silentPort = (silent.address() as { port: number }).port;
    try {
      await expect(probeTeamServer(`https://127.0.0.1:${silentPort}`, 300)).rejects.toThrow(
        `https://127.0.0.1:${silentPort} did not answer within 0.3 s`,
      );
    } finally {
      silent.close();
    }
    const plain = await serveBackend(backend, {
      access: 'accounts',
    });
    try {
      await expect(probeTeamServer(`https://127.0.0.1:${plain.port}`)).rejects.toThrow(/does not speak HTTPS/);
    } finally {
      await plain.close();
    }
  });
});

describe("Electron's certificate check for team windows", () => {
  it('accepts only the trusted certificate of a trusted host', () => {
    const first = readFileSync(certs.first.cert, 'utf8');
    const second = readFileSync(certs.second.cert, 'utf8');
    const trusted = [{ origin: 'https://10.0.0.5:8443', fingerprint256: certs.first.fingerprint, trustedAt: '', lastUsedAt: '' }];
    expect(pinnedCertificateVerdict('10.0.0.5', first, trusted)).toBe(0);
    expect(pinnedCertificateVerdict('10.0.0.5', second, trusted)).toBe(-2);
    expect(pinnedCertificateVerdict('evil.example', first, trusted)).toBe(-2);
    expect(pinnedCertificateVerdict('10.0.0.5', 'not a certificate', trusted)).toBe(-2);
  });
});

describe('the trusted-server list', () => {
  it('round-trips, most recently used first', async () => {
    const file = path.join(tmp, 'roundtrip', 'team-servers.json');
    const store = createTrustStore(file);
    await store.trust('https://a.example', 'AA', new Date('2026-01-01T00:00:00Z'));
    await store.trust('https://b.example', 'BB', new Date('2026-01-02T00:00:00Z'));
    await store.markUsed('https://a.example', new Date('2026-01-03T00:00:00Z'));
    const again = await createTrustStore(file).list();
    expect(again).toEqual([
      { origin: 'https://a.example', fingerprint256: 'AA', trustedAt: '2026-01-01T00:00:00.000Z', lastUsedAt: '2026-01-03T00:00:00.000Z' },
      { origin: 'https://b.example', fingerprint256: 'BB', trustedAt: '2026-01-02T00:00:00.000Z', lastUsedAt: '2026-01-02T00:00:00.000Z' },
    ]);
  });

  it('keeps a corrupt file aside with a clear error, then starts an empty list', async () => {
    const dir = path.join(tmp, 'corrupt');
    await mkdir(dir);
    const file = path.join(dir, 'team-servers.json');
    await writeFile(file, '{"servers": [ {"origin": "https://a.exa');
    const store = createTrustStore(file);
    const error = await store.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrustStoreError);
    expect((error as Error).message).toMatch(
      /could not be read: it is not valid JSON\. It was kept as .*team-servers\.json\.unreadable-\d+/,
    );
    const aside = (await readdir(dir)).filter((f) => f.startsWith('team-servers.json.unreadable-'));
    expect(aside).toHaveLength(1);
    expect(await readFile(path.join(dir, aside[0] ?? ''), 'utf8')).toBe('{"servers": [ {"origin": "https://a.exa');
    expect(await store.list()).toEqual([]);
    await store.trust('https://a.example', 'AA');
    expect((await store.list()).map((s) => s.origin)).toEqual(['https://a.example']);
  });
});
