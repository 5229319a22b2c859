/**
 * `npm run --silent evaluate -- …`: metrics under named conventions, one JSON object (or a CSV or a
 * text table, by --format) on stdout and nothing else; bad input exits 2 with a one-line reason on
 * stderr. See src-shared/metrics/README.md.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs, parseMergeArgs, type Format } from './args';
import { pairCases, runDirectory, summarise } from './directory';
import { BadInput } from './errors';
import { evaluateFiles, type CaseOptions, type CaseOutput } from './evaluateCase';
import { flatten, toCsv, toJson } from './serialize';
import { mergeShards, shardFileText, shardOf } from './shards';
import { caseText, summaryText } from './textTable';

/** Directory mode's outputs (also merge's): --out rows, --summary, and stdout by --format. */
function report(
  names: readonly string[],
  outputs: readonly CaseOutput[],
  options: CaseOptions,
  out: { format: Format; out?: string; summary?: string },
): void {
  const rows = outputs.map((o, i) => ({ case: names[i], ...flatten(o) }));
  const cases = outputs.map((o, i) => ({ case: names[i], result: o }));
  const summary = summarise(outputs, options);
  if (out.out) writeFileSync(out.out, out.out.endsWith('.json') ? toJson(cases, 2) : toCsv(rows));
  if (out.summary) writeFileSync(out.summary, toJson(summary, 2) + '\n');
  if (out.format === 'csv') process.stdout.write(toCsv(rows));
  else if (out.format === 'text') process.stdout.write(summaryText(summary));
  else process.stdout.write(toJson({ n_cases: names.length, cases, summary }) + '\n');
}

async function main(argv: readonly string[]): Promise<void> {
  if (argv[0] === 'merge') {
    const args = parseMergeArgs(argv.slice(1));
    const { options, names, outputs } = mergeShards(args.shards);
    report(names, outputs, options, args);
    return;
  }
  const args = parseArgs(argv);
  const options: CaseOptions = {
    convention: args.convention,
    thresholdMl: args.thresholdMl,
    tolerancesMm: args.tolerancesMm,
    labels: args.labels,
  };
  if (args.refDir && args.predDir) {
    const all = pairCases(args.refDir, args.predDir);
    const cases = args.shard ? shardOf(all, args.shard) : all;
    const outputs = await runDirectory(cases, options, args.workers, (line) => process.stderr.write(line + '\n'));
    const names = cases.map((c) => c.name);
    // A shard's --out is the file merge reads; its stdout and --summary cover this shard only.
    report(names, outputs, options, { ...args, out: args.shard ? undefined : args.out });
    if (args.shard) writeFileSync(args.out as string, shardFileText(args.shard, all.length, options, names, outputs));
    return;
  }
  const result = await evaluateFiles(
    { ref: args.ref as string, pred: args.pred as string, prob: args.prob, raters: args.raters, region: args.region },
    options,
  );
  if (args.format === 'csv') process.stdout.write(toCsv([flatten(result)]));
  else if (args.format === 'text') process.stdout.write(caseText(result));
  else process.stdout.write(toJson(result) + '\n');
}

main(process.argv.slice(2)).then(
  () => {
    process.exitCode = 0;
  },
  (e: unknown) => {
    const msg = (e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, ' ');
    process.stderr.write((e instanceof BadInput ? msg : `internal error: ${msg}`) + '\n');
    process.exitCode = e instanceof BadInput ? 2 : 1;
  },
);
