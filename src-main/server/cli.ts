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
 *
 * The project server for a team (`npm run serve`, issue 13): --database postgres://… keeps the
 * project in PostgreSQL instead of the data folder; --listen <host:port> (instead of --port) with
 * --tls-cert/--tls-key (PEM) serves HTTPS. Any address but loopback needs TLS: without it the
 * server refuses to start and says why (listenAddress.ts). A team server (`--database`, or a network
 * address) has no per-launch token: accounts let people in, and every process on one database
 * knows every session (httpServer.ts's 'accounts' access). The line printed is then
 * `Quorum browser mode: https://<host>:<port>/`.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createBackend } from './backend';
import { isLoopback, ListenRefused, planListen, type ListenPlan } from './listenAddress';
import { startBrowserServer } from './httpServer';
import { runTransfer } from './transferCli';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const USAGE = `Usage: npm run start:web -- [--port <n>] [--project <folder>] [--renderer <dir>] [--data-dir <dir>] [--memory-budget-mb <n>] [--dicomweb <url>]
       npm run serve -- --listen <host:port> --database postgres://… [--tls-cert <pem> --tls-key <pem>] [--dicomweb <url>] [--project <folder>]`;

function appVersion(): string {
  return (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

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
        listen: { type: 'string' },
        database: { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
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
  let plan: ListenPlan;
  try {
    plan = planListen(values.listen ?? `127.0.0.1:${parsePort(values.port)}`, { certFile: values['tls-cert'], keyFile: values['tls-key'] });
  } catch (e) {
    if (e instanceof ListenRefused) fail(e.message);
    throw e;
  }
  if (values.database !== undefined && !/^postgres(ql)?:\/\//.test(values.database))
    fail(`--database must be a PostgreSQL URL (postgres://user@host:port/database), got "${values.database}".`);
  const backend = await createBackend({
    mode: 'browser',
    version: appVersion(),
    projectDir: path.resolve(values.project),
    rendererDir: path.resolve(values.renderer),
    dataDir: path.resolve(values['data-dir']),
    // The repository's models, wherever --project points (the default looks beside the project folder).
    bundledModelsDir: path.join(repoRoot, 'models'),
    memoryBudgetBytes: parseBudget(values['memory-budget-mb']),
    ...(values.dicomweb === undefined ? {} : { dicomwebUrl: values.dicomweb }),
    ...(values.database === undefined ? {} : { databaseUrl: values.database }),
  });
  // A team server with an unreachable database fails here, not at the first request.
  if (values.database !== undefined) await backend.projects.current();
  const server = await startBrowserServer({
    dispatch: backend.dispatch,
    binaryAdmission: backend.binaryAdmission,
    routes: backend.routes,
    port: plan.port,
    host: plan.host,
    // A team server: accounts let people in, not a per-launch token each of several processes would make up.
    access: values.database !== undefined || !isLoopback(plan.host) ? 'accounts' : 'launch-token',
    ...(plan.tls === null ? {} : { tls: { cert: readFileSync(plan.tls.certFile), key: readFileSync(plan.tls.keyFile) } }),
  });
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

// `serve -- push|pull …` moves a project between a folder and a team database (transferCli.ts).
const [command, ...rest] = process.argv.slice(2);
if (command === 'push' || command === 'pull') {
  runTransfer(command, rest, appVersion()).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`${command} failed: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
} else
  main().catch((e: unknown) => {
    process.stderr.write(`Quorum browser mode failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
