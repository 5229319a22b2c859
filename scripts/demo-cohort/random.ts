/** Seeded draws for the cohort generator: uniform and normal (Box–Muller) from mulberry32. */
import { mulberry32 } from '../../src-shared/random/mulberry32';

export interface Rng {
  uniform(lo?: number, hi?: number): number;
  int(lo: number, hiInclusive: number): number;
  normal(): number;
}

export function makeRng(seed: number): Rng {
  const next = mulberry32(seed);
  let spare: number | null = null;
  return {
    uniform: (lo = 0, hi = 1) => lo + (hi - lo) * next(),
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    normal: () => {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      // 1 − u keeps the logarithm's argument in (0, 1].
      const r = Math.sqrt(-2 * Math.log(1 - next()));
      const t = 2 * Math.PI * next();
      spare = r * Math.sin(t);
      return r * Math.cos(t);
    },
  };
}
