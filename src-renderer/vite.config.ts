/**
 * The renderer's Vite configuration. Electron's build (electron.config.ts) and browser mode
 * (`npm run build:web`) both import it, so the two ship the same bundle.
 *
 * Why each setting:
 * - base './': the bundle is served from a custom protocol in Electron and from the server root in
 *   browser mode; relative asset URLs work in both.
 * - worker.format 'es': Cornerstone/vtk.js workers are ES modules (environment.md).
 * - optimizeDeps.exclude: the dev server must serve onnxruntime-web's own .mjs/.wasm files, not a
 *   pre-bundled copy (environment.md).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type UserConfig } from 'vite';
import react from '@vitejs/plugin-react';

const rendererRoot = fileURLToPath(new URL('.', import.meta.url));

export const rendererConfig: UserConfig = {
  root: rendererRoot,
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../out/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // Cornerstone + vtk.js is one large chunk by nature; the warning adds nothing.
    chunkSizeWarningLimit: 8000,
  },
  worker: { format: 'es' },
  optimizeDeps: {
    exclude: ['onnxruntime-web'],
  },
};

export default defineConfig(rendererConfig);
