/**
 * Labels for the volumes of a DWI. Volumes that share a b-value are kept separate (a reviewer wants
 * to see each acquisition, e.g. two b=0 images) and numbered in acquisition order: "b=5 (1)",
 * "b=5 (2)", "b=1500". b-values are compared after rounding to the nearest integer, because scanners
 * report e.g. 999.99 and 1000 for the same shell.
 */

function formatBValue(b: number): string {
  return `b=${Math.round(b)}`;
}

/** One label per entry, in input order. Entries without a b-value are labelled "volume n" (1-based). */
export function labelVolumes(bValues: ReadonlyArray<number | null>): string[] {
  const totals = new Map<number, number>();
  for (const b of bValues) if (b !== null) totals.set(Math.round(b), (totals.get(Math.round(b)) ?? 0) + 1);
  const seen = new Map<number, number>();
  return bValues.map((b, i) => {
    if (b === null) return `volume ${i + 1}`;
    const key = Math.round(b);
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return (totals.get(key) ?? 0) > 1 ? `${formatBValue(b)} (${n})` : formatBValue(b);
  });
}
