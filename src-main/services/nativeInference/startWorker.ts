/**
 * Starting the native inference worker thread from where its code is. Electron runs the bundled
 * entry electron-vite builds beside main.js (packagedLayout.ts names both). Browser mode (tsx) and
 * the tests (Vitest) run the TypeScript file: the worker registers tsx's loader itself before it
 * imports the entry, because Node 20 does not apply the parent's `--import` hooks to a worker's
 * entry module.
 *
 * Plain Node.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

export type NativeWorkerEntry =
  { readonly kind: 'bundled'; readonly path: string } | { readonly kind: 'typescript'; readonly path: string };

/** The TypeScript entry beside this file (development and tests). */
export function sourceWorkerEntry(): NativeWorkerEntry {
  return { kind: 'typescript', path: path.join(path.dirname(fileURLToPath(import.meta.url)), 'nativeInferenceWorker.ts') };
}

export function startWorker(entry: NativeWorkerEntry): Worker {
  if (entry.kind === 'bundled') return new Worker(entry.path);
  const tsx = JSON.stringify(pathToFileURL(tsxEsmApi()).href);
  const url = JSON.stringify(pathToFileURL(entry.path).href);
  return new Worker(`import(${tsx}).then((tsx) => { tsx.register(); return import(${url}); });`, { eval: true });
}

/**
 * tsx's ES-module API file, found here rather than in the worker (an eval'd worker resolves from
 * the process's cwd), through tsx's own `exports` map: its CommonJS twin cannot register the loader.
 */
function tsxEsmApi(): string {
  const packageJson = createRequire(import.meta.url).resolve('tsx/package.json');
  const { exports } = JSON.parse(readFileSync(packageJson, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  return path.join(path.dirname(packageJson), exports['./esm/api'].import.default);
}
