/**
 * Datasets beyond one machine: `--shard I/N` evaluates every N-th case of the sorted list (starting
 * at I) and writes a shard file; `evaluate merge` reads all N files back into the single run's case
 * order, so the summary, bootstrap intervals included, is the one a single run gives.
 */
import { readFileSync } from 'node:fs';
import type { Shard } from './args';
import { BadInput } from './errors';
import type { CaseOptions, CaseOutput } from './evaluateCase';
import { fromJson, toJson } from './serialize';

const FORMAT = 'quorum-evaluate-shard/1';

interface ShardFile {
  readonly format: typeof FORMAT;
  readonly shard: Shard;
  /** Cases in the whole dataset, so merge can tell a missing or foreign shard. */
  readonly n_cases_total: number;
  readonly options: CaseOptions;
  readonly cases: readonly { readonly case: string; readonly result: CaseOutput }[];
}

/** Round robin rather than blocks, so large and small cases (often sorted by site) spread evenly. */
export function shardOf<T>(cases: readonly T[], shard: Shard): T[] {
  return cases.filter((_, k) => k % shard.count === shard.index);
}

export function shardFileText(
  shard: Shard,
  total: number,
  options: CaseOptions,
  names: readonly string[],
  outputs: readonly CaseOutput[],
): string {
  const file: ShardFile = {
    format: FORMAT,
    shard,
    n_cases_total: total,
    options,
    cases: outputs.map((result, i) => ({ case: names[i], result })),
  };
  return toJson(file, 2) + '\n';
}

function readShard(path: string): ShardFile {
  let parsed: unknown;
  try {
    parsed = fromJson(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new BadInput(`shard file ${path} cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const f = parsed as Partial<ShardFile> | null;
  if (!f || f.format !== FORMAT || !f.shard || !Array.isArray(f.cases) || !f.options) {
    throw new BadInput(`${path} is not a shard file (write one with --shard I/N --out FILE.json)`);
  }
  return f as ShardFile;
}

/** All shards of one run, checked complete and consistent, as one case list in the single run's order. */
export function mergeShards(paths: readonly string[]): { options: CaseOptions; names: string[]; outputs: CaseOutput[] } {
  const files = paths.map(readShard);
  const first = files[0];
  const count = first.shard.count;
  const seen = new Map<number, string>();
  files.forEach((f, i) => {
    if (f.shard.count !== count || f.n_cases_total !== first.n_cases_total || toJson(f.options) !== toJson(first.options)) {
      throw new BadInput(`${paths[i]} belongs to another run than ${paths[0]} (shard count, case count or options differ)`);
    }
    const other = seen.get(f.shard.index);
    if (other !== undefined) throw new BadInput(`shard ${f.shard.index}/${count} given twice: ${other} and ${paths[i]}`);
    seen.set(f.shard.index, paths[i]);
  });
  for (let k = 0; k < count; k++) if (!seen.has(k)) throw new BadInput(`shard ${k}/${count} is missing`);
  // pairCases sorts file names with the default sort; the same order reproduces the single run.
  const cases = files.flatMap((f) => f.cases).sort((a, b) => (a.case < b.case ? -1 : a.case > b.case ? 1 : 0));
  if (cases.length !== first.n_cases_total) {
    throw new BadInput(`the shards hold ${cases.length} cases, the run had ${first.n_cases_total}`);
  }
  return { options: first.options, names: cases.map((c) => c.case), outputs: cases.map((c) => c.result) };
}
