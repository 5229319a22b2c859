/**
 * mulberry32 (Tommy Ettinger's public-domain generator): a 32-bit state advanced by a Weyl sequence
 * and mixed by two multiplies. Small, fast and seedable, which is all Quorum needs: reproducible
 * bootstrap intervals, reader-study orders and replayable randomised tests. Not for cryptography.
 * The algorithm is fixed: reader-study configurations record its name, so changing it would change
 * every recorded study's case order.
 */

/** Raw 32-bit unsigned draws from `seed`. */
export function mulberry32Uint32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Uniform draws in [0, 1), each a multiple of 2⁻³². */
export function mulberry32(seed: number): () => number {
  const uint32 = mulberry32Uint32(seed);
  return () => uint32() / 4294967296;
}
