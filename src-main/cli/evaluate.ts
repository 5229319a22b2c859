/**
 * `npm run --silent evaluate -- …`: metrics under named conventions, one JSON object (or a CSV or a
 * text table, by --format) on stdout and nothing else; bad input exits 2 with a one-line reason on
 * stderr. See src-shared/metrics/README.md.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from './args';
import { pairCases, runDirectory, summarise } from './directory';
import { BadInput } from './errors';
import { evaluateFiles } from './evaluateCase';
import { flatten, toCsv, toJson } from './serialize';
import { caseText, summaryText } from './textTable';

async function main(argv: readonly string[]): Promise<void> {
  const args = parseArgs(argv);
  const options = { convention: args.convention, thresholdMl: args.thresholdMl, tolerancesMm: args.tolerancesMm };
  if (args.refDir && args.predDir) {
    const cases = pairCases(args.refDir, args.predDir);
    const outputs = await runDirectory(cases, options, args.workers, (line) => process.stderr.write(line + '\n'));
    const rows = outputs.map((o, i) => ({ case: cases[i].name, ...flatten(o) }));
    const summary = summarise(outputs, args.convention, args.thresholdMl);
    if (args.out)
      writeFileSync(
        args.out,
        args.out.endsWith('.json')
          ? toJson(
              outputs.map((o, i) => ({ case: cases[i].name, result: o })),
              2,
            )
          : toCsv(rows),
      );
    if (args.summary) writeFileSync(args.summary, toJson(summary, 2) + '\n');
    if (args.format === 'csv') process.stdout.write(toCsv(rows));
    else if (args.format === 'text') process.stdout.write(summaryText(summary));
    else
      process.stdout.write(
        toJson({ n_cases: cases.length, cases: outputs.map((o, i) => ({ case: cases[i].name, result: o })), summary }) + '\n',
      );
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
