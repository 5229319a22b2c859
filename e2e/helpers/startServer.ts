/**
 * Starts the browser-mode server the way a user does (`tsx src-main/server/cli.ts`) on a free
 * port, with a throw-away data folder, and returns the URL it prints:
 *   Quorum browser mode: http://127.0.0.1:<port>/?token=<token>
 * (a team server, `--database`, prints no token: its people sign in with accounts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface RunningServer {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

const URL_LINE = /Quorum browser mode: (http:\/\/127\.0\.0\.1:\d+\/(?:\?token=[A-Za-z0-9_-]+)?)/;

export async function startServer(
  repoRoot: string,
  options: { project?: string; timeoutMs?: number; /** More CLI flags, e.g. --dicomweb <url>. */ extraArgs?: string[] } = {},
): Promise<RunningServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'quorum-e2e-data-'));
  const child = spawn(
    process.execPath,
    [
      path.join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
      'src-main/server/cli.ts',
      '--port',
      '0',
      '--project',
      options.project ?? 'demo',
      '--renderer',
      'out/renderer',
      '--data-dir',
      dataDir,
      ...(options.extraArgs ?? []),
    ],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`The server printed no URL within ${options.timeoutMs ?? 60_000} ms:\n${output}`)),
      options.timeoutMs ?? 60_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = URL_LINE.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The server exited with code ${code} before printing its URL:\n${output}`));
    });
  });
  return {
    url,
    process: child,
    stop: async () => {
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
