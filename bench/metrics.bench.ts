/**
 * Metrics engine benchmark. Cases:
 *  - 512×512×300 at 0.5×0.5×1.5 mm with irregular overlapping lesions of about 50 ml;
 *  - 128³ at 1 mm with a few lesions;
 *  - a mostly empty 512×512×300 case (a one-voxel-scale lesion in each mask).
 * For each: a counting pass over the same arrays (the memory-bound floor), each convention on a
 * fresh case context, and `all` on a fresh context. The machine is shared, so every measurement is
 * paired with a counting pass run just before it and the ratio is the median of the per-pair ratios.
 * Peak memory growth: process RSS sampled every 2 ms by a worker thread during one `all`, minus the
 * RSS just before it (after a GC), with both masks already allocated.
 *
 * A second table times the surface distances (border voxels and DeepMind surface corners, both
 * directions) on lesions spread over the 512×512×300 grid: the box EDT they used before issue 19
 * (boxReference.testSupport.ts, the tests' reference) against the nearest-surface search, paired
 * in the same run, with their peak memory, the largest difference between their values, and `all`.
 */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import { CaseContext, evaluateWith } from '../src-shared/metrics/conventions/index';
import type { CaseInput, ConventionName } from '../src-shared/metrics/conventions/types';
import type { Dims3, Spacing3 } from '../src-shared/metrics/grid';
import { mulberry32 } from '../src-shared/random/mulberry32';
import { emptyMask, fillBall } from '../src-shared/metrics/shapes';
import { boxEdtBorderDistances, boxEdtSurfelDistances, unionCrops } from '../src-shared/metrics/boxReference.testSupport';
import { voxelCount } from '../src-shared/metrics/grid';
import { confusionAndBox } from '../src-shared/metrics/overlap';
import { unionRows } from '../src-shared/metrics/rows';
import { borderDistances } from '../src-shared/metrics/surfaceDistance';
import { surfelDistances } from '../src-shared/metrics/surfaceDice';
import { makeBig, makeSmall, makeSpread } from './lesionCases';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function count(m: Uint8Array): number {
  let n = 0;
  for (let p = 0; p < m.length; p++) n += m[p];
  return n;
}

/** The counting pass Quorum must not be much slower than: TP, |R|, |P| in one loop. */
function countingPass(ref: Uint8Array, pred: Uint8Array): number {
  let tp = 0,
    nr = 0,
    np = 0;
  for (let p = 0; p < ref.length; p++) {
    const r = ref[p],
      q = pred[p];
    tp += r & q;
    nr += r;
    np += q;
  }
  return tp + nr + np;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function once(f: () => unknown): number {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
}

/** Median ms of `f` and median ratio to the counting pass run right before each repetition. */
function paired(f: () => unknown, floor: () => unknown, reps = 5): { ms: number; floorMs: number; ratio: number } {
  const ms: number[] = [],
    fl: number[] = [],
    ratio: number[] = [];
  for (let i = 0; i < reps; i++) {
    const a = once(floor);
    const b = once(f);
    fl.push(a);
    ms.push(b);
    ratio.push(b / a);
  }
  return { ms: median(ms), floorMs: median(fl), ratio: median(ratio) };
}

const SAMPLER = `
const { parentPort } = require('node:worker_threads');
let peak = 0;
const tick = () => { const r = process.memoryUsage.rss(); if (r > peak) peak = r; };
const t = setInterval(tick, 2);
parentPort.on('message', () => { tick(); clearInterval(t); parentPort.postMessage(peak); });
parentPort.postMessage(-1);
`;

/** Peak RSS growth in bytes while `f` runs synchronously on this thread. */
async function peakGrowth(f: () => unknown): Promise<number> {
  gc();
  await new Promise((r) => setTimeout(r, 50));
  const w = new Worker(SAMPLER, { eval: true });
  await new Promise<void>((r) => w.once('message', () => r()));
  const before = process.memoryUsage.rss();
  f();
  const peak = await new Promise<number>((r) => {
    w.once('message', (m: number) => r(m));
    w.postMessage('stop');
  });
  await w.terminate();
  return Math.max(0, peak - before);
}

function makeEmpty(): CaseInput {
  const dims: Dims3 = [512, 512, 300];
  const spacing: Spacing3 = [0.5, 0.5, 1.5];
  const ref = emptyMask(dims),
    pred = emptyMask(dims);
  fillBall(ref, dims, spacing, [256, 256, 150], 1);
  fillBall(pred, dims, spacing, [300, 200, 100], 1);
  return { ref, pred, dims, spacing };
}

const CONVS: ConventionName[] = ['use', 'isles22', 'metricsreloaded'];

async function benchCase(name: string, input: CaseInput): Promise<string[]> {
  const vml = (input.spacing[0] * input.spacing[1] * input.spacing[2]) / 1000;
  const floor = () => countingPass(input.ref, input.pred);
  once(floor);
  const lines = [`| ${name} (ref ${(count(input.ref) * vml).toFixed(1)} ml, pred ${(count(input.pred) * vml).toFixed(1)} ml) | | | |`];
  const all = () => {
    const ctx = new CaseContext(input);
    for (const c of CONVS) evaluateWith(ctx, c);
  };
  const grown = await peakGrowth(all);
  let floorMs = 0;
  for (const c of CONVS) {
    const r = paired(() => evaluateWith(new CaseContext(input), c), floor);
    floorMs = r.floorMs;
    lines.push(`| | ${c} | ${r.ms.toFixed(0)} | ${r.ratio.toFixed(1)}× |`);
  }
  const a = paired(all, floor);
  lines.push(`| | **all** | ${a.ms.toFixed(0)} | **${a.ratio.toFixed(1)}×** |`);
  lines.push(`| | counting pass (floor) | ${Math.min(floorMs, a.floorMs).toFixed(0)}–${Math.max(floorMs, a.floorMs).toFixed(0)} | 1× |`);
  const masks = input.ref.byteLength + input.pred.byteLength;
  lines.push(
    `| | peak RSS growth during one \`all\` | ${(grown / 2 ** 20).toFixed(0)} MiB | ${((100 * grown) / masks).toFixed(0)}% of the two input masks |`,
  );
  return lines;
}

/** Largest |a − b| / max(1, |b|) over paired arrays (Infinity on both sides counts as equal). */
function maxRelDiff(a: readonly Float64Array[], b: readonly Float64Array[]): number {
  let worst = 0;
  a.forEach((x, n) => {
    const y = b[n];
    if (x.length !== y.length) worst = Infinity;
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      if (x[i] === y[i]) continue;
      worst = Math.max(worst, Math.abs(x[i] - y[i]) / Math.max(1, Math.abs(y[i])));
    }
  });
  return worst;
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

async function distanceCase(name: string, input: CaseInput): Promise<string> {
  const { ref, pred, dims, spacing } = input;
  const { box } = confusionAndBox(ref, pred, dims);
  const before = () => {
    const pair = unionCrops(ref, pred, dims, box);
    const d = boxEdtBorderDistances(pair, spacing),
      s = boxEdtSurfelDistances(pair, spacing);
    return [d.predToRef, d.refToPred, s.predToRef, s.refToPred, s.predAreas, s.refAreas];
  };
  const after = () => {
    const rows = unionRows(ref, pred, dims, box);
    const d = borderDistances(ref, pred, dims, spacing, rows),
      s = surfelDistances(ref, pred, dims, spacing, rows);
    return [d.predToRef, d.refToPred, s.predToRef, s.refToPred, s.predAreas, s.refAreas];
  };
  const b = before(),
    a = after();
  const diff = maxRelDiff(a, b);
  const points = `${b[1].length} / ${b[0].length}, ${b[3].length} / ${b[2].length}`;
  const boxVoxels = voxelCount([box.hi[0] - box.lo[0] + 1, box.hi[1] - box.lo[1] + 1, box.hi[2] - box.lo[2] + 1]);
  const load0 = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
  const t = paired(after, before, 3);
  const all = () => {
    const ctx = new CaseContext(input);
    for (const c of CONVS) evaluateWith(ctx, c);
  };
  // CPU time beside wall time: on a loaded machine the thread waits for a core, CPU time does not.
  const allWall: number[] = [],
    allCpu: number[] = [];
  for (let r = 0; r < 3; r++) {
    const c0 = process.cpuUsage();
    allWall.push(once(all));
    const c = process.cpuUsage(c0);
    allCpu.push((c.user + c.system) / 1000);
  }
  const load1 = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
  const memBefore = await peakGrowth(before),
    memAfter = await peakGrowth(after),
    memAll = await peakGrowth(all);
  return (
    `| ${name} | ${(boxVoxels / 1e6).toFixed(1)} M | ${points} | ${t.floorMs.toFixed(0)} | ${t.ms.toFixed(0)} | ` +
    `**${t.ratio.toFixed(3)}** | ${diff.toExponential(1)} | ` +
    `${mib(memBefore)} → ${mib(memAfter)} | ${median(allWall).toFixed(0)} (${median(allCpu).toFixed(0)} CPU) | ${mib(memAll)} | ${load0}–${load1} |`
  );
}

export async function run(): Promise<void> {
  const rand = mulberry32(2026);
  const out = ['| case | what | ms (median of 5) | × counting pass (median of paired ratios) |', '|---|---|---|---|'];
  out.push(...(await benchCase('512×512×300 at 0.5×0.5×1.5 mm', makeBig(rand))));
  out.push(...(await benchCase('128³ at 1 mm', makeSmall(rand, [128, 128, 128], [1, 1, 1]))));
  out.push(...(await benchCase('512×512×300, mostly empty', makeEmpty())));
  process.stdout.write(out.join('\n') + '\n');
  const dist = [
    '',
    '| 512×512×300 at 0.5×0.5×1.5 mm | union box | border voxels R / P, surface corners R / P | box EDT ms (before) | nearest-surface ms (after) | after / before (median of 3 paired) | max rel. diff | peak RSS growth before → after | `all` ms (after, median of 3; CPU ms) | `all` peak RSS growth | load average |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  dist.push(await distanceCase('about 50 ml in a brain-sized region', makeBig(mulberry32(2026))));
  dist.push(await distanceCase('10 lesions spread over the grid', makeSpread(mulberry32(10), 10, 12)));
  dist.push(await distanceCase('100 small lesions spread over the grid', makeSpread(mulberry32(100), 100, 5)));
  process.stdout.write(dist.join('\n') + '\n');
}
