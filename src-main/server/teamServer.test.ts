/**
 * `npm run serve` (issue 13): the browser-mode server on a PostgreSQL project, the listen rule
 * (anything but loopback needs TLS, and the server refuses to start without it, saying why), and
 * HTTPS with a given certificate. Spawned as a child process like the e2e tests do.
 */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgUnavailable, startPgCluster, type PgCluster } from '../services/project/pgCluster.testSupport';
import { ProjectStore } from '../services/project/ProjectStore';
import { signInWithTestSecret, testSecretOf } from '../services/project/signIn.testSupport';
import { isLoopback, planListen } from './listenAddress';
import { apiCaller, selfSignedCertificate, spawnCli } from './testSupport';

let tmp: string;
let common: string[];
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'quorum-serve-'));
  await mkdir(path.join(tmp, 'renderer'));
  await mkdir(path.join(tmp, 'project'));
  await writeFile(path.join(tmp, 'renderer', 'index.html'), '<!doctype html><title>serve</title>');
  common = ['--project', path.join(tmp, 'project'), '--renderer', path.join(tmp, 'renderer'), '--data-dir', path.join(tmp, 'data')];
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('the listen rule', () => {
  it('allows plain HTTP on loopback only; elsewhere it needs a certificate and its key', () => {
    for (const host of ['127.0.0.1', '127.0.0.2', 'localhost', '::1']) expect(isLoopback(host), host).toBe(true);
    for (const host of ['0.0.0.0', '192.168.1.10', '::', 'quorum.example.org']) expect(isLoopback(host), host).toBe(false);
    expect(planListen('127.0.0.1:8080', {})).toEqual({ host: '127.0.0.1', port: 8080, tls: null });
    expect(planListen('[::1]:0', {})).toEqual({ host: '::1', port: 0, tls: null });
    expect(planListen('0.0.0.0:443', { certFile: 'c.pem', keyFile: 'k.pem' })).toEqual({
      host: '0.0.0.0',
      port: 443,
      tls: { certFile: 'c.pem', keyFile: 'k.pem' },
    });
    expect(() => planListen('0.0.0.0:443', {})).toThrow(/refusing to listen on 0\.0\.0\.0.*--tls-cert and --tls-key/);
    expect(() => planListen('10.0.0.5:443', { certFile: 'c.pem' })).toThrow(/go together/);
    expect(() => planListen('8080', {})).toThrow(/<host>:<port>/);
  });

  it('the server refuses to start on a network address without TLS, says why, and exits with 2', async () => {
    const { stdout, exit } = spawnCli(['--listen', '0.0.0.0:0', ...common]);
    expect(await exit).toBe(2);
    const said = await stdout;
    expect(said).toContain('refusing to listen on 0.0.0.0');
    expect(said).toContain('--tls-cert and --tls-key');
    expect(said).not.toContain('Quorum browser mode:');
  });
});

describe('HTTPS', () => {
  it('serves the same API over TLS with the given certificate, on the URL it prints', async () => {
    const { certFile: cert, keyFile: key } = selfSignedCertificate(tmp);
    const { child, stdout, exit } = spawnCli(['--listen', '127.0.0.1:0', '--tls-cert', cert, '--tls-key', key, ...common]);
    try {
      const match = /^Quorum browser mode: https:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]{43})$/.exec((await stdout).trim());
      expect(match).not.toBeNull();
      const body = await new Promise<string>((resolve, reject) => {
        const req = https.request(
          {
            host: '127.0.0.1',
            port: Number(match?.[1]),
            path: '/api/app.info',
            method: 'POST',
            ca: readFileSync(cert),
            headers: { 'X-Quorum-Token': match?.[2] ?? '', 'Content-Type': 'application/json' },
          },
          (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString()));
            res.on('end', () => resolve(text));
          },
        );
        req.on('error', reject);
        req.end('{}');
      });
      expect(JSON.parse(body)).toMatchObject({ ok: true, value: { mode: 'browser' } });
    } finally {
      child.kill('SIGTERM');
      await exit;
    }
  });
});

const unavailable = pgUnavailable();
if (unavailable !== null) console.warn(unavailable);

describe.skipIf(unavailable !== null)('on PostgreSQL', () => {
  let cluster: PgCluster;
  beforeAll(async () => {
    cluster = await startPgCluster();
  }, 120_000);
  afterAll(() => cluster?.stop());

  it('keeps the project in the database: what one server writes, another store on that database reads', async () => {
    const url = await cluster.createDatabase();
    const { child, stdout, exit } = spawnCli(['--listen', '127.0.0.1:0', '--database', url, ...common]);
    try {
      // A team server has no per-launch token (accounts let people in): its URL carries none, and no call needs one.
      const match = /^Quorum browser mode: http:\/\/127\.0\.0\.1:(\d+)\/$/.exec((await stdout).trim());
      expect(match).not.toBeNull();
      const port = Number(match?.[1]);
      const call = apiCaller(port, null);
      await call('rater.create', { name: 'Tess Team', secret: testSecretOf('Tess Team') });
      await signInWithTestSecret(call, 'Tess Team');
      const other = await ProjectStore.openPostgres(url, { appVersion: 'test' });
      try {
        expect(await other.listIdentities()).toEqual([{ name: 'Tess Team', hasSecret: true }]);
        const opened = (await call('project.open', {})) as { projectId: string };
        expect(opened.projectId).toBe(other.openReport.projectId);
      } finally {
        other.close();
      }
    } finally {
      child.kill('SIGTERM');
      await exit;
    }
  });

  it('refuses a --database that is not a PostgreSQL URL', async () => {
    const { stdout, exit } = spawnCli(['--database', '/some/folder', ...common]);
    expect(await exit).toBe(2);
    expect(await stdout).toContain('--database must be a PostgreSQL URL');
  });
});
