/**
 * scripts/summarise-tests.mjs on reports written by the real Vitest, not hand-made JSON: Vitest's
 * suite counts include describe blocks, which a hand-made report would not reproduce. The fixture
 * suite's outcome is known by construction: one failing test (inside nested describes), two passing,
 * and one file that fails to load (no test in it can fail, yet the run failed).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = path.resolve(import.meta.dirname, '..');
const tmp = mkdtempSync(path.join(tmpdir(), 'quorum-summary-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs the real Vitest on `files` (globals, so the fixtures need no import) and returns its JSON report's path. */
function vitestReport(name: string, files: Record<string, string>): string {
  const root = path.join(tmp, name);
  mkdirSync(root, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(root, file), text);
  const report = path.join(tmp, `${name}.json`);
  // Exit status 1 is expected where a fixture fails; the report is what matters.
  spawnSync(
    process.execPath,
    [
      path.join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs'),
      'run',
      '--root',
      root,
      '--globals',
      '--reporter=json',
      `--outputFile=${report}`,
    ],
    { cwd: root, encoding: 'utf8' },
  );
  return report;
}

function summarise(...reports: string[]): { line: string; status: number | null } {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'summarise-tests.mjs'), ...reports], { encoding: 'utf8' });
  return { line: r.stdout.trim(), status: r.status };
}

describe('summarise-tests', () => {
  it('counts one failing test inside nested describes once, and a file that fails to load once', () => {
    const report = vitestReport('mixed', {
      'nested.test.js': `
        describe('outer', () => {
          describe('inner', () => {
            it('fails', () => expect(1).toBe(2));
            it('passes', () => expect(1).toBe(1));
          });
        });
        it('passes at top level', () => expect(2).toBe(2));
      `,
      'broken.test.js': `throw new Error('this file does not load');`,
    });
    expect(summarise(report)).toEqual({ line: 'tests: 2 passed, 2 failed', status: 1 });
  });

  it('reports zero failures and exits 0 for a passing run', () => {
    const report = vitestReport('green', {
      'green.test.js': `describe('group', () => { it('a', () => {}); it('b', () => {}); });`,
    });
    expect(summarise(report)).toEqual({ line: 'tests: 2 passed, 0 failed', status: 0 });
  });

  it('counts a missing report as a failure', () => {
    expect(summarise(path.join(tmp, 'never-written.json'))).toEqual({ line: 'tests: 0 passed, 1 failed', status: 1 });
  });
});
