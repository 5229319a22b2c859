/**
 * Fills a closed polygon (a freehand contour) into one axial slice of a labelmap: the voxels whose
 * centres lie inside it by the even–odd rule, scanline by scanline. Vertices are in voxel index
 * coordinates (i, j), where voxel (i, j) has its centre at exactly (i, j) (Cornerstone's IJK); the
 * polygon closes from the last vertex back to the first. A self-crossing contour fills its
 * odd-wound parts, as a hand-drawn lasso usually means.
 *
 * Returns the flat indices of the voxels that changed, so the caller can record an undo step.
 * Environment-free.
 */

export interface SliceTarget {
  readonly dims: readonly [number, number, number];
  /** The axial slice (k) to fill. */
  readonly k: number;
}

export function fillPolygon(
  labelmap: Uint8Array,
  target: SliceTarget,
  vertices: ReadonlyArray<readonly [number, number]>,
  value: number,
): number[] {
  const [nx, ny, nz] = target.dims;
  if (labelmap.length !== nx * ny * nz)
    throw new Error(`fillPolygon: labelmap has ${labelmap.length} voxels, the grid ${nx}×${ny}×${nz} = ${nx * ny * nz}`);
  if (!Number.isInteger(target.k) || target.k < 0 || target.k >= nz)
    throw new Error(`fillPolygon: slice ${target.k} is outside 0..${nz - 1}`);
  if (vertices.length < 3) throw new Error(`fillPolygon: a contour needs at least 3 points, got ${vertices.length}`);
  if (!Number.isInteger(value) || value < 0 || value > 255) throw new Error(`fillPolygon: value must be an integer 0..255, got ${value}`);
  let yMin = Infinity;
  let yMax = -Infinity;
  for (const [, y] of vertices) {
    if (!Number.isFinite(y)) throw new Error('fillPolygon: contour points must be finite numbers');
    yMin = Math.min(yMin, y);
    yMax = Math.max(yMax, y);
  }
  const changed: number[] = [];
  const crossings: number[] = [];
  const base = target.k * nx * ny;
  for (let j = Math.max(0, Math.ceil(yMin)); j <= Math.min(ny - 1, Math.floor(yMax)); j++) {
    crossings.length = 0;
    for (let e = 0; e < vertices.length; e++) {
      const [x0, y0] = vertices[e];
      const [x1, y1] = vertices[(e + 1) % vertices.length];
      // Half-open rule (y0 ≤ j < y1 or the reverse): a vertex on the scanline counts once.
      if (y0 <= j !== y1 <= j) crossings.push(x0 + ((j - y0) / (y1 - y0)) * (x1 - x0));
    }
    crossings.sort((a, b) => a - b);
    for (let c = 0; c + 1 < crossings.length; c += 2) {
      const from = Math.max(0, Math.ceil(crossings[c]));
      const to = Math.min(nx - 1, Math.floor(crossings[c + 1]));
      for (let i = from; i <= to; i++) {
        const at = base + j * nx + i;
        if (labelmap[at] !== value) {
          labelmap[at] = value;
          changed.push(at);
        }
      }
    }
  }
  return changed;
}
