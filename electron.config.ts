/**
 * Build and packaging configuration for the Electron app, in one typed file.
 *
 * - `default`: electron-vite's three builds (`electron-vite build --config electron.config.ts`):
 *   main → out/main/main.js and the native inference worker out/main/nativeInferenceWorker.js (ES
 *   modules, dependencies left to node_modules), preload →
 *   out/preload/preload.cjs (CommonJS and fully bundled: a sandboxed preload can only `require`
 *   electron), renderer → out/renderer with the same Vite settings browser mode uses
 *   (src-renderer/vite.config.ts).
 * - `builderConfig`: electron-builder's packaging (Linux AppImage + deb, Windows NSIS, macOS dmg),
 *   read through electron-builder.config.ts. Packaging needs the Electron binaries from the
 *   internet, so it cannot run on the offline CI machines; the types keep it honest.
 */
import { fileURLToPath } from 'node:url';
import type { Configuration } from 'electron-builder';
import { defineConfig } from 'electron-vite';
import { ASAR_UNPACK, MAIN_ENTRIES, RESOURCE_DIRS } from './src-main/shell/packagedLayout';
import { rendererConfig } from './src-renderer/vite.config';

const fromRoot = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  main: {
    build: {
      outDir: fromRoot('out/main'),
      rolldownOptions: {
        input: Object.fromEntries(Object.entries(MAIN_ENTRIES).map(([name, file]) => [name, fromRoot(file)])),
        output: { format: 'es', entryFileNames: '[name].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: fromRoot('out/preload'),
      // Sandboxed preloads cannot load node_modules: bundle zod and the contract into the file.
      externalizeDeps: false,
      rolldownOptions: {
        input: { preload: fromRoot('src-main/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    ...rendererConfig,
    build: {
      ...rendererConfig.build,
      rolldownOptions: { input: fromRoot('src-renderer/index.html') },
    },
  },
});

/** Patterns leaving out onnxruntime-node's add-ons for the other operating systems. */
function otherPlatformsOrt(keep: 'linux' | 'win32' | 'darwin'): string[] {
  return (['linux', 'win32', 'darwin'] as const)
    .filter((os) => os !== keep)
    .map((os) => `!node_modules/onnxruntime-node/bin/napi-v6/${os}/**`);
}

/** electron-builder: see https://www.electron.build/configuration */
export const builderConfig: Configuration = {
  appId: 'org.quorum.review',
  productName: 'Quorum',
  copyright: 'Copyright © Quorum contributors',
  directories: { output: 'release/${version}', buildResources: 'build' },
  // The built bundles plus the manifest. electron-builder adds package.json `dependencies` from
  // node_modules: only what the main bundle loads at run time (checked by packagedLayout.test.ts);
  // the renderer's packages are bundled into out/renderer by Vite and are devDependencies.
  files: ['out/main/**', 'out/preload/**', 'out/renderer/**', 'package.json', '!**/*.map'],
  // Beside each other under process.resourcesPath (src-main/shell/packagedLayout.ts): the demo project
  // opened on first start and the bundled models (the demo model), without models/train, the recipe
  // that made them. packagedLayout.test.ts checks every path the app reads against these.
  extraResources: [
    { from: 'demo', to: RESOURCE_DIRS.demo, filter: ['**/*'] },
    { from: 'models', to: RESOURCE_DIRS.models, filter: ['**/*', '!train/**'] },
  ],
  asar: true,
  asarUnpack: [...ASAR_UNPACK],
  // SQLite runs as WASM; onnxruntime-node's add-on is Node-API with prebuilt binaries for each
  // platform, which does not depend on Electron's ABI: nothing to rebuild.
  npmRebuild: false,
  electronFuses: {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    grantFileProtocolExtraPrivileges: false,
  },
  // onnxruntime-node ships every platform's add-on (290 MB); each installer keeps its own OS's.
  linux: {
    files: otherPlatformsOrt('linux'),
    target: ['AppImage', 'deb'],
    category: 'Science',
    synopsis: 'Review segmentations of CT and diffusion MRI',
    description: 'Quorum: multi-rater segmentation review for CT and diffusion MRI.',
    maintainer: 'Quorum contributors <quorum@example.org>',
    artifactName: '${productName}-${version}-${arch}.${ext}',
  },
  deb: {
    // Electron's own runtime libraries on Debian/Ubuntu.
    depends: ['libgtk-3-0', 'libnotify4', 'libnss3', 'libxss1', 'libxtst6', 'xdg-utils', 'libatspi2.0-0', 'libuuid1', 'libsecret-1-0'],
  },
  win: {
    files: otherPlatformsOrt('win32'),
    target: [{ target: 'nsis', arch: ['x64', 'arm64'] }],
    artifactName: '${productName}-Setup-${version}-${arch}.${ext}',
  },
  nsis: {
    oneClick: false,
    perMachine: false,
    allowToChangeInstallationDirectory: true,
    createDesktopShortcut: true,
    createStartMenuShortcut: true,
  },
  mac: {
    files: otherPlatformsOrt('darwin'),
    target: [{ target: 'dmg', arch: ['x64', 'arm64'] }],
    category: 'public.app-category.medical',
    hardenedRuntime: true,
    artifactName: '${productName}-${version}-${arch}.${ext}',
  },
  dmg: {
    contents: [
      { x: 130, y: 220 },
      { x: 410, y: 220, type: 'link', path: '/Applications' },
    ],
  },
};
