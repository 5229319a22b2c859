/**
 * The CLI as the e2e tests use it: spawned as a child process, it must print exactly the one
 * documented line, serve on 127.0.0.1 at that port, and exit cleanly on SIGTERM. Bad flags must fail
 * fast with a usage message.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInWithTestSecret, testSecretOf } from '../services/project/signIn.testSupport';
import { apiCaller, rawRequest, spawnCli } from './testSupport';

const LINE = /^Quorum browser mode: http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]{43})$/;

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'quorum-cli-'));
  await mkdir(path.join(tmp, 'renderer'));
  await mkdir(path.join(tmp, 'project'));
  await writeFile(path.join(tmp, 'renderer', 'index.html'), '<!doctype html><title>cli</title>');
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('browser-mode CLI', () => {
  it('prints the one URL line, serves that port, and stops on SIGTERM', async () => {
    const { child, stdout, exit } = spawnCli([
      '--port',
      '0',
      '--project',
      path.join(tmp, 'project'),
      '--renderer',
      path.join(tmp, 'renderer'),
      '--data-dir',
      path.join(tmp, 'data'),
    ]);
    const lines = (await stdout).trim().split('\n');
    expect(lines).toHaveLength(1);
    const match = LINE.exec(lines[0]);
    expect(match).not.toBeNull();
    const port = Number(match?.[1]);
    const page = await rawRequest(port, `/?token=${match?.[2]}`);
    expect(page.body.toString()).toContain('<title>cli</title>');
    const info = await rawRequest(port, '/api/app.info', {
      method: 'POST',
      headers: { 'X-Quorum-Token': match?.[2] ?? '', 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(info.json()).toMatchObject({ ok: true, value: { mode: 'browser', demoProjectPath: path.join(tmp, 'project') } });
    // A project of the user's own (not the bundled demo/) still gets the bundled demo model, listed
    // to a signed-in person.
    const call = apiCaller(port, match?.[2] ?? '');
    await call('rater.create', { name: 'Cleo CLI', secret: testSecretOf('Cleo CLI') });
    const { token: session } = await signInWithTestSecret(call, 'Cleo CLI');
    const models = (await call('models.list', { session })) as { models: Array<{ key: string }> };
    expect(models.models.map((m) => m.key)).toContain('bundled/demo-dwi-lesion');
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });

  it('refuses a bad port with a usage message and exit code 2', async () => {
    const { stdout, exit } = spawnCli(['--port', 'eighty']);
    expect(await exit).toBe(2);
    expect(await stdout).toContain('--port must be an integer');
  });
});
