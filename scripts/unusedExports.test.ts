import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const script = path.join(import.meta.dirname, 'unusedExports.ts');
const dir = mkdtempSync(path.join(tmpdir(), 'quorum-unused-exports-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): void {
  writeFileSync(path.join(dir, name), text);
}

/** Runs the check on `dir`; returns its exit code and the reported `file:line name` lines. */
function check(): { code: number; lines: string[] } {
  try {
    const out = execFileSync('npx', ['tsx', script, '--root', dir], { encoding: 'utf8' });
    return { code: 0, lines: out.trim().split('\n') };
  } catch (err) {
    const e = err as { status: number; stdout: string };
    return { code: e.status, lines: e.stdout.trim().split('\n').slice(0, -1) };
  }
}

describe('unused-export check', () => {
  it('reports exports nothing imports, through renames, barrels, namespace and dynamic imports', () => {
    write(
      'tsconfig.node.json',
      JSON.stringify({ compilerOptions: { module: 'ESNext', moduleResolution: 'Bundler', strict: true, noEmit: true }, include: ['*.ts'] }),
    );
    write(
      'lib.ts',
      [
        'export interface Shape { n: number }',
        'export function used(s: Shape): number { return s.n; }',
        'export function renamed(): number { return 1; }',
        'export function viaBarrel(): number { return 2; }',
        'export function onlyInBarrel(): number { return 3; }',
        'export const localOnly = 4;',
        'export const alsoLocal = localOnly + 1;',
        'export type Unused = string;',
      ].join('\n'),
    );
    write('barrel.ts', "export { viaBarrel, onlyInBarrel } from './lib';\n");
    write('ns.ts', 'export const a = 1;\nexport const b = 2;\n');
    write('dyn.ts', 'export const c = 3;\n');
    write(
      'main.ts',
      [
        "import { used, renamed as r } from './lib';",
        "import { viaBarrel } from './barrel';",
        "import * as ns from './ns';",
        'console.log(used({ n: 1 }), r(), viaBarrel(), ns.a);',
        "void import('./dyn');",
      ].join('\n'),
    );
    write('vite.config.ts', 'export default {};\n');
    const { code, lines } = check();
    expect(code).toBe(1);
    expect(lines.sort()).toEqual(['lib.ts:5 onlyInBarrel', 'lib.ts:6 localOnly', 'lib.ts:7 alsoLocal', 'lib.ts:8 Unused'].sort());
  }, 60_000);
});
