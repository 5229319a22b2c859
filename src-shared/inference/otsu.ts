/**
 * Otsu's threshold on a 256-bin histogram over [min, max]: the bin edge that maximises the
 * between-class variance. The training recipe (models/train/data.py, otsu_threshold) implements the
 * same binning, so the foreground mask the model was normalised with is the one Quorum computes.
 */
const OTSU_BINS = 256;

export function otsuThreshold(x: ArrayLike<number>): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi > lo)) return lo;
  const width = (hi - lo) / OTSU_BINS;
  const hist = new Float64Array(OTSU_BINS);
  for (let i = 0; i < x.length; i++) hist[Math.min(Math.floor((x[i] - lo) / width), OTSU_BINS - 1)]++;
  let total = 0;
  let sumTotal = 0;
  for (let b = 0; b < OTSU_BINS; b++) {
    total += hist[b];
    sumTotal += hist[b] * (lo + (b + 0.5) * width);
  }
  let w0 = 0;
  let s0 = 0;
  let best = -1;
  let bestBin = 0;
  for (let b = 0; b < OTSU_BINS - 1; b++) {
    w0 += hist[b];
    s0 += hist[b] * (lo + (b + 0.5) * width);
    const w1 = total - w0;
    if (w0 === 0 || w1 === 0) continue;
    const d = s0 / w0 - (sumTotal - s0) / w1;
    const between = w0 * w1 * d * d;
    if (between > best) {
      best = between;
      bestBin = b;
    }
  }
  return lo + (bestBin + 1) * width;
}
