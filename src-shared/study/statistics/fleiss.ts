/**
 * Fleiss' kappa (Fleiss 1971) for agreement among several raters assigning subjects to nominal
 * categories. Input is the subjects × categories table n_ij of how many raters put subject i in
 * category j:
 *
 *   P_i = Σ_j n_ij (n_ij − 1) / (n_i (n_i − 1))   agreement on subject i (n_i = Σ_j n_ij raters)
 *   P̄   = mean of P_i,   p_j = Σ_i n_ij / Σ_i n_i,   P̄e = Σ_j p_j²
 *   κ   = (P̄ − P̄e) / (1 − P̄e)
 *
 * With the same number of raters on every subject this is exactly Fleiss' 1971 statistic. We allow
 * n_i to vary (a reader who skipped a case) using the per-subject P_i above, a common extension;
 * subjects rated by fewer than two raters carry no agreement information and are left out.
 */

export interface FleissKappaResult {
  /** κ, or null when it is undefined (every rating in one category, so P̄e = 1). */
  readonly kappa: number | null;
  /** Mean observed agreement P̄. */
  readonly observedAgreement: number;
  /** Chance agreement P̄e. */
  readonly expectedAgreement: number;
  /** Subjects used (those with at least two ratings). */
  readonly subjects: number;
  /** Ratings used. */
  readonly ratings: number;
  /** p_j, the share of all ratings in each category. */
  readonly categoryProportions: readonly number[];
}

/** Fleiss' kappa from a subjects × categories count table. */
export function fleissKappa(table: readonly (readonly number[])[]): FleissKappaResult {
  if (table.length === 0) throw new RangeError("Fleiss' kappa needs at least one subject");
  const k = table[0].length;
  if (k < 2) throw new RangeError("Fleiss' kappa needs at least two categories");
  for (const [i, row] of table.entries()) {
    if (row.length !== k) throw new RangeError(`subject ${i} has ${row.length} categories, expected ${k}`);
    if (row.some((c) => !Number.isInteger(c) || c < 0)) {
      throw new RangeError(`subject ${i} has a count that is not a non-negative integer`);
    }
  }
  const used = table.filter((row) => row.reduce((a, b) => a + b, 0) >= 2);
  if (used.length === 0) throw new RangeError("Fleiss' kappa needs a subject rated by at least two raters");

  const categoryTotals = new Array<number>(k).fill(0);
  let ratings = 0;
  let agreementSum = 0;
  for (const row of used) {
    let ni = 0;
    let pairsAgreeing = 0;
    for (let j = 0; j < k; j++) {
      ni += row[j];
      pairsAgreeing += row[j] * (row[j] - 1);
      categoryTotals[j] += row[j];
    }
    ratings += ni;
    agreementSum += pairsAgreeing / (ni * (ni - 1));
  }
  const observedAgreement = agreementSum / used.length;
  const categoryProportions = categoryTotals.map((t) => t / ratings);
  const expectedAgreement = categoryProportions.reduce((acc, p) => acc + p * p, 0);
  // P̄e = 1 only when one category holds every rating; compare with a tolerance for rounding.
  const kappa = expectedAgreement > 1 - 1e-12 ? null : (observedAgreement - expectedAgreement) / (1 - expectedAgreement);
  return { kappa, observedAgreement, expectedAgreement, subjects: used.length, ratings, categoryProportions };
}

export interface CategoricalRating<C extends string> {
  readonly subject: string;
  readonly rater: string;
  readonly category: C;
}

/**
 * Fleiss' kappa from individual ratings. Every category listed counts, even one nobody used; a
 * rater may rate a subject once only.
 */
export function fleissKappaFromRatings<C extends string>(
  ratings: readonly CategoricalRating<C>[],
  categories: readonly C[],
): FleissKappaResult {
  const column = new Map(categories.map((c, j) => [c, j]));
  if (column.size !== categories.length) throw new RangeError('categories must be distinct');
  const rows = new Map<string, number[]>();
  const seen = new Set<string>();
  for (const r of ratings) {
    const j = column.get(r.category);
    if (j === undefined) throw new RangeError(`rating of "${r.subject}" by "${r.rater}" has unknown category "${r.category}"`);
    const key = JSON.stringify([r.subject, r.rater]);
    if (seen.has(key)) throw new RangeError(`rater "${r.rater}" rated subject "${r.subject}" more than once`);
    seen.add(key);
    let row = rows.get(r.subject);
    if (!row) {
      row = new Array<number>(categories.length).fill(0);
      rows.set(r.subject, row);
    }
    row[j]++;
  }
  return fleissKappa([...rows.values()]);
}
