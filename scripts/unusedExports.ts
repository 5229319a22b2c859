/**
 * Lists exports that no other module imports (issue 15: "an unused-export check runs in the test
 * command"). An export nobody imports is either dead code or a name that should be private to its
 * module; both make the module's surface lie about what the rest of the app depends on.
 *
 * How: the Node and the web TypeScript projects are loaded with the compiler API (together they
 * cover every TypeScript file of the repository, tests included). Every import, `export … from` and
 * `import('…')` type or expression is resolved to the symbol it finally names (through renames and
 * barrels), and each module's own exports that nothing resolves to are reported. A namespace
 * import or a dynamic import counts as using every export of its module. Exports that tools read by
 * convention (a config file's default export) are not reported.
 *
 * Usage: `npm run check:exports` (`npx tsx scripts/unusedExports.ts [--root <dir>]`) — prints
 * `file:line name` per unused export and exits 1 when there is any. `--root` checks another tree
 * (its tsconfig.node.json / tsconfig.web.json, whichever exist): the script's own test uses it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const rootFlag = process.argv.indexOf('--root');
const ROOT = path.resolve(rootFlag > 0 ? process.argv[rootFlag + 1] : path.join(import.meta.dirname, '..'));
const PROJECTS = ['tsconfig.node.json', 'tsconfig.web.json'];
/**
 * Exports a tool loads by convention rather than by import: a config file's default export (vite,
 * vitest, playwright, electron-vite/-builder), Playwright's global set-up, and each bench's `run`
 * (bench/run.ts imports every `*.bench.ts` by path).
 */
const LOADED_BY_CONVENTION: readonly { file: RegExp; name: string }[] = [
  { file: /(^|\/)[\w.-]+\.config\.ts$/, name: 'default' },
  { file: /(^|\/)e2e\/globalSetup\.ts$/, name: 'default' },
  { file: /(^|\/)bench\/[\w.-]+\.bench\.ts$/, name: 'run' },
];

interface ExportSite {
  file: string;
  line: number;
  name: string;
  /** A type (interface, alias) named in its own module, e.g. in an exported signature. */
  typeUsedInFile: boolean;
}

/** Whether `target` is a type-only symbol that its own file refers to outside its declaration. */
function typeUsedInFile(checker: ts.TypeChecker, sf: ts.SourceFile, target: ts.Symbol): boolean {
  if (!(target.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias)) || target.flags & ts.SymbolFlags.Value) return false;
  const declNames = new Set(target.declarations?.map((d) => (d as ts.NamedDeclaration).name).filter(Boolean));
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isIdentifier(node) && !declNames.has(node) && node.text === target.escapedName && checker.getSymbolAtLocation(node) === target)
      found = true;
    else ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

function loadProgram(configFile: string): ts.Program {
  const read = ts.readConfigFile(path.join(ROOT, configFile), ts.sys.readFile);
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, ROOT);
  return ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
}

const isOwnSource = (sf: ts.SourceFile): boolean =>
  !sf.isDeclarationFile && !sf.fileName.includes('/node_modules/') && sf.fileName.startsWith(ROOT);

/** The symbol an alias finally names (through `import { a as b }`, barrels and re-exports). */
function original(checker: ts.TypeChecker, symbol: ts.Symbol): ts.Symbol {
  return symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
}

function keyOf(symbol: ts.Symbol): string | null {
  const decl = symbol.declarations?.[0];
  if (!decl) return null;
  return `${decl.getSourceFile().fileName}#${symbol.escapedName as string}`;
}

/** Records, in `used`, every export key that the file's imports and re-exports resolve to. */
function collectUses(program: ts.Program, sf: ts.SourceFile, used: Set<string>, wholeModules: Set<string>): void {
  const checker = program.getTypeChecker();
  const markModule = (specifier: ts.Expression | ts.TypeNode | undefined): void => {
    const text =
      specifier && ts.isStringLiteralLike(specifier)
        ? specifier.text
        : specifier && ts.isLiteralTypeNode(specifier) && ts.isStringLiteral(specifier.literal)
          ? specifier.literal.text
          : null;
    if (text === null) return;
    const resolved = ts.resolveModuleName(text, sf.fileName, program.getCompilerOptions(), ts.sys).resolvedModule;
    if (resolved) wholeModules.add(path.resolve(resolved.resolvedFileName));
  };
  const markName = (node: ts.Node): void => {
    const symbol = checker.getSymbolAtLocation(node);
    if (!symbol) return;
    const key = keyOf(original(checker, symbol));
    if (key) used.add(key);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      if (clause?.name) markName(clause.name);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) markModule(node.moduleSpecifier);
      if (bindings && ts.isNamedImports(bindings)) for (const el of bindings.elements) markName(el.name);
      // A side-effect import (`import './x'`) uses no export.
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      if (!node.exportClause) markModule(node.moduleSpecifier);
      else if (ts.isNamespaceExport(node.exportClause)) markModule(node.moduleSpecifier);
      // Named re-exports are resolved where they are imported: a barrel entry nobody imports stays unused.
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      markModule(node.arguments[0]);
    } else if (ts.isImportTypeNode(node)) {
      if (node.qualifier) {
        const symbol = checker.getSymbolAtLocation(node.qualifier);
        const key = symbol && keyOf(original(checker, symbol));
        if (key) used.add(key);
        else markModule(node.argument);
      } else markModule(node.argument);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
}

/** The file's own exports (re-exports of other modules' names are counted at their origin). */
function ownExports(program: ts.Program, sf: ts.SourceFile): { key: string; site: ExportSite }[] {
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(sf);
  if (!moduleSymbol) return [];
  const out: { key: string; site: ExportSite }[] = [];
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const target = original(checker, exported);
    const decl = target.declarations?.[0];
    if (!decl || decl.getSourceFile() !== sf) continue;
    const key = keyOf(target);
    if (!key) continue;
    const name = exported.escapedName as string;
    if (LOADED_BY_CONVENTION.some((c) => c.name === name && c.file.test(sf.fileName))) continue;
    const line = sf.getLineAndCharacterOfPosition(decl.getStart()).line + 1;
    out.push({ key, site: { file: path.relative(ROOT, sf.fileName), line, name, typeUsedInFile: typeUsedInFile(checker, sf, target) } });
  }
  return out;
}

function main(): void {
  const used = new Set<string>();
  const wholeModules = new Set<string>();
  const exports = new Map<string, ExportSite>();
  for (const project of PROJECTS.filter((p) => existsSync(path.join(ROOT, p)))) {
    const program = loadProgram(project);
    for (const sf of program.getSourceFiles()) {
      if (!isOwnSource(sf)) continue;
      collectUses(program, sf, used, wholeModules);
      for (const e of ownExports(program, sf)) exports.set(e.key, e.site);
    }
  }
  const unused = [...exports.entries()]
    .filter(([key]) => !used.has(key) && !wholeModules.has(path.resolve(key.slice(0, key.lastIndexOf('#')))))
    .map(([, site]) => site)
    .filter((site) => !site.typeUsedInFile)
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  for (const u of unused) console.log(`${u.file}:${u.line} ${u.name}`);
  if (unused.length > 0) {
    console.log(`${unused.length} exports are imported by no other module: remove them, or drop the \`export\`.`);
    process.exitCode = 1;
  } else console.log('unused exports: none');
}

main();
