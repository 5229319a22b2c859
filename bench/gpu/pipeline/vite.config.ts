/**
 * Builds the pipeline bench page (index.html + main.mjs, with Quorum's inference worker bundled
 * as the app bundles it) into out/bench-gpu: `npx vite build --config bench/gpu/pipeline/vite.config.ts`.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { rendererConfig } from '../../../src-renderer/vite.config.ts';

export default defineConfig({
  ...rendererConfig,
  root: fileURLToPath(new URL('.', import.meta.url)),
  build: { ...rendererConfig.build, outDir: fileURLToPath(new URL('../../../out/bench-gpu', import.meta.url)) },
});
