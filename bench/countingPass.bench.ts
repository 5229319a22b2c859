/**
 * The counting pass (TP, |R|, |P|, the union box and the 0/1 check: confusionAndBox) against numpy's
 * `count_nonzero(ref) + count_nonzero(pred)` on the same arrays, the floor of issue 19 target 3.
 * "JavaScript" is the voxel-at-a-time loop (`kernel: 'javascript'`, what runs without WebAssembly
 * SIMD); "SIMD" is the default, the WebAssembly kernel. numpy runs in a python3 process per
 * repetition, on the masks written raw to a temp folder, and times only the counting; each repetition
 * runs numpy, then both passes, so the ratios are paired (the machine is shared).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CaseInput } from '../src-shared/metrics/conventions/types';
import { confusionAndBox } from '../src-shared/metrics/overlap';
import { mulberry32 } from '../src-shared/random/mulberry32';
import { makeBig } from './lesionCases';

const REPS = 9;
const NUMPY = `
import sys, time, numpy as np
a = np.fromfile(sys.argv[1], dtype=np.uint8); b = np.fromfile(sys.argv[2], dtype=np.uint8)
t = time.perf_counter(); n = np.count_nonzero(a) + np.count_nonzero(b); t = time.perf_counter() - t
print(t * 1000, n)
`;

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(', ');

function timed(f: () => unknown): number {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
}

/** numpy's count in a python3 process on the masks in these files: ms, or null without python3 + numpy. */
function numpyMs(refPath: string, predPath: string, expected: number): number | null {
  const py = spawnSync('python3', ['-c', NUMPY, refPath, predPath], { encoding: 'utf8' });
  if (py.status !== 0) return null;
  const [ms, total] = py.stdout.trim().split(' ').map(Number);
  if (total !== expected) throw new Error('numpy counted different masks');
  return ms;
}

interface Row {
  readonly name: string;
  readonly input: CaseInput;
}

export async function run(): Promise<void> {
  const lesions = makeBig(mulberry32(2026));
  const full = new Uint8Array(lesions.ref.length).fill(1);
  const rows: Row[] = [
    { name: 'lesions (~50 ml; 3.7% of rows hold a voxel)', input: lesions },
    { name: 'empty reference, lesion prediction', input: { ...lesions, ref: new Uint8Array(lesions.ref.length) } },
    { name: 'every voxel set in both (every row counted)', input: { ...lesions, ref: full, pred: full } },
  ];
  const lines = [
    `load average at start: ${load()}; 512×512×300 masks (78.6 M voxels each), ${REPS} paired repetitions, medians`,
    '',
    '| masks | numpy count_nonzero ×2 (ms) | JavaScript: voxel loop (ms) | SIMD: confusionAndBox (ms) | JavaScript / numpy | SIMD / numpy |',
    '|---|---|---|---|---|---|',
  ];
  const dir = mkdtempSync(join(tmpdir(), 'quorum-count-bench-'));
  try {
    for (const { name, input: c } of rows) {
      const [refPath, predPath] = [join(dir, 'ref.u8'), join(dir, 'pred.u8')];
      writeFileSync(refPath, c.ref);
      writeFileSync(predPath, c.pred);
      const expected = confusionAndBox(c.ref, c.pred, c.dims, 'javascript');
      const np: number[] = [],
        js: number[] = [],
        simd: number[] = [],
        rj: number[] = [],
        rs: number[] = [];
      for (let i = 0; i < REPS; i++) {
        const ms = numpyMs(refPath, predPath, expected.confusion.nRef + expected.confusion.nPred);
        if (ms === null) {
          process.stdout.write('numpy not available (python3 -c "import numpy" failed); skipped\n');
          return;
        }
        let got = expected;
        const j = timed(() => confusionAndBox(c.ref, c.pred, c.dims, 'javascript'));
        const s = timed(() => (got = confusionAndBox(c.ref, c.pred, c.dims)));
        if (JSON.stringify(got) !== JSON.stringify(expected)) throw new Error('SIMD and voxel passes differ');
        np.push(ms);
        js.push(j);
        simd.push(s);
        rj.push(j / ms);
        rs.push(s / ms);
      }
      const f = (x: number) => x.toFixed(1);
      const r = (x: number) => x.toFixed(2);
      lines.push(`| ${name} | ${f(median(np))} | ${f(median(js))} | ${f(median(simd))} | ${r(median(rj))}× | **${r(median(rs))}×** |`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  lines.push('', `load average at end: ${load()}`);
  process.stdout.write(lines.join('\n') + '\n');
}
