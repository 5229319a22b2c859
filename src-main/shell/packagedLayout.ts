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

/** Folder names under the resources root, as extraResources' `to` writes them. */
export const RESOURCE_DIRS = { demo: 'demo', models: 'models' } as const;

export function resourcePaths(resourcesRoot: string): { projectDir: string; bundledModelsDir: string } {
  return {
    projectDir: path.join(resourcesRoot, RESOURCE_DIRS.demo),
    bundledModelsDir: path.join(resourcesRoot, RESOURCE_DIRS.models),
  };
}

/** The renderer and preload bundles, from the folder of the main bundle (out/main). */
export function bundlePaths(mainDir: string): { rendererDir: string; preload: string } {
  return {
    rendererDir: path.join(mainDir, '..', 'renderer'),
    preload: path.join(mainDir, '..', 'preload', 'preload.cjs'),
  };
}
