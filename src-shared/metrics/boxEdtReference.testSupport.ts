/**
 * The box-EDT path the surface distances used before they followed the surfaces (issue 19), kept
 * only as the reference that tests and the metrics bench compare the k-d tree path with: the exact
 * EDT (edt.ts) of one mask's surface over the padded crop of both masks' union bounding box, read at
 * the other mask's surface. Same outputs, in the same order, as borderDistances and surfelDistances.
 */
import { borderOfPadded } from './borders';
import { squaredEdt } from './edt';
import { type Dims3, type Spacing3, unionCrops } from './grid';
import type { BorderDistances } from './surfaceDistance';
import type { SurfelDistances } from './surfaceDice';
import { surfelAreaTable } from './surfelTable';

function gatherSqrt(dist2: Float64Array, at: Uint8Array, count: number): Float64Array {
  const out = new Float64Array(count);
  let n = 0;
  for (let p = 0; p < at.length; p++) {
    if (at[p] !== 0) out[n++] = Math.sqrt(dist2[p]);
  }
  return out;
}

export function boxEdtBorderDistances(ref: Uint8Array, pred: Uint8Array, dims: Dims3, spacing: Spacing3): BorderDistances {
  const pair = unionCrops(ref, pred, dims);
  if (!pair) return { predToRef: new Float64Array(0), refToPred: new Float64Array(0) };
  const { ref: cr, pred: cp } = pair;
  const br = borderOfPadded(cr.data, cr.dims);
  const bp = borderOfPadded(cp.data, cp.dims);
  const buf = squaredEdt(br.mask, cr.dims, spacing, undefined, bp.mask);
  const predToRef = gatherSqrt(buf, bp.mask, bp.count);
  squaredEdt(bp.mask, cp.dims, spacing, buf, br.mask);
  const refToPred = gatherSqrt(buf, br.mask, br.count);
  return { predToRef, refToPred };
}

/** Neighbourhood codes on the corner lattice of a padded (pad = 1) crop; lattice dims = crop dims − 1. */
function cornerCodes(crop: Uint8Array, cd: Dims3): { codes: Uint8Array; border: Uint8Array; count: number } {
  const [px, py] = cd;
  const lx = cd[0] - 1,
    ly = cd[1] - 1,
    lz = cd[2] - 1;
  const codes = new Uint8Array(lx * ly * lz);
  const border = new Uint8Array(lx * ly * lz);
  const nib = new Uint8Array(px);
  let count = 0;
  const sy = px,
    sz = px * py;
  for (let k = 0; k < lz; k++) {
    for (let j = 0; j < ly; j++) {
      // nib[x]: the 4 voxels (x, j+b, k+c) at bits 3 − (2b + c)
      const p00 = j * sy + k * sz;
      let any = 0;
      for (let x = 0; x < px; x++) {
        const v = (crop[p00 + x] << 3) | (crop[p00 + sz + x] << 2) | (crop[p00 + sy + x] << 1) | crop[p00 + sy + sz + x];
        nib[x] = v;
        any |= v;
      }
      if (any === 0) continue;
      const row = lx * (j + ly * k);
      for (let i = 0; i < lx; i++) {
        const code = (nib[i] << 4) | nib[i + 1];
        if (code !== 0) {
          codes[row + i] = code;
          if (code !== 255) {
            border[row + i] = 1;
            count++;
          }
        }
      }
    }
  }
  return { codes, border, count };
}

function gatherSurfels(dist2: Float64Array, border: Uint8Array, codes: Uint8Array, count: number, table: Float64Array) {
  const d = new Float64Array(count);
  const a = new Float64Array(count);
  let n = 0;
  for (let p = 0; p < border.length; p++) {
    if (border[p] !== 0) {
      d[n] = Math.sqrt(dist2[p]);
      a[n] = table[codes[p]];
      n++;
    }
  }
  return { d, a };
}

export function boxEdtSurfelDistances(ref: Uint8Array, pred: Uint8Array, dims: Dims3, spacing: Spacing3): SurfelDistances {
  const pair = unionCrops(ref, pred, dims);
  if (!pair) {
    const e = new Float64Array(0);
    return { refToPred: e, refAreas: e, predToRef: e, predAreas: e };
  }
  const table = surfelAreaTable(spacing);
  const { ref: cr, pred: cp } = pair;
  const ld: Dims3 = [cr.dims[0] - 1, cr.dims[1] - 1, cr.dims[2] - 1];
  const r = cornerCodes(cr.data, cr.dims);
  const p = cornerCodes(cp.data, cp.dims);
  const buf = squaredEdt(r.border, ld, spacing, undefined, p.border);
  const fromPred = gatherSurfels(buf, p.border, p.codes, p.count, table);
  squaredEdt(p.border, ld, spacing, buf, r.border);
  const fromRef = gatherSurfels(buf, r.border, r.codes, r.count, table);
  return { refToPred: fromRef.d, refAreas: fromRef.a, predToRef: fromPred.d, predAreas: fromPred.a };
}
