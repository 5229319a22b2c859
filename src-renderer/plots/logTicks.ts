/**
 * Ticks for a log axis in ml: one per decade, written as plain decimals (0.001, 0.01, 0.1, 1, 10).
 * Observable Plot's default log format is d3's SI prefix, which writes 0.001 ml as "1m" — milli-ml,
 * a unit no reader expects on a volume axis.
 */

/** The powers of ten inside [lo, hi] (both > 0), ascending. */
export function decadeTicks(lo: number, hi: number): number[] {
  if (!(lo > 0 && hi >= lo && Number.isFinite(hi))) throw new Error(`decadeTicks: need 0 < lo ≤ hi, got ${lo}, ${hi}`);
  const out: number[] = [];
  // Exponents as integers, and each tick as 10^k rounded through its own decimal string, so 1e-3
  // is 0.001 exactly rather than 10 ** -3 = 0.0010000000000000002.
  for (let k = Math.ceil(Math.log10(lo) - 1e-9); k <= Math.floor(Math.log10(hi) + 1e-9); k++) out.push(Number(`1e${k}`));
  return out;
}

/** A decade tick as a plain decimal: 0.001, 0.1, 1, 100 (never "1m" or "1e-3"). */
export function decimalTick(v: number): string {
  return v >= 1 ? String(v) : v.toFixed(Math.max(0, -Math.floor(Math.log10(v) + 1e-9)));
}
