/**
 * Where the Electron app finds its parts, in one place for main.ts, the electron-builder
 * configuration (electron.config.ts) and the test that checks one against the other.
 *
 * - The bundles (out/main, out/preload, out/renderer) sit in the app root: app.asar when packaged
 *   (electron-builder `files`), found relative to out/main/main.js.
 * - The demo project and the bundled models sit side by side in the resources root:
 *   process.resourcesPath when packaged (electron-builder `extraResources`), the repository in
 *   development.
 */
import path from 'node:path';

/**
 * The main process's bundle entries (electron.config.ts builds each to out/main/<name>.js): the app,
 * and the native inference worker thread (src-main/services/nativeInference/), which Node starts
 * from its own file.
 */
export const MAIN_ENTRIES = {
  main: 'src-main/main.ts',
  nativeInferenceWorker: 'src-main/services/nativeInference/nativeInferenceWorker.ts',
} as const;

/**
 * Unpacked beside app.asar: onnxruntime-node's add-on and the onnxruntime library it loads are
 * opened by the operating system's loader, which cannot read inside an archive.
 */
export const ASAR_UNPACK = ['node_modules/onnxruntime-node/bin/**'] as const;

/** Folder names under the resources root, as extraResources' `to` writes them. */
export const RESOURCE_DIRS = { demo: 'demo', models: 'models' } as const;

export function resourcePaths(resourcesRoot: string): { projectDir: string; bundledModelsDir: string } {
  return {
    projectDir: path.join(resourcesRoot, RESOURCE_DIRS.demo),
    bundledModelsDir: path.join(resourcesRoot, RESOURCE_DIRS.models),
  };
}

/** The renderer and preload bundles and the worker entry, from the folder of the main bundle (out/main). */
export function bundlePaths(mainDir: string): { rendererDir: string; preload: string; nativeInferenceWorker: string } {
  return {
    rendererDir: path.join(mainDir, '..', 'renderer'),
    preload: path.join(mainDir, '..', 'preload', 'preload.cjs'),
    nativeInferenceWorker: path.join(mainDir, 'nativeInferenceWorker.js'),
  };
}
