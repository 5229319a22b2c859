/** Number formatting for the dashboard's tables: 3 significant digits, NaN spelt "NaN" (never 0 or blank). */
export function fmt(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(2);
  return String(Number(v.toPrecision(3)));
}

export function fmtCi(ci: readonly [number, number]): string {
  return Number.isNaN(ci[0]) ? '—' : `[${fmt(ci[0])}, ${fmt(ci[1])}]`;
}
