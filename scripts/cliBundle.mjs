/**
 * The CLIs as compiled JavaScript: esbuild bundles src-main/cli/evaluate.ts, its worker and
 * src-main/cli/convert.ts into out/cli/{evaluate,worker,convert}.mjs, so a run starts plain Node on ready code instead of transpiling
 * TypeScript at every start (tsx: 0.7–0.9 s of a 1.6 s run on a small case).
 *
 * The bundle is rebuilt when it is missing or older than any file it was built from: esbuild's own
 * list of inputs (sources and the bundled dependencies) is kept beside it in inputs.json, written
 * last, so an interrupted build counts as stale. Files are built in a private folder and renamed
 * into place, so a run that starts during another run's rebuild imports whole files.
 *
 *   node scripts/cliBundle.mjs   builds if stale (npm run build:cli)
 */
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ENTRIES = { evaluate: 'src-main/cli/evaluate.ts', worker: 'src-main/cli/worker.ts', convert: 'src-main/cli/convert.ts' };
const OUTPUTS = Object.keys(ENTRIES).map((name) => `${name}.mjs`);

/** mtime in ms, or -1 when the file is missing. */
function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
}

/** True when a bundle file or the input list is missing, or any input is newer than the oldest bundle file (or gone). */
export function isStale(outDir) {
  let inputs;
  try {
    inputs = JSON.parse(readFileSync(join(outDir, 'inputs.json'), 'utf8'));
  } catch {
    return true;
  }
  const built = Math.min(...OUTPUTS.map((f) => mtime(join(outDir, f))));
  if (built < 0) return true;
  return inputs.some((f) => {
    const m = mtime(resolve(ROOT, f));
    return m < 0 || m > built;
  });
}

export async function build(outDir) {
  // esbuild (a devDependency) is imported only when a build is needed, so fresh runs do not load it.
  const esbuild = await import('esbuild');
  mkdirSync(outDir, { recursive: true });
  const tmp = mkdtempSync(join(outDir, '.build-'));
  try {
    const result = await esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: ENTRIES,
      outdir: tmp,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      metafile: true,
      logLevel: 'error',
      // dicom-parser's UMD bundle require()s Node built-ins (zlib), which an ES module has no
      // `require` for: give the bundle Node's own.
      banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    });
    for (const f of OUTPUTS) renameSync(join(tmp, f), join(outDir, f));
    writeFileSync(join(outDir, 'inputs.json'), JSON.stringify(Object.keys(result.metafile.inputs)) + '\n');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The entry file of the CLI `name` (evaluate or convert), the bundle built first when stale. */
export async function ensureBundle(outDir = join(ROOT, 'out', 'cli'), name = 'evaluate') {
  if (isStale(outDir)) await build(outDir);
  return join(outDir, `${name}.mjs`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await ensureBundle(process.argv[2] ? resolve(process.argv[2]) : undefined);
}
