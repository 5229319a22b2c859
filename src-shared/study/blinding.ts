/**
 * The leak check behind the blinding guarantee: nothing a reader receives during a study may name a
 * source. `findLeaks` walks any JSON-serialisable payload (an API response body, a parsed reader
 * trial, a URL string) and reports
 *
 * - forbidden fields: object keys that carry provenance (sourceId, modelId, raterName, …), compared
 *   after lower-casing and removing everything but letters and digits, so source_id and Source-ID
 *   are caught too;
 * - identifiers: any string value or key that contains a study identifier (source ids and labels,
 *   model ids and versions, rater ids and names, consensus ids), case-insensitively. Identifiers of
 *   four characters or more match as substrings; shorter ones (e.g. a rater id "r1") only as a whole
 *   token between non-alphanumeric characters, so they do not fire inside random trial ids.
 *   One-character identifiers are ignored: they would match the labels "A" and "B" themselves.
 *
 * It is the oracle for the API and e2e leak tests; the server may also run it on every response it
 * sends to a reader during a study and refuse to send one that fails.
 */
import type { StudyConfig } from './design';

/** Normalised names (lower case, letters and digits only) of fields that must not reach a reader. */
export const FORBIDDEN_FIELD_NAMES: ReadonlySet<string> = new Set([
  'source',
  'sources',
  'sourceid',
  'sourceids',
  'sourcea',
  'sourceb',
  'sourcekind',
  'sourcelabel',
  'sourceref',
  'ref',
  'provenance',
  'mapping',
  'labelmapping',
  'model',
  'modelid',
  'modelname',
  'modelversion',
  'rater',
  'raters',
  'raterid',
  'ratername',
  'annotator',
  'annotatorid',
  'author',
  'authorid',
  'createdby',
  'consensus',
  'consensusid',
  'isai',
  'aisource',
]);

export interface LeakFinding {
  /** Where in the payload, e.g. "$.trials[0].sourceA". */
  readonly path: string;
  readonly kind: 'forbidden-field' | 'identifier';
  /** The offending field name or the identifier found. */
  readonly match: string;
}

function normaliseFieldName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/**
 * Every string that would unblind a reader in this study. `extraNames` adds what the config does not
 * hold, e.g. raters' display names from the project store.
 */
export function studyIdentifiers(config: Pick<StudyConfig, 'sources'>, extraNames: readonly string[] = []): string[] {
  const ids = new Set<string>();
  for (const s of config.sources) {
    ids.add(s.sourceId);
    if (s.label.trim() !== '') ids.add(s.label.trim());
    switch (s.ref.kind) {
      case 'model':
        ids.add(s.ref.modelId);
        ids.add(s.ref.version);
        break;
      case 'rater':
        ids.add(s.ref.raterId);
        break;
      case 'consensus':
        ids.add(s.ref.consensusId);
        break;
    }
  }
  for (const n of extraNames) if (n.trim() !== '') ids.add(n.trim());
  return [...ids];
}

function tokens(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((t) => t !== '');
}

/** A matcher for one list of identifiers: returns the identifiers found in a string. */
function identifierMatcher(identifiers: readonly string[]): (text: string) => string[] {
  const long = identifiers.filter((i) => i.length >= 4).map((i) => [i, i.toLowerCase()] as const);
  const short = identifiers.filter((i) => i.length >= 2 && i.length < 4).map((i) => [i, i.toLowerCase()] as const);
  return (text) => {
    const lower = text.toLowerCase();
    const found = long.filter(([, l]) => lower.includes(l)).map(([i]) => i);
    if (short.length > 0) {
      const tokenSet = new Set(tokens(text));
      // A short identifier may itself contain separators ("r-1"); then match its token sequence.
      for (const [i, l] of short) {
        const parts = tokens(l);
        if (parts.length === 1 ? tokenSet.has(parts[0]) : lower.includes(l)) found.push(i);
      }
    }
    return found;
  };
}

/** Every leak in `payload`; an empty list means the payload is clean. */
export function findLeaks(payload: unknown, identifiers: readonly string[]): LeakFinding[] {
  const match = identifierMatcher(identifiers);
  const findings: LeakFinding[] = [];
  const seen = new Set<object>();
  const visit = (value: unknown, path: string): void => {
    if (typeof value === 'string') {
      for (const m of match(value)) findings.push({ path, kind: 'identifier', match: m });
      return;
    }
    if (typeof value !== 'object' || value === null || seen.has(value)) return;
    seen.add(value);
    if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, `${path}[${i}]`));
      return;
    }
    for (const [key, v] of Object.entries(value)) {
      const keyPath = `${path}.${key}`;
      if (FORBIDDEN_FIELD_NAMES.has(normaliseFieldName(key))) {
        findings.push({ path: keyPath, kind: 'forbidden-field', match: key });
      }
      for (const m of match(key)) findings.push({ path: keyPath, kind: 'identifier', match: m });
      visit(v, keyPath);
    }
  };
  visit(payload, '$');
  return findings;
}

/** Throws, listing every leak, unless `payload` is clean. */
export function assertNoLeaks(payload: unknown, identifiers: readonly string[]): void {
  const leaks = findLeaks(payload, identifiers);
  if (leaks.length > 0) {
    const list = leaks.map((l) => `${l.path} (${l.kind}: ${l.match})`).join('; ');
    throw new Error(`blinding leak: ${leaks.length} finding(s): ${list}`);
  }
}
