// Sums the Vitest and Playwright JSON reports into one closing line, "tests: N passed, N failed",
// so that CI reads a single count for the whole suite. A missing report counts as a failure:
// a runner that crashed before writing it must not look like zero failures.
import { existsSync, readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
let missing = 0;

function vitest(report) {
  passed += report.numPassedTests ?? 0;
  failed += (report.numFailedTests ?? 0) + countFailedFilesWithoutFailedTests(report);
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
}
// Vitest's numFailedTestSuites counts every describe block as well as every file, so one failing test
// inside a describe is two failed "suites": count tests, not suites. A file that failed with no failing
// test in it (it did not load, or a hook threw) still counts once, so such a failure is never zero.
function countFailedFilesWithoutFailedTests(report) {
  return (report.testResults ?? []).filter((s) => s.status === 'failed' && !(s.assertionResults ?? []).some((t) => t.status === 'failed'))
    .length;
}
function playwright(report) {
  const s = report.stats ?? {};
  passed += (s.expected ?? 0) + (s.flaky ?? 0);
  failed += s.unexpected ?? 0;
  skipped += s.skipped ?? 0;
  if ((report.errors ?? []).length > 0) failed += report.errors.length;
}

for (const file of process.argv.slice(2)) {
  if (!existsSync(file)) {
    console.error(`summary: no report at ${file}`);
    missing += 1;
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  if ('numPassedTests' in report) vitest(report);
  else playwright(report);
}
failed += missing;
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
