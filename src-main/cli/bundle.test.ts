/**
 * The compiled CLIs (scripts/cliBundle.mjs → out/cli/*.mjs): `evaluate` gives the same output as the
 * TypeScript sources in single-case and directory mode (the worker is a second bundle file), so does
 * `convert` (whose DICOM parser needs Node's require inside the ES module), and they are rebuilt when
 * older than their sources. Built into a temp folder, so the tests never race a developer's out/cli.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNifti } from '../../src-shared/nifti/index';
import { sliceFile } from '../../src-shared/testdata/makeDicom';
import { emptyMask, fillBox } from '../../src-shared/metrics/shapes';
import type { Vec3 } from '../../src-shared/volume/types';

const ROOT = join(__dirname, '..', '..');
const dims: Vec3 = [12, 10, 8];
let dir = '';
let outDir = '';

function node(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
const build = () => node([join(ROOT, 'scripts/cliBundle.mjs'), outDir]);
const compiled = (args: string[]) => node([join(outDir, 'evaluate.mjs'), ...args]);
const sources = (args: string[]) => node(['--import', 'tsx', join(ROOT, 'src-main/cli/evaluate.ts'), ...args]);

function write(path: string, lo: Vec3, hi: Vec3): void {
  const geometry = { dims, spacingMm: [1, 1, 2], originLps: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] } as const;
  writeFileSync(path, writeNifti({ geometry, data: fillBox(emptyMask(dims), dims, lo, hi) }, { gzip: true }));
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'quorum-bundle-'));
  outDir = join(dir, 'out');
  for (const d of ['refs', 'preds']) mkdirSync(join(dir, d));
  write(join(dir, 'refs', 'c1.nii.gz'), [2, 2, 2], [6, 5, 4]);
  write(join(dir, 'preds', 'c1.nii.gz'), [3, 2, 2], [7, 5, 5]);
  write(join(dir, 'refs', 'c2.nii.gz'), [1, 1, 1], [9, 8, 6]);
  write(join(dir, 'preds', 'c2.nii.gz'), [2, 1, 1], [9, 8, 7]);
  expect(build().status).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('evaluate, compiled', () => {
  it('prints what the TypeScript sources print for one case', () => {
    const args = ['--ref', join(dir, 'refs', 'c1.nii.gz'), '--pred', join(dir, 'preds', 'c1.nii.gz'), '--convention', 'all'];
    const a = compiled(args);
    expect(a.stderr).toBe('');
    expect(a.status).toBe(0);
    expect(a.stdout).toBe(sources(args).stdout);
  });

  it('runs directory mode on its worker bundle, with the same output', () => {
    const args = ['--ref-dir', join(dir, 'refs'), '--pred-dir', join(dir, 'preds'), '--convention', 'use', '--workers', '2'];
    const a = compiled(args);
    expect(a.status).toBe(0);
    expect(JSON.parse(a.stdout).n_cases).toBe(2);
    expect(a.stdout).toBe(sources(args).stdout);
  });

  it('names the first bad file in argument order, though the files load concurrently', () => {
    // The reference fails late (its header reads, its gzip body is cut short), the prediction at once
    // (missing): a sequential read reports the reference, and so must the concurrent one.
    const whole = readFileSync(join(dir, 'refs', 'c2.nii.gz'));
    writeFileSync(join(dir, 'cut.nii.gz'), whole.subarray(0, whole.length >> 1));
    const r = compiled(['--ref', join(dir, 'cut.nii.gz'), '--pred', join(dir, 'missing.nii.gz')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^reference .*cut\.nii\.gz is not a readable NIfTI/);
  });

  it('is rebuilt when older than its sources, and left alone when not', () => {
    const bundle = join(outDir, 'evaluate.mjs');
    const fresh = statSync(bundle).mtimeMs;
    expect(build().status).toBe(0);
    expect(statSync(bundle).mtimeMs).toBe(fresh);
    utimesSync(bundle, new Date(0), new Date(0));
    expect(build().status).toBe(0);
    expect(statSync(bundle).mtimeMs).toBeGreaterThan(1000);
    expect(compiled(['--ref', join(dir, 'refs', 'c2.nii.gz'), '--pred', join(dir, 'preds', 'c2.nii.gz')]).status).toBe(0);
  });
});

describe('convert, compiled', () => {
  it('prints what the TypeScript sources print, and writes the same file', () => {
    const series = join(dir, 'series');
    mkdirSync(series);
    for (let k = 0; k < 3; k++) {
      const pixels = Int16Array.from({ length: 6 * 5 }, (_, p) => p * (k + 1) - 20);
      const file = sliceFile({
        seriesUid: '1.2.3.4',
        instance: k + 1,
        rows: 6,
        columns: 5,
        pixels,
        position: [0, 0, 2 * k],
        orientation: [1, 0, 0, 0, 1, 0],
        pixelSpacing: [0.5, 0.7],
        modality: 'CT',
        rescale: [1, -1024],
      });
      writeFileSync(join(series, `s${k}.dcm`), file);
    }
    const a = node([join(outDir, 'convert.mjs'), '--in', series, '--out', join(dir, 'compiled.nii.gz')]);
    expect(a.stderr).toBe('');
    expect(a.status).toBe(0);
    const b = node(['--import', 'tsx', join(ROOT, 'src-main/cli/convert.ts'), '--in', series, '--out', join(dir, 'sources.nii.gz')]);
    expect(a.stdout).toBe(b.stdout);
    expect(readFileSync(join(dir, 'compiled.nii.gz')).equals(readFileSync(join(dir, 'sources.nii.gz')))).toBe(true);
  });
});
