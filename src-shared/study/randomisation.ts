/**
 * Seeded, reproducible randomisation for reader studies. Everything here is a pure function of the
 * study's recorded seed and the reader's id, so a closed study's orders and placements can be
 * regenerated from its configuration alone (export.ts writes the seed).
 *
 * Generator: mulberry32 (Tommy Ettinger's 32-bit generator, public domain), seeded by FNV-1a-32 of
 * the text "seed␀readerId␀purpose". It is not cryptographic; it does not need to be, since the seed
 * stays on the server. Two streams are derived per reader (order, placement) so that changing the
 * number of cases does not couple the two.
 *
 * Input order never matters: keys are sorted by UTF-16 code units (not localeCompare, whose result
 * depends on the runtime's locale data) before shuffling, so the order in which an admin ticked the
 * cases does not change a reader's sequence.
 */
import { mulberry32Uint32 } from '../random/mulberry32';

/** Identifies this algorithm in exported configurations; bump it if any output here changes. */
export const RANDOMISATION_ALGORITHM = 'quorum-mulberry32-fnv1a/1';

/** FNV-1a, 32-bit, over UTF-16 code units. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export interface Rng {
  /** Uniform in [0, 1), a multiple of 2⁻³². */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

/** mulberry32: a 32-bit state advanced by a Weyl sequence and mixed by two multiplies. */
export function mulberry32(seed: number): Rng {
  const uint32 = mulberry32Uint32(seed);
  const next = (): number => uint32() / 4294967296;
  // floor(u·n) has a bias of at most n/2³² per value: negligible for study sizes.
  const int = (n: number): number => Math.floor(next() * n);
  return { next, int };
}

/** A generator for one purpose of one reader in one study. */
export function streamFor(seed: string, readerId: string, purpose: string): Rng {
  return mulberry32(fnv1a32(`${seed}\u0000${readerId}\u0000${purpose}`));
}

/** Fisher–Yates shuffle into a new array. */
export function shuffle<T>(items: readonly T[], rng: Rng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = out[i];
    out[i] = out[j];
    out[j] = tmp;
  }
  return out;
}

/** Sort by UTF-16 code units, independent of locale. */
export function canonicalSort(keys: readonly string[]): string[] {
  return [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * `count` booleans, as many true as false (the odd one out decided by a coin flip), in random order.
 * Used for left/right placement: true = the pair's first source goes on the left (label A).
 */
export function balancedFlags(count: number, rng: Rng): boolean[] {
  const flags: boolean[] = [];
  const half = Math.floor(count / 2);
  for (let i = 0; i < half; i++) flags.push(true, false);
  if (count % 2 === 1) flags.push(rng.next() < 0.5);
  return shuffle(flags, rng);
}

/** One reader's order of `keys`, a pure function of (seed, readerId, the set of keys, attempt). */
export function readerOrder(seed: string, readerId: string, keys: readonly string[], attempt = 0): string[] {
  const purpose = attempt === 0 ? 'order' : `order#${attempt}`;
  return shuffle(canonicalSort(keys), streamFor(seed, readerId, purpose));
}

/** How many redraws to try before accepting a repeated order (only when readers outnumber orders). */
const MAX_REDRAWS = 1000;

function permutationsAtLeast(n: number, bound: number): boolean {
  let f = 1;
  for (let i = 2; i <= n; i++) {
    f *= i;
    if (f >= bound) return true;
  }
  return f >= bound;
}

/**
 * Every reader's order, all different whenever that is possible (readers ≤ keys!). A reader's order
 * is readerOrder(seed, readerId, keys); when it repeats the order of a reader listed earlier it is
 * redrawn from the reader's next stream ("order#1", "order#2", …). Readers are processed in the
 * order given, so appending a reader never changes the orders of those before.
 */
export function studyOrders(seed: string, readerIds: readonly string[], keys: readonly string[]): Map<string, string[]> {
  const orders = new Map<string, string[]>();
  const used = new Set<string>();
  for (const readerId of readerIds) {
    if (orders.has(readerId)) throw new RangeError(`reader "${readerId}" is listed more than once`);
    const canBeDistinct = permutationsAtLeast(keys.length, used.size + 1);
    let order = readerOrder(seed, readerId, keys);
    for (let attempt = 1; canBeDistinct && used.has(JSON.stringify(order)) && attempt <= MAX_REDRAWS; attempt++) {
      order = readerOrder(seed, readerId, keys, attempt);
    }
    used.add(JSON.stringify(order));
    orders.set(readerId, order);
  }
  return orders;
}
