/**
 * Does a mask's grid match the case image's grid? Shape must be equal; spacing, origin and direction
 * must agree within tolerances. The defaults allow for NIfTI's float32 header fields (≈1e-7
 * relative) and for direction cosines renormalised by different writers, but reject anything a
 * user could see: 1 µm of origin, 1e-5 relative spacing, 1e-5 per direction cosine (≈ 0.0006°).
 *
 * Returns every mismatch as a human sentence, so one error message can list them all.
 */
import type { Geometry } from '../volume/types';

export interface GeometryTolerance {
  /** Largest allowed |Δspacing| / spacing. */
  spacingRelative: number;
  /** Largest allowed |Δorigin| per LPS component, in mm. */
  originMm: number;
  /** Largest allowed |Δ| per direction cosine. */
  directionCosine: number;
}

const DEFAULT_GEOMETRY_TOLERANCE: GeometryTolerance = {
  spacingRelative: 1e-5,
  originMm: 1e-3,
  directionCosine: 1e-5,
};

const fmt = (v: readonly number[]): string => `[${v.map((x) => Number(x.toPrecision(7))).join(', ')}]`;

export function geometryMismatches(expected: Geometry, actual: Geometry, tol: GeometryTolerance = DEFAULT_GEOMETRY_TOLERANCE): string[] {
  const out: string[] = [];
  if (expected.dims.some((d, i) => d !== actual.dims[i])) {
    out.push(`shape ${fmt(actual.dims)} differs from the image's ${fmt(expected.dims)}`);
    // With a different shape the other comparisons add noise, not information.
    return out;
  }
  if (expected.spacingMm.some((s, i) => !(Math.abs(s - actual.spacingMm[i]) <= tol.spacingRelative * Math.abs(s)))) {
    out.push(`spacing ${fmt(actual.spacingMm)} mm differs from the image's ${fmt(expected.spacingMm)} mm`);
  }
  if (expected.originLps.some((o, i) => !(Math.abs(o - actual.originLps[i]) <= tol.originMm))) {
    out.push(`origin ${fmt(actual.originLps)} mm (LPS) differs from the image's ${fmt(expected.originLps)} mm`);
  }
  if (expected.direction.some((d, i) => !(Math.abs(d - actual.direction[i]) <= tol.directionCosine))) {
    out.push(`direction ${fmt(actual.direction)} differs from the image's ${fmt(expected.direction)}`);
  }
  return out;
}
