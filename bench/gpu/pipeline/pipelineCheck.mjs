// Shared by the e2e check (e2e/webgpuPipeline.spec.ts) and the GPU bench (bench.mjs): build the
// pipeline page (Quorum's worker, bundled as the app bundles it) and serve it with model folders.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { listening, serveRoots } from '../webgpu/server.mjs';

const repo = join(import.meta.dirname, '..', '..', '..');
export const PAGE_DIR = join(repo, 'out', 'bench-gpu');

/** Builds the page into out/bench-gpu with the repository's Vite (needs node_modules). */
export function buildPipelinePage() {
  execFileSync(
    join(repo, 'node_modules', '.bin', 'vite'),
    ['build', '--logLevel', 'warn', '--config', join(import.meta.dirname, 'vite.config.ts')],
    {
      cwd: repo,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
}

/**
 * Serves the built page at `/` and `modelRoot` (a folder of model folders) at `/model/`; POST
 * /result bodies go to `onResult`. Resolves to { url, close }.
 */
export async function startPipelineServer(modelRoot, { port = 0, onResult = undefined, pageDir = PAGE_DIR } = {}) {
  if (!existsSync(join(pageDir, 'index.html'))) throw new Error(`the pipeline page is not built in ${pageDir} (buildPipelinePage)`);
  return listening(serveRoots(port, { '/model/': modelRoot, '/': pageDir }, onResult));
}
