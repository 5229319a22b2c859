/**
 * Argument parsing for `evaluate`. Hand-rolled (no dependency) because the contract is small and
 * every mistake must become a one-line reason with exit code 2.
 */
import { MAX_LABEL } from '../../src-shared/metrics/conventions/labels';
import type { ConventionName } from '../../src-shared/metrics/conventions/types';
import { BadInput } from './errors';

export type Format = 'json' | 'csv' | 'text';

export interface EvaluateArgs {
  readonly convention: ConventionName | 'all';
  readonly thresholdMl?: number;
  readonly tolerancesMm?: number[];
  readonly format: Format;
  readonly ref?: string;
  readonly pred?: string;
  readonly prob?: string;
  readonly raters: string[];
  readonly region?: string;
  /** Multi-label masks: evaluate prediction == L against reference == L for each L. */
  readonly labels?: number[];
  readonly refDir?: string;
  readonly predDir?: string;
  readonly out?: string;
  readonly summary?: string;
  readonly workers?: number;
  /** Directory mode, one part of the sorted case list: the cases whose index modulo `count` is `index`. */
  readonly shard?: Shard;
}

export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** `evaluate merge SHARD.json … [--out F] [--summary F] [--format F]`: combines the shards' per-case files. */
interface MergeArgs {
  readonly shards: string[];
  readonly format: Format;
  readonly out?: string;
  readonly summary?: string;
}

const VALUE_FLAGS = new Set([
  '--ref',
  '--pred',
  '--convention',
  '--threshold-ml',
  '--tolerance-mm',
  '--prob',
  '--rater',
  '--format',
  '--region',
  '--ref-dir',
  '--pred-dir',
  '--out',
  '--summary',
  '--workers',
  '--shard',
  '--labels',
]);

const USAGE =
  'usage: evaluate --ref REF.nii.gz --pred PRED.nii.gz --convention use|isles22|metricsreloaded|all ' +
  '[--threshold-ml T] [--tolerance-mm 2,5,10] [--labels 1,2,3] [--prob PROB.nii.gz] [--rater R.nii.gz ...] ' +
  '[--region MASK.nii.gz] [--format json|csv|text] | --ref-dir D --pred-dir D [--labels 1,2,3] [--out results.csv] [--summary summary.json] [--workers N] ' +
  '[--shard I/N --out shard-I.json] | merge shard-*.json [--out results.csv] [--summary summary.json] [--format json|csv|text]';

function parseFormat(text: string | undefined): Format {
  const fmt = text ?? 'json';
  if (fmt !== 'json' && fmt !== 'csv' && fmt !== 'text') throw new BadInput(`--format must be json, csv or text, got "${fmt}"`);
  return fmt;
}

function positiveNumber(flag: string, text: string, allowZero: boolean): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) {
    throw new BadInput(`${flag} needs a ${allowZero ? 'non-negative' : 'positive'} number, got "${text}"`);
  }
  return v;
}

export function parseArgs(argv: readonly string[]): EvaluateArgs {
  const values = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') throw new BadInput(USAGE);
    const eq = a.indexOf('=');
    const flag = eq > 0 ? a.slice(0, eq) : a;
    if (!VALUE_FLAGS.has(flag)) throw new BadInput(`unknown argument "${a}"; ${USAGE}`);
    let value: string;
    if (eq > 0) value = a.slice(eq + 1);
    else {
      if (i + 1 >= argv.length) throw new BadInput(`${flag} needs a value`);
      value = argv[++i];
    }
    const list = values.get(flag) ?? [];
    list.push(value);
    values.set(flag, list);
  }
  const one = (flag: string): string | undefined => {
    const v = values.get(flag);
    if (v && v.length > 1 && flag !== '--rater') throw new BadInput(`${flag} given more than once`);
    return v?.[0];
  };
  const conv = one('--convention') ?? 'all';
  if (!['use', 'isles22', 'metricsreloaded', 'all'].includes(conv)) {
    throw new BadInput(`--convention must be use, isles22, metricsreloaded or all, got "${conv}"`);
  }
  const fmt = parseFormat(one('--format'));
  const t = one('--threshold-ml');
  const tol = one('--tolerance-mm');
  const w = one('--workers');
  const sh = one('--shard');
  const lb = one('--labels');
  const args: EvaluateArgs = {
    convention: conv as ConventionName | 'all',
    thresholdMl: t === undefined ? undefined : positiveNumber('--threshold-ml', t, true),
    tolerancesMm: tol === undefined ? undefined : tol.split(',').map((x) => positiveNumber('--tolerance-mm', x, true)),
    format: fmt,
    ref: one('--ref'),
    pred: one('--pred'),
    prob: one('--prob'),
    raters: values.get('--rater') ?? [],
    region: one('--region'),
    labels: lb === undefined ? undefined : parseLabels(lb),
    refDir: one('--ref-dir'),
    predDir: one('--pred-dir'),
    out: one('--out'),
    summary: one('--summary'),
    workers: w === undefined ? undefined : Math.max(1, Math.floor(positiveNumber('--workers', w, false))),
    shard: sh === undefined ? undefined : parseShard(sh),
  };
  if (args.labels && (args.prob || args.raters.length > 0 || args.region)) {
    throw new BadInput('--labels evaluates label maps; --prob, --rater and --region are for binary masks, without --labels');
  }
  const dirMode = args.refDir !== undefined || args.predDir !== undefined;
  if (dirMode) {
    if (!args.refDir || !args.predDir) throw new BadInput('directory mode needs both --ref-dir and --pred-dir');
    if (args.ref || args.pred) throw new BadInput('give either --ref/--pred or --ref-dir/--pred-dir, not both');
    if (args.prob || args.raters.length > 0 || args.region) throw new BadInput('--prob, --rater and --region are for single cases');
    if (args.shard && !args.out?.endsWith('.json'))
      throw new BadInput('--shard needs --out FILE.json: the per-case file that evaluate merge reads');
  } else {
    if (args.shard) throw new BadInput('--shard is for directory mode (--ref-dir, --pred-dir)');
    if (!args.ref) throw new BadInput('--ref is required');
    if (!args.pred) throw new BadInput('--pred is required');
  }
  return args;
}

/** `1,2,3`: distinct label values, integers 1 … 65535 (0 is background, not a label). */
function parseLabels(text: string): number[] {
  const labels = text.split(',').map((part) => {
    const v = /^\s*\d+\s*$/.test(part) ? Number(part) : NaN;
    if (!(v >= 1 && v <= MAX_LABEL)) throw new BadInput(`--labels needs label values 1…${MAX_LABEL} separated by commas, got "${text}"`);
    return v;
  });
  const repeated = labels.find((v, i) => labels.indexOf(v) !== i);
  if (repeated !== undefined) throw new BadInput(`--labels lists ${repeated} twice in "${text}"`);
  return labels;
}

/** `I/N` with integers 0 ≤ I < N: Slurm's $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT for --array=0-(N-1). */
function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN,
    count = m ? Number(m[2]) : NaN;
  if (!(count >= 1 && index < count)) throw new BadInput(`--shard needs I/N with 0 ≤ I < N, got "${text}"`);
  return { index, count };
}

export function parseMergeArgs(argv: readonly string[]): MergeArgs {
  const shards: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') throw new BadInput(USAGE);
    if (!a.startsWith('--')) {
      shards.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const flag = eq > 0 ? a.slice(0, eq) : a;
    if (!['--out', '--summary', '--format'].includes(flag)) throw new BadInput(`evaluate merge: unknown argument "${a}"; ${USAGE}`);
    if (flags.has(flag)) throw new BadInput(`${flag} given more than once`);
    if (eq < 0 && i + 1 >= argv.length) throw new BadInput(`${flag} needs a value`);
    flags.set(flag, eq > 0 ? a.slice(eq + 1) : argv[++i]);
  }
  if (shards.length === 0) throw new BadInput("evaluate merge needs the shards' per-case files (--out of each --shard run)");
  return { shards, format: parseFormat(flags.get('--format')), out: flags.get('--out'), summary: flags.get('--summary') };
}
