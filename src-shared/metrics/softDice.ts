/**
 * Dice for soft labels. The Dice semimetric (Wang, Popordanoska, Bertels, Lemmens & Blaschko 2023,
 * "Dice Semimetric Losses", JDTLosses) uses Σ|x−y| in place of the product, so it is maximal (1) at
 * x = y for soft y, unlike 2Σxy/(Σx+Σy). On hard labels the two coincide.
 *   Dice_DML = (Σx + Σy − Σ|x−y|) / (Σx + Σy),  DML = 1 − Dice_DML
 *   JML score = (Σx + Σy − Σ|x−y|) / (Σx + Σy + Σ|x−y|)
 * Sums run over an optional region mask. No ε is added: two all-zero inputs give NaN.
 */

export interface SoftSums {
  readonly sx: number;
  readonly sy: number;
  readonly sAbs: number;
  readonly sXY: number;
}

/**
 * `yValues`, when given, makes `y` codes into it (y at voxel p is yValues[y[p]]): how the case
 * evaluation keeps the raters' soft reference, as half-vote counts (project/consensus.ts halfVotes),
 * without a Float32 copy of the grid. The sums are the same as over the decoded values. `xValues`
 * does the same for `x` (a model's stored p as q = round(255 p) codes).
 */
export function softSums(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  region?: Uint8Array,
  yValues?: Float32Array,
  xValues?: Float32Array,
): SoftSums {
  if (x.length !== y.length) throw new Error('soft Dice: inputs differ in length');
  let sx = 0,
    sy = 0,
    sAbs = 0,
    sXY = 0;
  for (let p = 0; p < x.length; p++) {
    if (region && region[p] === 0) continue;
    const a = xValues ? xValues[x[p]] : x[p],
      b = yValues ? yValues[y[p]] : y[p];
    if (a === 0 && b === 0) continue;
    sx += a;
    sy += b;
    sAbs += Math.abs(a - b);
    sXY += a * b;
  }
  return { sx, sy, sAbs, sXY };
}

export function diceDml(s: SoftSums): number {
  return (s.sx + s.sy - s.sAbs) / (s.sx + s.sy);
}

export function jaccardJml(s: SoftSums): number {
  return (s.sx + s.sy - s.sAbs) / (s.sx + s.sy + s.sAbs);
}

/** The usual soft Dice 2Σxy/(Σx+Σy): only for contrast in tests and docs; never shown against a soft reference. */
export function diceProduct(s: SoftSums): number {
  return (2 * s.sXY) / (s.sx + s.sy);
}
