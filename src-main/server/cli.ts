/**
 * `npm run start:web` ends here: start the browser-mode server and print the one line the user
 * (and the e2e tests) read:
 *
 *   Quorum browser mode: http://127.0.0.1:<port>/?token=<token>
 *
 * Flags: --port <n> (default 0: a free port), --project <folder> (default: the bundled demo/),
 * --renderer <dir> (default: out/renderer), --data-dir <dir> (default: $XDG_CONFIG_HOME/quorum),
 * --memory-budget-mb <n> (case data in memory; default: half the machine's memory, at most 4 GiB),
 * --dicomweb <url> (a DICOMweb archive to search and add cases from; issue 13).
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createBackend } from './backend';
import { startBrowserServer } from './httpServer';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const USAGE = `Usage: npm run start:web -- [--port <n>] [--project <folder>] [--renderer <dir>] [--data-dir <dir>] [--memory-budget-mb <n>] [--dicomweb <url>]`;

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

function parseBudget(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const mb = Number(text);
  if (!Number.isInteger(mb) || mb < 1) fail(`--memory-budget-mb must be a positive integer (MiB), got "${text}".`);
  return mb * 2 ** 20;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be an integer from 0 to 65535, got "${text}".`);
  return port;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string', default: '0' },
        project: { type: 'string', default: path.join(repoRoot, 'demo') },
        renderer: { type: 'string', default: path.join(repoRoot, 'out', 'renderer') },
        'data-dir': {
          type: 'string',
          default: path.join(process.env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'), 'quorum'),
        },
        'memory-budget-mb': { type: 'string' },
        dicomweb: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const version = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
  const backend = await createBackend({
    mode: 'browser',
    version,
    projectDir: path.resolve(values.project),
    rendererDir: path.resolve(values.renderer),
    dataDir: path.resolve(values['data-dir']),
    // The repository's models, wherever --project points (the default looks beside the project folder).
    bundledModelsDir: path.join(repoRoot, 'models'),
    memoryBudgetBytes: parseBudget(values['memory-budget-mb']),
    ...(values.dicomweb === undefined ? {} : { dicomwebUrl: values.dicomweb }),
  });
  const server = await startBrowserServer({ dispatch: backend.dispatch, routes: backend.routes, port: parsePort(values.port) });
  // The one stable line tests parse; keep its wording.
  process.stdout.write(`Quorum browser mode: ${server.url}\n`);

  const stop = (): void => {
    backend.close();
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`Quorum browser mode failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
