/**
 * The counting pass (TP, |R|, |P| and the union box: confusionAndBox) against numpy's
 * `count_nonzero(ref) + count_nonzero(pred)` on the same arrays, the floor of issue 19 target 3.
 * "Before" is the voxel-at-a-time loop, which confusionAndBox still runs on unaligned views: the
 * same masks at byte offset 1 force it. numpy runs in a python3 process per repetition, on the
 * masks written raw to a temp folder, and times only the counting; repetitions are interleaved.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CaseInput } from '../src-shared/metrics/conventions/types';
import { confusionAndBox } from '../src-shared/metrics/overlap';
import { mulberry32 } from '../src-shared/random/mulberry32';
import { makeBig } from './lesionCases';

const REPS = 7;
const NUMPY = `
import sys, time, numpy as np
a = np.fromfile(sys.argv[1], dtype=np.uint8); b = np.fromfile(sys.argv[2], dtype=np.uint8)
t = time.perf_counter(); n = np.count_nonzero(a) + np.count_nonzero(b); t = time.perf_counter() - t
print(t * 1000, n)
`;

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

function timed(f: () => unknown): number {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
}

/** The same bytes at byte offset 1, so no 32-bit view is possible. */
function unaligned(m: Uint8Array): Uint8Array {
  const copy = new Uint8Array(m.length + 1).subarray(1);
  copy.set(m);
  return copy;
}

export async function run(): Promise<void> {
  const c: CaseInput = makeBig(mulberry32(2026));
  const dir = mkdtempSync(join(tmpdir(), 'quorum-count-bench-'));
  const lines = [
    `load average at start: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(', ')}; 512×512×300 masks (78.6 M voxels each), ${REPS} interleaved repetitions, medians`,
    '',
    '| numpy count_nonzero ×2 (ms) | before: voxel loop (ms) | after: confusionAndBox (ms) | before / numpy | after / numpy |',
    '|---|---|---|---|---|',
  ];
  try {
    const [refPath, predPath] = [join(dir, 'ref.u8'), join(dir, 'pred.u8')];
    writeFileSync(refPath, c.ref);
    writeFileSync(predPath, c.pred);
    const [uRef, uPred] = [unaligned(c.ref), unaligned(c.pred)];
    const expected = confusionAndBox(uRef, uPred, c.dims);
    const np: number[] = [],
      before: number[] = [],
      after: number[] = [],
      rb: number[] = [],
      ra: number[] = [];
    for (let i = 0; i < REPS; i++) {
      const py = spawnSync('python3', ['-c', NUMPY, refPath, predPath], { encoding: 'utf8' });
      if (py.status !== 0) {
        process.stdout.write(`numpy not available (python3: ${py.error?.message ?? py.stderr.trim()}); skipped\n`);
        return;
      }
      const [ms, total] = py.stdout.trim().split(' ').map(Number);
      if (total !== expected.confusion.nRef + expected.confusion.nPred) throw new Error('numpy counted different masks');
      let got = expected;
      const b = timed(() => confusionAndBox(uRef, uPred, c.dims));
      const a = timed(() => (got = confusionAndBox(c.ref, c.pred, c.dims)));
      if (JSON.stringify(got) !== JSON.stringify(expected)) throw new Error('word and voxel passes differ');
      np.push(ms);
      before.push(b);
      after.push(a);
      rb.push(b / ms);
      ra.push(a / ms);
    }
    const f = (x: number) => x.toFixed(1);
    lines.push(`| ${f(median(np))} | ${f(median(before))} | ${f(median(after))} | ${f(median(rb))}× | **${f(median(ra))}×** |`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(lines.join('\n') + '\n');
}
