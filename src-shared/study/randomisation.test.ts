import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { balancedFlags, canonicalSort, fnv1a32, mulberry32, readerOrder, shuffle, studyOrders } from './randomisation';

describe('fnv1a32', () => {
  it('matches the published FNV-1a 32-bit test vectors', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });
});

describe('mulberry32', () => {
  it('is deterministic, in [0, 1), and spreads evenly over ten bins', () => {
    const a = mulberry32(12345);
    const b = mulberry32(12345);
    const bins = new Array<number>(10).fill(0);
    for (let i = 0; i < 20_000; i++) {
      const x = a.next();
      expect(b.next()).toBe(x);
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      bins[Math.floor(x * 10)]++;
    }
    // Expected 2000 per bin, sd ≈ √(20000·0.1·0.9) ≈ 42; ±250 is ~6 sd.
    for (const n of bins) expect(Math.abs(n - 2000)).toBeLessThan(250);
    expect(mulberry32(1).next()).not.toBe(mulberry32(2).next());
  });
});

describe('shuffle and balancedFlags', () => {
  it('shuffle returns a permutation and leaves its input alone', () => {
    const input = ['a', 'b', 'c', 'd', 'e'];
    const out = shuffle(input, mulberry32(7));
    expect(canonicalSort(out)).toEqual(input);
    expect(input).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('balancedFlags has as many true as false, within ±1', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), fc.integer(), (count, seed) => {
        const flags = balancedFlags(count, mulberry32(seed));
        const t = flags.filter(Boolean).length;
        expect(flags.length).toBe(count);
        expect(Math.abs(t - (count - t))).toBeLessThanOrEqual(1);
      }),
    );
  });
});

describe('readerOrder', () => {
  const cases = Array.from({ length: 12 }, (_, i) => `case-${i}`);

  it('gives the same order for the same seed and reader, whatever order the cases were listed in', () => {
    const first = readerOrder('s', 'reader-1', cases);
    expect(readerOrder('s', 'reader-1', cases)).toEqual(first);
    expect(readerOrder('s', 'reader-1', [...cases].reverse())).toEqual(first);
    expect(canonicalSort(first)).toEqual(canonicalSort(cases));
  });

  it('changes with the seed and with the reader', () => {
    // 12! ≈ 4.8e8 orders: a coincidence here would point at a bug, not at chance.
    const base = readerOrder('s', 'reader-1', cases);
    expect(readerOrder('t', 'reader-1', cases)).not.toEqual(base);
    expect(readerOrder('s', 'reader-2', cases)).not.toEqual(base);
  });
});

describe('studyOrders', () => {
  it('gives every reader a different order whenever readers ≤ keys!, reproducibly', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 3, max: 7 }), fc.integer({ min: 2, max: 6 }), (seed, nKeys, nReaders) => {
        const keys = Array.from({ length: nKeys }, (_, i) => `k${i}`);
        const readers = Array.from({ length: nReaders }, (_, i) => `reader-${i}`);
        const orders = studyOrders(seed, readers, keys);
        const distinct = new Set([...orders.values()].map((o) => o.join(',')));
        expect(distinct.size).toBe(nReaders); // 3! = 6 ≥ 6 readers at most
        expect(studyOrders(seed, readers, keys)).toEqual(orders);
      }),
      { numRuns: 300 },
    );
  });

  it("keeps earlier readers' orders when a reader is appended", () => {
    const keys = ['a', 'b', 'c', 'd'];
    const two = studyOrders('x', ['r1', 'r2'], keys);
    const three = studyOrders('x', ['r1', 'r2', 'r3'], keys);
    expect(three.get('r1')).toEqual(two.get('r1'));
    expect(three.get('r2')).toEqual(two.get('r2'));
  });

  it('accepts repeats when there are more readers than orders, and refuses a repeated reader', () => {
    const orders = studyOrders('x', ['r1', 'r2', 'r3'], ['a', 'b']); // only 2 orders exist
    expect(orders.size).toBe(3);
    expect(() => studyOrders('x', ['r1', 'r1'], ['a', 'b'])).toThrow(/more than once/);
  });
});
