/**
 * The 512×512×300 synthetic CT that only the benchmarks open, made on first use into data-cache/ct/
 * (scripts/make-synthetic-ct.ts, about 30 s) rather than at set-up: the app never shows it, and
 * making it for every fresh clone delayed the first start.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const SYNTHETIC_CT = join(root, 'data-cache/ct/synthetic-512x512x300-int16.nii.gz');

/** The synthetic CT's path, generating it first if it is missing (written aside, then renamed: never half a file). */
export function ensureSyntheticCt(): string {
  if (existsSync(SYNTHETIC_CT)) return SYNTHETIC_CT;
  process.stderr.write(`bench: generating ${SYNTHETIC_CT} (about 30 s, once)\n`);
  mkdirSync(dirname(SYNTHETIC_CT), { recursive: true });
  const partial = `${SYNTHETIC_CT}.partial-${process.pid}`;
  execFileSync('npx', ['tsx', 'scripts/make-synthetic-ct.ts', partial], { cwd: root, stdio: 'inherit' });
  renameSync(partial, SYNTHETIC_CT);
  return SYNTHETIC_CT;
}
