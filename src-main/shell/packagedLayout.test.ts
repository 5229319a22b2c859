/**
 * The packaged app reads its bundles, demo project and bundled models from the places
 * packagedLayout.ts names; electron-builder's configuration (electron.config.ts) decides what the
 * package holds. Packaging needs internet, so this checks the configuration against the repository:
 * every path the packaged app reads must be one the package ships, and the node_modules it packs
 * (package.json `dependencies`) must be exactly what the main process loads at run time.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builderConfig } from '../../electron.config';
import { ASAR_UNPACK, bundlePaths, MAIN_ENTRIES, resourcePaths } from './packagedLayout';

const ROOT = path.resolve(__dirname, '..', '..');

function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

/**
 * The few pattern shapes the configuration uses, with electron-builder's meaning. Any other shape
 * fails loudly, so this test is extended instead of silently misreading a new pattern.
 */
function matches(rel: string, pattern: string): boolean {
  if (pattern === '**/*') return true;
  const under = /^([^*?{[!]+)\/\*\*$/.exec(pattern);
  if (under) return rel.startsWith(`${under[1]}/`);
  const ext = /^\*\*\/\*(\.\w+)$/.exec(pattern);
  if (ext) return rel.endsWith(ext[1]);
  if (!/[*?{[]/.test(pattern)) return rel === pattern;
  throw new Error(`packagedLayout.test does not understand the pattern "${pattern}"; teach matches() its meaning`);
}

/** Patterns apply in order; a "!" pattern takes back what the earlier ones selected. */
function selected(rel: string, patterns: readonly string[]): boolean {
  let keep = false;
  for (const p of patterns) {
    if (p.startsWith('!')) {
      if (matches(rel, p.slice(1))) keep = false;
    } else if (matches(rel, p)) keep = true;
  }
  return keep;
}

const asList = <T>(v: T | readonly T[] | null | undefined): readonly T[] => (v == null ? [] : Array.isArray(v) ? v : [v as T]);

/** Every file extraResources puts under process.resourcesPath, as '/'-separated relative paths. */
function shippedResources(): Set<string> {
  const out = new Set<string>();
  for (const set of asList(builderConfig.extraResources)) {
    if (typeof set === 'string') throw new Error(`extraResources entry "${set}": use { from, to, filter } so the layout is explicit`);
    const from = set.from ?? '.';
    const to = set.to ?? from;
    const filter = asList(set.filter ?? '**/*');
    for (const rel of filesUnder(path.join(ROOT, from))) if (selected(rel, filter)) out.add(path.posix.join(to, rel));
  }
  return out;
}

const RESOURCES = '/installed/resources';
const shipped = shippedResources();
const relResource = (abs: string) => path.relative(RESOURCES, abs).split(path.sep).join('/');

interface DemoCase {
  path: string;
  kind: string;
  optional?: boolean;
}

describe('the packaged app finds what it reads', () => {
  it('ships the demo project it opens first, with every case that is not optional', () => {
    const demo = relResource(resourcePaths(RESOURCES).projectDir);
    expect(shipped.has(`${demo}/quorum-demo.json`)).toBe(true);
    const manifest = JSON.parse(readFileSync(path.join(ROOT, 'demo', 'quorum-demo.json'), 'utf8')) as { cases: DemoCase[] };
    const required = manifest.cases.filter((c) => !c.optional);
    expect(required.length).toBeGreaterThan(0);
    for (const c of manifest.cases) {
      const rel = path.posix.normalize(path.posix.join(demo, c.path));
      const present = c.kind === 'dicom-folder' ? [...shipped].some((f) => f.startsWith(`${rel}/`)) : shipped.has(rel);
      // Optional cases (set-up data in data-cache/, a dev dependency's files) live outside the demo
      // folder and are not packaged; the app skips them when absent.
      if (c.optional && !present) expect(rel.startsWith(`${demo}/`), `${c.path} is optional but lies in the demo folder`).toBe(false);
      else expect(present, `demo case ${c.path} is not in the package`).toBe(true);
    }
  });

  it('ships every bundled model folder with its manifest and members, and not the training recipe', () => {
    const models = relResource(resourcePaths(RESOURCES).bundledModelsDir);
    const folders = readdirSync(path.join(ROOT, 'models'), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .filter((f) => filesUnder(path.join(ROOT, 'models', f)).includes('model.json'));
    expect(folders.length).toBeGreaterThan(0);
    for (const folder of folders) {
      const manifest = JSON.parse(readFileSync(path.join(ROOT, 'models', folder, 'model.json'), 'utf8')) as { members: { file: string }[] };
      for (const file of ['model.json', ...manifest.members.map((m) => m.file)])
        expect(shipped.has(`${models}/${folder}/${file}`), `${models}/${folder}/${file} is not in the package`).toBe(true);
    }
    expect([...shipped].filter((f) => f.startsWith(`${models}/train/`))).toEqual([]);
  });

  it('packs the main, preload and renderer bundles main.ts loads into the app', () => {
    const files = asList(builderConfig.files).map((f) => {
      if (typeof f !== 'string') throw new Error('files: only pattern strings are checked here');
      return f;
    });
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { main: string };
    const APP = '/installed/app.asar';
    const { rendererDir, preload } = bundlePaths(path.join(APP, path.dirname(pkg.main)));
    const inApp = (abs: string) => path.relative(APP, abs).split(path.sep).join('/');
    for (const rel of ['package.json', pkg.main, inApp(preload), `${inApp(rendererDir)}/index.html`])
      expect(selected(rel, files), `${rel} is not packed into the app`).toBe(true);
  });
});

/** Bare packages a TypeScript file imports at run time (`import type` left out), following relative imports. */
function runtimePackages(entry: string, seen = new Set<string>(), found = new Set<string>()): Set<string> {
  if (seen.has(entry)) return found;
  seen.add(entry);
  const source = readFileSync(entry, 'utf8');
  // `require….resolve('pkg')` counts too: the DICOM decode worker loads the codecs by resolved path.
  for (const m of source.matchAll(
    /(?:import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?'([^']+)'|import\(\s*'([^']+)'\s*\)|require\w*\.resolve\(\s*'([^']+)'\s*\)/g,
  )) {
    if (m[1]) continue;
    const spec = m[2] ?? m[3] ?? m[4];
    if (spec.startsWith('.')) {
      const base = path.resolve(path.dirname(entry), spec);
      const file = [base, `${base}.ts`, path.join(base, 'index.ts')].find((f) => f.endsWith('.ts') && existsSync(f));
      if (file) runtimePackages(file, seen, found);
    } else if (!spec.startsWith('node:')) {
      found.add(
        spec
          .split('/')
          .slice(0, spec.startsWith('@') ? 2 : 1)
          .join('/'),
      );
    }
  }
  return found;
}

describe('the installer carries only what the main process loads', () => {
  it("package.json dependencies are exactly the main bundles' run-time imports (the renderer's are bundled by Vite)", () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    // electron-vite leaves the main bundles' dependencies to node_modules; electron comes with the app.
    const seen = new Set<string>();
    const found = new Set<string>();
    for (const entry of Object.values(MAIN_ENTRIES)) runtimePackages(path.join(ROOT, entry), seen, found);
    const loaded = [...found].filter((p) => p !== 'electron').sort();
    expect(Object.keys(pkg.dependencies).sort()).toEqual(loaded);
  });

  it("unpacks onnxruntime-node's add-on and library from the archive, for this platform's loader", () => {
    expect(builderConfig.asarUnpack).toEqual([...ASAR_UNPACK]);
    const bin = path.join(ROOT, 'node_modules', 'onnxruntime-node', 'bin');
    const native = filesUnder(bin)
      .map((f) => `node_modules/onnxruntime-node/bin/${f}`)
      .filter((f) => /\.(node|so(\.\d+)*|dylib|dll)$/.test(f));
    expect(native.some((f) => f.includes(`/${process.platform}/${process.arch}/`))).toBe(true);
    for (const f of native) expect(selected(f, [...ASAR_UNPACK]), `${f} stays inside app.asar`).toBe(true);
  });
});
