/**
 * `npm run bench [-- name …]`: runs every bench/*.bench.ts module (or those whose file name contains
 * one of the given names), one after another in this process. Each module exports
 * `async function run(): Promise<void>` and prints its own table. See bench/README.md.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface BenchModule {
  run(): Promise<void>;
}

async function main(filters: readonly string[]): Promise<void> {
  const here = dirname(fileURLToPath(import.meta.url));
  const files = readdirSync(here)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
    .sort();
  if (files.length === 0) {
    process.stderr.write(`no bench modules match ${filters.join(', ') || '(all)'} in ${here}\n`);
    process.exitCode = 1;
    return;
  }
  for (const f of files) {
    const mod = (await import(pathToFileURL(join(here, f)).href)) as Partial<BenchModule>;
    if (typeof mod.run !== 'function') {
      process.stderr.write(`${f}: exports no run() — skipped\n`);
      continue;
    }
    process.stdout.write(`\n## ${f}\n`);
    const t0 = performance.now();
    await mod.run();
    process.stdout.write(`(${f} took ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
