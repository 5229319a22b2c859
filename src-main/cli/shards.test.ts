/**
 * `--shard I/N` + `evaluate merge`, end to end through the CLI process: the merged output and
 * summary (bootstrap intervals included) must be byte-identical to one run over the whole folder.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNifti } from '../../src-shared/nifti/index';
import { emptyMask, fillBox } from '../../src-shared/metrics/shapes';
import type { Vec3 } from '../../src-shared/volume/types';

const ROOT = join(__dirname, '..', '..');
const dims: Vec3 = [10, 9, 8];
let dir = '';

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src-main/cli/evaluate.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
const at = (name: string) => join(dir, name);

function write(path: string, box?: [Vec3, Vec3]): void {
  const data = box ? fillBox(emptyMask(dims), dims, box[0], box[1]) : emptyMask(dims);
  const geometry = { dims, spacingMm: [1, 1, 2], originLps: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] } as const;
  writeFileSync(path, writeNifti({ geometry, data }, { gzip: true }));
}

// Five cases of different sizes and overlaps, one with an empty prediction (NaN under USE), so the
// summary's means, medians, bootstrap intervals, strata and image-level counts all depend on order.
const CASES: [string, [Vec3, Vec3], [Vec3, Vec3] | undefined][] = [
  [
    'a',
    [
      [1, 1, 1],
      [4, 4, 3],
    ],
    [
      [2, 1, 1],
      [5, 4, 3],
    ],
  ],
  [
    'b',
    [
      [0, 0, 0],
      [8, 7, 6],
    ],
    [
      [1, 1, 1],
      [8, 7, 7],
    ],
  ],
  [
    'c',
    [
      [3, 3, 2],
      [4, 4, 2],
    ],
    undefined,
  ],
  [
    'd',
    [
      [2, 2, 2],
      [6, 5, 5],
    ],
    [
      [2, 2, 2],
      [6, 5, 5],
    ],
  ],
  [
    'e',
    [
      [5, 5, 4],
      [8, 8, 7],
    ],
    [
      [4, 4, 4],
      [6, 6, 6],
    ],
  ],
];
const OPTIONS = ['--convention', 'all', '--threshold-ml', '0.01'];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'quorum-shards-'));
  mkdirSync(at('refs'));
  mkdirSync(at('preds'));
  for (const [name, ref, pred] of CASES) {
    write(at(`refs/${name}.nii.gz`), ref);
    write(at(`preds/${name}.nii.gz`), pred);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('evaluate --shard and merge', () => {
  it('merging three shards gives exactly the single run: stdout, per-case file and summary', () => {
    const folders = ['--ref-dir', at('refs'), '--pred-dir', at('preds'), ...OPTIONS];
    const single = run([...folders, '--summary', at('single-summary.json'), '--out', at('single.json')]);
    expect(single.status).toBe(0);
    for (let k = 0; k < 3; k++) {
      const r = run([...folders, '--shard', `${k}/3`, '--out', at(`shard-${k}.json`), '--workers', '1']);
      expect(r.stderr).toMatch(/ETA/);
      expect(r.status).toBe(0);
      // round robin: shard k holds cases k, k+3
      expect(JSON.parse(r.stdout).cases.map((c: { case: string }) => c.case)).toEqual(
        CASES.filter((_, i) => i % 3 === k).map(([n]) => `${n}.nii.gz`),
      );
    }
    // Given out of order: merge restores the single run's case order.
    const merged = run([
      'merge',
      at('shard-2.json'),
      at('shard-0.json'),
      at('shard-1.json'),
      '--summary',
      at('merged-summary.json'),
      '--out',
      at('merged.json'),
    ]);
    expect(merged.stderr).toBe('');
    expect(merged.status).toBe(0);
    expect(merged.stdout).toBe(single.stdout);
    expect(readFileSync(at('merged-summary.json'), 'utf8')).toBe(readFileSync(at('single-summary.json'), 'utf8'));
    expect(readFileSync(at('merged.json'), 'utf8')).toBe(readFileSync(at('single.json'), 'utf8'));
    const summary = JSON.parse(single.stdout).summary;
    expect(summary.use.metrics.dice.n_nan).toBe(1);
    expect(summary.use.metrics.dice.ci95_mean[0]).toBeLessThan(summary.use.metrics.dice.ci95_mean[1]);
  });

  it('refuses a missing, repeated or foreign shard with one line and exit 2', () => {
    const folders = ['--ref-dir', at('refs'), '--pred-dir', at('preds')];
    expect(run([...folders, ...OPTIONS, '--shard', '0/2', '--out', at('two-0.json')]).status).toBe(0);
    expect(run([...folders, '--convention', 'use', '--shard', '1/2', '--out', at('other-1.json')]).status).toBe(0);
    const cases: [string[], RegExp][] = [
      [[at('two-0.json')], /shard 1\/2 is missing/],
      [[at('two-0.json'), at('two-0.json')], /given twice/],
      [[at('two-0.json'), at('other-1.json')], /another run/],
      [[at('refs/a.nii.gz')], /cannot be read|not a shard file/],
    ];
    for (const [files, reason] of cases) {
      const r = run(['merge', ...files]);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(reason);
    }
    expect(run([...folders, '--shard', '2/2', '--out', at('x.json')]).stderr).toMatch(/0 ≤ I < N/);
    expect(run([...folders, '--shard', '0/2', '--out', at('x.csv')]).stderr).toMatch(/--out FILE\.json/);
  });
});
