/**
 * The `evaluate` command end to end, as a user runs it: a whole process per run, from start to exit.
 * "Before" is the CLI as it was at BASELINE_COMMIT (started the way its npm script did: the tsx CLI
 * transpiling TypeScript, files read and inflated one after the other, a separate 0/1 pass); its
 * sources are extracted with `git archive` into .cache/ (ignored), beside node_modules. "After" is
 * today's compiled bundle (scripts/cliBundle.mjs), started directly and through
 * `npm run --silent evaluate`, beside a bare `node -e 0` (process start alone). Runs are
 * interleaved (floor, before, after, npm; repeated) and each ratio pairs runs of the same repetition,
 * because the machine is shared; the stdout of all must be identical (the same metric values).
 * Cases: one small, one large, and a 20-case dataset in directory mode; written to a temp folder.
 *
 * A second table gives the absolute figures of issue 19's targets 1 and 4 for
 * `npm run --silent evaluate`: wall seconds, CPU seconds (user + system of the whole process tree,
 * from bash's `time`) and the 1-minute load average around each row. On a shared machine the wall
 * time grows with the load while the CPU time barely does; on an idle 2-core machine the wall time
 * of a single case is about its CPU time (less the overlap of the two files' inflates), and that of
 * directory mode about half of it plus the serial start and summary.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CaseInput } from '../src-shared/metrics/conventions/types';
import { writeNifti } from '../src-shared/nifti/index';
import { mulberry32 } from '../src-shared/random/mulberry32';
import { makeBig, makeSmall } from './lesionCases';

/** The last commit before the compiled CLI (issue 19, target 1). */
const BASELINE_COMMIT = '98960440cffadb3a593e871e2bcb79b9403fadca';
const ROOT = fileURLToPath(new URL('..', import.meta.url));

function baselineSources(): string {
  const dir = join(ROOT, '.cache', `evaluate-${BASELINE_COMMIT.slice(0, 10)}`);
  if (!existsSync(join(dir, 'src-main', 'cli', 'evaluate.ts'))) {
    mkdirSync(dir, { recursive: true });
    const tar = execFileSync('git', ['archive', BASELINE_COMMIT, 'src-main/cli', 'src-shared'], { cwd: ROOT, maxBuffer: 1 << 28 });
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
  }
  return join(dir, 'src-main', 'cli', 'evaluate.ts');
}

function writeCase(refPath: string, predPath: string, c: CaseInput): void {
  const geometry = { dims: c.dims, spacingMm: c.spacing, originLps: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] } as const;
  writeFileSync(refPath, writeNifti({ geometry, data: c.ref }, { gzip: true }));
  writeFileSync(predPath, writeNifti({ geometry, data: c.pred }, { gzip: true }));
}

/** One case's CLI arguments, its files written under dir. */
function singleCase(dir: string, name: string, c: CaseInput): string[] {
  const [ref, pred] = [join(dir, `${name}-ref.nii.gz`), join(dir, `${name}-pred.nii.gz`)];
  writeCase(ref, pred, c);
  return ['--ref', ref, '--pred', pred, '--convention', 'all'];
}

/** Directory mode's CLI arguments for `n` cases made by `make`, on all cores. */
function dataset(dir: string, n: number, make: () => CaseInput): string[] {
  const [refs, preds] = [join(dir, 'refs'), join(dir, 'preds')];
  mkdirSync(refs);
  mkdirSync(preds);
  for (let i = 0; i < n; i++) writeCase(join(refs, `case${i}.nii.gz`), join(preds, `case${i}.nii.gz`), make());
  return ['--ref-dir', refs, '--pred-dir', preds, '--convention', 'all', '--format', 'csv'];
}

function timed(cmd: string, args: readonly string[]): { ms: number; stdout: string } {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

/** Like timed, through bash's `time`, which also reports the CPU seconds of the command and its children. */
function timedWithCpu(cmd: string, args: readonly string[]): { ms: number; cpuS: number; stdout: string } {
  const script = 'TIMEFORMAT="%3U %3S"; time "$@"';
  const t0 = performance.now();
  const r = spawnSync('bash', ['-c', script, 'bash', cmd, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const [user, sys] = (r.stderr.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
  if (!(user >= 0 && sys >= 0)) throw new Error(`no CPU times from bash's time in: ${r.stderr}`);
  return { ms, cpuS: user + sys, stdout: r.stdout };
}

const load1 = () => loadavg()[0];

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

export async function run(): Promise<void> {
  const before = baselineSources();
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'cliBundle.mjs')]);
  const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
  const dir = mkdtempSync(join(tmpdir(), 'quorum-evaluate-bench-'));
  const rand = mulberry32(2026);
  const out = [
    `load average at start: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(', ')} (interleaved repetitions, medians)`,
    '',
    '| case | reps | bare `node -e 0` (ms) | before: tsx, sequential (ms) | after: node on the bundle (ms) | after: `npm run --silent evaluate` (ms) | npm after / before (median of paired ratios) |',
    '|---|---|---|---|---|---|---|',
  ];
  const absolute = [
    '',
    'Absolute, `npm run --silent evaluate` (issue 19 targets 1 and 4), medians:',
    '',
    '| case | target (s, idle 2 cores) | wall (s) | CPU, user + system (s) | load average (1 min) during the row |',
    '|---|---|---|---|---|',
  ];
  try {
    const scenarios: [string, string[], number, number][] = [
      ['128×128×64 at 1×1×2 mm', singleCase(dir, 'small', makeSmall(rand, [128, 128, 64], [1, 1, 2])), 5, 0.5],
      ['512×512×300 at 0.5×0.5×1.5 mm, ~50 ml', singleCase(dir, 'big', makeBig(rand)), 3, 1],
      [
        'dataset: 20 cases of 256×256×108 (directory mode)',
        dataset(dir, 20, () => makeSmall(rand, [256, 256, 108], [0.9, 0.9, 1.5])),
        3,
        2,
      ],
    ];
    for (const [name, args, reps, targetS] of scenarios) {
      const f: number[] = [],
        b: number[] = [],
        a: number[] = [],
        n: number[] = [],
        cpu: number[] = [],
        loads: number[] = [],
        ratio: number[] = [];
      for (let i = 0; i < reps; i++) {
        loads.push(load1());
        f.push(timed(process.execPath, ['-e', '0']).ms);
        const old = timed(tsx, [before, ...args]);
        const now = timed(process.execPath, [join(ROOT, 'scripts', 'evaluate.mjs'), ...args]);
        const npm = timedWithCpu('npm', ['run', '--silent', 'evaluate', '--', ...args]);
        if (now.stdout !== old.stdout || npm.stdout !== old.stdout) throw new Error(`${name}: the outputs before and after differ`);
        b.push(old.ms);
        a.push(now.ms);
        n.push(npm.ms);
        cpu.push(npm.cpuS);
        ratio.push(npm.ms / old.ms);
      }
      loads.push(load1());
      const ms = (xs: number[]) => median(xs).toFixed(0);
      out.push(`| ${name} | ${reps} | ${ms(f)} | ${ms(b)} | ${ms(a)} | ${ms(n)} | ${median(ratio).toFixed(2)} |`);
      absolute.push(
        `| ${name} | ≤ ${targetS} | ${(median(n) / 1000).toFixed(2)} | ${median(cpu).toFixed(2)} | ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} |`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  out.push(
    ...absolute,
    '',
    `load average at end: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(', ')}`,
  );
  process.stdout.write(out.join('\n') + '\n');
}
