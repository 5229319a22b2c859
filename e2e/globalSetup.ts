/**
 * Starts one browser-mode server for the whole run (the renderer is already built by
 * `npm run test:e2e`) and hands its URL to the tests through QUORUM_E2E_URL; the returned function
 * stops it.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './helpers/startServer';

export default async function globalSetup(): Promise<() => Promise<void>> {
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  // QUORUM_E2E_PROJECT points the run at another project folder (default: the bundled demo).
  const server = await startServer(repoRoot, { project: process.env.QUORUM_E2E_PROJECT });
  process.env.QUORUM_E2E_URL = server.url;
  return () => server.stop();
}
