/**
 * The `evaluate` CLI contract, end to end: NIfTI files written here, the CLI spawned as a process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNifti } from '../../src-shared/nifti/index';
import { handmadeFile, int16Bytes } from '../../src-shared/testdata/handmadeNifti';
import { emptyMask, fillBox } from '../../src-shared/metrics/shapes';
import type { Direction, Vec3 } from '../../src-shared/volume/types';

const ROOT = join(__dirname, '..', '..');
const dims: Vec3 = [10, 10, 8];
const I: Direction = [1, 0, 0, 0, 1, 0, 0, 0, 1];
let dir = '';

function write(name: string, data: Uint8Array | Float32Array, opts: { dims?: Vec3; origin?: Vec3 } = {}): string {
  const p = join(dir, name);
  const d = opts.dims ?? dims;
  writeFileSync(
    p,
    writeNifti({ geometry: { dims: d, spacingMm: [1, 1, 2], originLps: opts.origin ?? [0, 0, 0], direction: I }, data }, { gzip: true }),
  );
  return p;
}

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src-main/cli/evaluate.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// A: 4×4×3 = 48 voxels of 2 mm³; B: A shifted one voxel along i → TP 36, Dice 72/96
const A = () => fillBox(emptyMask(dims), dims, [2, 2, 2], [5, 5, 4]);
const B = () => fillBox(emptyMask(dims), dims, [3, 2, 2], [6, 5, 4]);

/**
 * Multi-label masks: label 1 is A in the reference and B in the prediction, label 2 a slab the
 * prediction covers in part, and a value 7 in the prediction that no test asks for.
 */
function labelMaps(): { ref: Uint8Array; pred: Uint8Array } {
  const ref = A(),
    pred = B();
  const slab = fillBox(emptyMask(dims), dims, [0, 7, 0], [9, 8, 7]);
  const part = fillBox(emptyMask(dims), dims, [0, 8, 0], [9, 9, 7]);
  for (let v = 0; v < ref.length; v++) {
    if (slab[v]) ref[v] = 2;
    if (part[v]) pred[v] = 2;
  }
  pred[0] = 7;
  return { ref, pred };
}

/** An uncompressed int16 .nii built field by field (src-shared/testdata), independent of writeNifti. */
function writeHandmade(name: string, mask: Uint8Array, bigEndian: boolean): string {
  const p = join(dir, name);
  const fields = {
    dim: [3, ...dims],
    datatype: 4,
    bitpix: 16,
    pixdim: [1, 1, 1, 2],
    sformCode: 1,
    srow: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 2, 0],
    bigEndian,
  };
  writeFileSync(p, handmadeFile(fields, int16Bytes(Array.from(mask), bigEndian)));
  return p;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'quorum-evaluate-'));
  write('a.nii.gz', A());
  write('b.nii.gz', B());
  write('empty.nii.gz', emptyMask(dims));
  const prob = Float32Array.from(A(), (v) => (v ? 0.75 : 0.25));
  write('prob.nii.gz', prob);
  const bad = prob.slice();
  bad[3] = 1.5;
  write('prob-bad.nii.gz', bad);
  const two = A();
  two[0] = 2;
  write('nonbinary.nii.gz', two);
  write('small.nii.gz', emptyMask([5, 5, 5]), { dims: [5, 5, 5] });
  write('moved.nii.gz', B(), { origin: [5, 0, 0] });
  writeFileSync(join(dir, 'corrupt.nii.gz'), Buffer.from([0x1f, 0x8b, 1, 2, 3]));
  writeFileSync(join(dir, 'notes.nii'), 'Patient notes, not an image.\n'.repeat(20));
  mkdirSync(join(dir, 'refs'));
  mkdirSync(join(dir, 'preds'));
  writeFileSync(join(dir, 'refs', 'case1.nii.gz'), readFileSync(join(dir, 'a.nii.gz')));
  writeFileSync(join(dir, 'preds', 'case1.nii.gz'), readFileSync(join(dir, 'b.nii.gz')));
  writeFileSync(join(dir, 'refs', 'case2.nii.gz'), readFileSync(join(dir, 'a.nii.gz')));
  writeFileSync(join(dir, 'preds', 'case2.nii.gz'), readFileSync(join(dir, 'empty.nii.gz')));
  const { ref, pred } = labelMaps();
  write('labels-ref.nii.gz', ref);
  write('labels-pred.nii.gz', pred);
  write('labels-ref-f32.nii.gz', Float32Array.from(ref));
  const half = Float32Array.from(ref);
  half[7] = 1.5;
  write('labels-half.nii.gz', half);
  for (const L of [1, 2, 3]) {
    write(
      `ref-is-${L}.nii.gz`,
      Uint8Array.from(ref, (v) => (v === L ? 1 : 0)),
    );
    write(
      `pred-is-${L}.nii.gz`,
      Uint8Array.from(pred, (v) => (v === L ? 1 : 0)),
    );
  }
  mkdirSync(join(dir, 'label-refs'));
  mkdirSync(join(dir, 'label-preds'));
  for (const c of ['case1.nii.gz', 'case2.nii.gz']) {
    writeFileSync(join(dir, 'label-refs', c), readFileSync(join(dir, 'labels-ref.nii.gz')));
  }
  writeFileSync(join(dir, 'label-preds', 'case1.nii.gz'), readFileSync(join(dir, 'labels-pred.nii.gz')));
  writeFileSync(join(dir, 'label-preds', 'case2.nii.gz'), readFileSync(join(dir, 'labels-ref.nii.gz')));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('evaluate CLI: single case', () => {
  it('prints exactly one JSON object with the three conventions', () => {
    const r = run(['--ref', join(dir, 'a.nii.gz'), '--pred', join(dir, 'b.nii.gz'), '--convention', 'all']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const o = JSON.parse(r.stdout);
    expect(Object.keys(o)).toEqual(['use', 'isles22', 'metricsreloaded']);
    expect(o.isles22.dice).toBe(0.75);
    expect(o.metricsreloaded.jaccard).toBeCloseTo(36 / 60, 15);
    expect(o.use.volume_ref_ml).toBeCloseTo(48 * 2 * 0.001, 15);
    expect(o.use.shape).toEqual([10, 10, 8]);
    expect(o.use.spacing_mm).toEqual([1, 1, 2]);
    expect(o.isles22.hd95_mm).toBeNull();
    expect(o.use.lesions).toBeNull();
    expect(o.metricsreloaded.lesions).toMatchObject({ connectivity: 26, matching: 'greedy-iou>0.5', tp: 1 });
    expect(o.use.soft).toBeUndefined();
  });

  it('writes NaN as a string, undefined metrics as null, tolerance keys as plain numbers', () => {
    const r = run([
      '--ref',
      join(dir, 'a.nii.gz'),
      '--pred',
      join(dir, 'empty.nii.gz'),
      '--convention',
      'use',
      '--tolerance-mm',
      '0.5,1,2',
    ]);
    expect(r.status).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o.convention).toBe('use');
    expect(o.dice).toBe('NaN');
    expect(o.masd_mm).toBeNull();
    expect(Object.keys(o.surface_dice).sort()).toEqual(['0.5', '1', '2']);
    expect(o.image_class).toBeNull();
  });

  it('adds the soft and raters blocks with --prob and --rater', () => {
    const r = run([
      '--ref',
      join(dir, 'a.nii.gz'),
      '--pred',
      join(dir, 'a.nii.gz'),
      '--convention',
      'isles22',
      '--prob',
      join(dir, 'prob.nii.gz'),
      '--rater',
      join(dir, 'a.nii.gz'),
      '--rater',
      join(dir, 'b.nii.gz'),
    ]);
    expect(r.status).toBe(0);
    const o = JSON.parse(r.stdout);
    // 2 raters: majority needs both = A∩B (36 voxels); soft volume = (48+48)/2 · 2 mm³
    expect(o.soft.volume_soft_ref_ml).toBeCloseTo(0.096, 12);
    expect(o.soft.volume_thresholded_ml).toBeCloseTo(0.096, 12);
    expect(Object.keys(o.soft.ece_vs_majority)).toEqual(['positive-class', 'top-label', 'metricsreloaded']);
    expect(o.raters.n).toBe(2);
    expect(o.raters.pairwise_dice[0][1]).toBe(0.75);
  });

  it('reads uncompressed .nii files in either byte order', () => {
    const a = A(),
      b = B();
    let tp = 0,
      na = 0,
      nb = 0;
    for (let i = 0; i < a.length; i++) {
      tp += a[i] & b[i];
      na += a[i];
      nb += b[i];
    }
    const pairs = [
      [writeHandmade('a-le.nii', a, false), writeHandmade('b-be.nii', b, true)],
      [writeHandmade('a-be.nii', a, true), writeHandmade('b-le.nii', b, false)],
    ];
    for (const [ref, pred] of pairs) {
      const r = run(['--ref', ref, '--pred', pred, '--convention', 'isles22']);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const o = JSON.parse(r.stdout);
      expect(o.dice).toBe((2 * tp) / (na + nb));
      expect(o.volume_ref_ml).toBeCloseTo(na * 2 * 0.001, 15);
      expect(o.volume_pred_ml).toBeCloseTo(nb * 2 * 0.001, 15);
    }
  });

  it('gives Dice exactly 1 for a mask against itself where the convention has no smoothing term', () => {
    const a = join(dir, 'a.nii.gz');
    const r = run(['--ref', a, '--pred', a, '--rater', a, '--rater', a, '--convention', 'all']);
    expect(r.status).toBe(0);
    const o = JSON.parse(r.stdout);
    for (const c of ['isles22', 'metricsreloaded']) {
      expect(o[c].dice).toBe(1);
      expect(o[c].raters.pairwise_dice).toEqual([
        [1, 1],
        [1, 1],
      ]);
      expect(o[c].raters.loo_dice).toEqual([1, 1]);
    }
    expect(o.metricsreloaded.jaccard).toBe(1);
    // USE adds 1e-8 to the denominator on purpose: 2·48 voxels against 2·48 + 1e-8.
    const n = A().reduce((s, v) => s + v, 0);
    expect(o.use.dice).toBe((2 * n) / (2 * n + 1e-8));
    expect(o.use.dice).toBeLessThan(1);
  });

  it('prints a readable table with --format text: a row per metric, a column per convention', () => {
    const r = run(['--ref', join(dir, 'a.nii.gz'), '--pred', join(dir, 'b.nii.gz'), '--convention', 'all', '--format', 'text']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n');
    expect(lines[0].split(/\s+/)).toEqual(['metric', 'use', 'isles22', 'metricsreloaded']);
    const row = (metric: string) => lines.find((l) => l.startsWith(metric + ' '))?.split(/\s+/);
    // TP 36 of 48 + 48 voxels: Dice 0.75 in every convention (USE's 1e-8 vanishes at 6 digits)
    expect(row('dice')).toEqual(['dice', '0.75', '0.75', '0.75']);
    // ISLES'22 defines no HD95: "-"
    expect(row('hd95_mm')?.[2]).toBe('-');
    expect(row('lesions.matching')).toEqual(['lesions.matching', '-', 'any-overlap', 'greedy-iou>0.5']);
    expect(r.stdout).toMatch(/not defined by the convention/);
  });

  it('prints the per-convention summary as text in directory mode', () => {
    const r = run(['--ref-dir', join(dir, 'refs'), '--pred-dir', join(dir, 'preds'), '--convention', 'isles22', '--format', 'text']);
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^isles22: 2 cases/);
    expect(lines[1].split(/\s+/)).toEqual(['metric', 'n', 'NaN', 'mean', 'median', 'CI95', 'low', 'CI95', 'high']);
    // Dice 0.75 (case1) and 0 (case2, prediction empty): mean 0.375
    expect(
      lines
        .find((l) => l.startsWith('dice '))
        ?.split(/\s+/)
        .slice(0, 5),
    ).toEqual(['dice', '2', '0', '0.375', '0.375']);
  });

  it('emits CSV with dotted columns on --format csv', () => {
    const r = run(['--ref', join(dir, 'a.nii.gz'), '--pred', join(dir, 'b.nii.gz'), '--convention', 'metricsreloaded', '--format', 'csv']);
    expect(r.status).toBe(0);
    const [head, row] = r.stdout.trim().split('\n');
    const cols = head.split(',');
    expect(cols).toContain('surface_dice.1');
    expect(cols).toContain('lesions.f1');
    expect(row.split(',')[cols.indexOf('convention')]).toBe('metricsreloaded');
  });
});

describe('evaluate CLI: bad input exits 2 with one line on stderr', () => {
  const cases: [string, string[], RegExp][] = [
    ['missing file', ['--ref', '/nonexistent/ref.nii.gz', '--pred', 'b.nii.gz'], /cannot be read/],
    ['corrupt NIfTI', ['--ref', 'corrupt.nii.gz', '--pred', 'b.nii.gz'], /not a readable NIfTI/],
    ['shape mismatch', ['--ref', 'a.nii.gz', '--pred', 'small.nii.gz'], /shape mismatch/],
    ['affine mismatch', ['--ref', 'a.nii.gz', '--pred', 'moved.nii.gz'], /affine mismatch/],
    ['non-binary mask', ['--ref', 'nonbinary.nii.gz', '--pred', 'b.nii.gz'], /not binary/],
    ['probabilities outside [0,1]', ['--ref', 'a.nii.gz', '--pred', 'b.nii.gz', '--prob', 'prob-bad.nii.gz'], /\[0,1\]/],
    ['unknown convention', ['--ref', 'a.nii.gz', '--pred', 'b.nii.gz', '--convention', 'nnunet'], /--convention/],
    ['unknown format', ['--ref', 'a.nii.gz', '--pred', 'b.nii.gz', '--format', 'xml'], /--format must be json, csv or text/],
    ['labels that are not numbers', ['--ref', 'labels-ref.nii.gz', '--pred', 'labels-pred.nii.gz', '--labels', 'a,b'], /--labels needs/],
    ['label 0 (background)', ['--ref', 'labels-ref.nii.gz', '--pred', 'labels-pred.nii.gz', '--labels', '0,1'], /--labels needs/],
    ['label above 65535', ['--ref', 'labels-ref.nii.gz', '--pred', 'labels-pred.nii.gz', '--labels', '65536'], /--labels needs/],
    ['a label given twice', ['--ref', 'labels-ref.nii.gz', '--pred', 'labels-pred.nii.gz', '--labels', '1,2,1'], /lists 1 twice/],
    [
      'a float label map with a non-integer',
      ['--ref', 'labels-half.nii.gz', '--pred', 'labels-pred.nii.gz', '--labels', '1'],
      /not a label map: value 1\.5/,
    ],
    [
      '--labels with --prob',
      ['--ref', 'labels-ref.nii.gz', '--pred', 'labels-pred.nii.gz', '--labels', '1', '--prob', 'prob.nii.gz'],
      /--prob, --rater and --region are for binary masks/,
    ],
  ];
  it('a file that is not NIfTI: says what evaluate reads, not what the app opens', () => {
    const r = run(['--ref', join(dir, 'notes.nii'), '--pred', join(dir, 'b.nii.gz')]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      /notes\.nii is not a readable NIfTI: This is not a NIfTI image .*; evaluate reads NIfTI-1\/2 images \(\.nii, \.nii\.gz\)$/m,
    );
    expect(r.stderr).not.toMatch(/DICOM|Quorum opens/);
  });
  for (const [what, args, reason] of cases) {
    it(what, () => {
      const r = run(args.map((a) => (a.endsWith('.nii.gz') && !a.startsWith('/') ? join(dir, a) : a)));
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(reason);
    });
  }
});

describe('evaluate CLI: directory mode', () => {
  it('pairs files by name, reports rows and a summary, shows progress on stderr', () => {
    const out = join(dir, 'rows.csv');
    const summary = join(dir, 'summary.json');
    const r = run([
      '--ref-dir',
      join(dir, 'refs'),
      '--pred-dir',
      join(dir, 'preds'),
      '--convention',
      'use',
      '--threshold-ml',
      '0',
      '--out',
      out,
      '--summary',
      summary,
      '--workers',
      '2',
    ]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/\[2\/2\]/);
    const o = JSON.parse(r.stdout);
    expect(o.n_cases).toBe(2);
    expect(o.cases.map((c: { case: string }) => c.case)).toEqual(['case1.nii.gz', 'case2.nii.gz']);
    const rows = readFileSync(out, 'utf8').trim().split('\n');
    expect(rows).toHaveLength(3);
    const s = JSON.parse(readFileSync(summary, 'utf8'));
    // case1 TP, case2 FN (prediction empty)
    expect(s.image_level).toMatchObject({ tp: 1, fn: 1, fp: 0, tn: 0, sensitivity: 0.5 });
    // Dice is NaN for case2 under USE: mean over the one defined value
    expect(s.metrics.dice).toMatchObject({ n: 1, n_nan: 1 });
    expect(s.metrics.dice.mean).toBeCloseTo(72 / (96 + 1e-8), 12);
  });
});

describe('evaluate CLI: --labels on multi-label masks', () => {
  const json = (args: string[]) => {
    const r = run(args);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    return JSON.parse(r.stdout);
  };
  const labelled = (...more: string[]) => ['--ref', join(dir, 'labels-ref.nii.gz'), '--pred', join(dir, 'labels-pred.nii.gz'), ...more];

  it('gives each label the result of a binary run on that label, and their mean as MetricsReloaded averages', () => {
    const o = json(labelled('--labels', '1,2,3', '--convention', 'all', '--threshold-ml', '0'));
    expect(Object.keys(o)).toEqual(['labels', 'label_mean']);
    expect(Object.keys(o.labels)).toEqual(['1', '2', '3']);
    for (const L of [1, 2, 3]) {
      // The same files binarised by the test and evaluated without --labels.
      const binary = json([
        '--ref',
        join(dir, `ref-is-${L}.nii.gz`),
        '--pred',
        join(dir, `pred-is-${L}.nii.gz`),
        '--convention',
        'all',
        '--threshold-ml',
        '0',
      ]);
      expect(o.labels[String(L)]).toEqual(binary);
    }
    // Label 3 is in neither mask: USE's Dice is NaN (never hidden), MetricsReloaded's is 1.
    expect(o.labels['3'].use.dice).toBe('NaN');
    expect(o.labels['3'].metricsreloaded.dice).toBe(1);
    // The mean: over the labels whose value is not NaN.
    const dice = (c: string) => [1, 2, 3].map((L) => o.labels[String(L)][c].dice).filter((d) => d !== 'NaN');
    expect(o.label_mean.use.dice).toBeCloseTo(dice('use').reduce((a, b) => a + b) / 2, 15);
    expect(o.label_mean.metricsreloaded.dice).toBeCloseTo(dice('metricsreloaded').reduce((a, b) => a + b) / 3, 15);
    expect(o.label_mean.metricsreloaded.jaccard).toBeCloseTo(
      (o.labels['1'].metricsreloaded.jaccard + o.labels['2'].metricsreloaded.jaccard) / 2,
      15,
    );
  });

  it('reads float label maps holding integers as their integer twins', () => {
    const asBytes = json(labelled('--labels', '2,1', '--convention', 'metricsreloaded'));
    const asFloats = json([
      '--ref',
      join(dir, 'labels-ref-f32.nii.gz'),
      '--pred',
      join(dir, 'labels-pred.nii.gz'),
      '--labels',
      '1,2',
      '--convention',
      'metricsreloaded',
    ]);
    expect(asFloats).toEqual(asBytes);
    expect(asBytes.labels['1'].convention).toBe('metricsreloaded');
  });

  it('prints a table per convention with a column per label and the mean with --format text', () => {
    const r = run(labelled('--labels', '1,2', '--convention', 'all', '--format', 'text'));
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    const at = lines.indexOf('isles22:');
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1].split(/\s+/)).toEqual(['metric', 'label', '1', 'label', '2', 'mean']);
    const o = json(labelled('--labels', '1,2', '--convention', 'isles22'));
    const dice = lines
      .slice(at)
      .find((l) => l.startsWith('dice '))
      ?.split(/\s+/);
    expect(dice?.slice(1).map(Number)).toEqual(
      [o.labels['1'].dice, o.labels['2'].dice, o.label_mean.dice].map((v: number) => Number(v.toPrecision(6))),
    );
  });

  it('evaluates each label of every case in directory mode, summarised per label and for the label mean', () => {
    const out = join(dir, 'label-rows.csv');
    const summary = join(dir, 'label-summary.json');
    const r = run([
      '--ref-dir',
      join(dir, 'label-refs'),
      '--pred-dir',
      join(dir, 'label-preds'),
      '--labels',
      '1,2',
      '--convention',
      'isles22',
      '--workers',
      '2',
      '--out',
      out,
      '--summary',
      summary,
    ]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/\[2\/2\]/);
    const o = JSON.parse(r.stdout);
    expect(o.n_cases).toBe(2);
    const s = JSON.parse(readFileSync(summary, 'utf8'));
    expect(o.summary).toEqual(s);
    // case1 as in the single-case run; case2 is the reference against itself (Dice 1 per label).
    const single = json(labelled('--labels', '1,2', '--convention', 'isles22'));
    expect(s.labels['1'].metrics.dice.mean).toBeCloseTo((single.labels['1'].dice + 1) / 2, 15);
    expect(s.labels['2'].metrics.dice.mean).toBeCloseTo((single.labels['2'].dice + 1) / 2, 15);
    expect(s.label_mean.n_cases).toBe(2);
    expect(s.label_mean.metrics.dice.mean).toBeCloseTo((single.label_mean.dice + 1) / 2, 15);
    const head = readFileSync(out, 'utf8').split('\n')[0].split(',');
    expect(head).toContain('labels.2.dice');
    expect(head).toContain('label_mean.dice');
    const text = run(['--ref-dir', join(dir, 'label-refs'), '--pred-dir', join(dir, 'label-preds'), '--labels', '1,2', '--format', 'text']);
    expect(text.status).toBe(0);
    expect(text.stdout.split('\n').filter((l) => l.startsWith('== '))).toEqual([
      '== label 1 ==',
      '== label 2 ==',
      '== mean over labels (per case, MetricsReloaded: NaN-ignoring) ==',
    ]);
  });
});
