/**
 * The review case of the memory and edit-recompute benches: on the 512×512×300 grid of the
 * synthetic CT (syntheticCt.ts), raters' labelmaps (an ellipsoid lesion with an uncertain shell,
 * offset per rater) and a model's probability map near them. Synthetic, derived, deterministic.
 */

export const REVIEW_DIMS = [512, 512, 300] as const;

/** An ellipsoid lesion (value 1) with an uncertain shell (value 2), offset per rater: derived synthetic raters. */
export function raterLabelmap(r: number): Uint8Array {
  const [nx, ny, nz] = REVIEW_DIMS;
  const lm = new Uint8Array(nx * ny * nz);
  const [cx, cy, cz] = [250 + 6 * r, 240 - 4 * r, 150 + 2 * r];
  const [ax, ay, az] = [40 + 3 * r, 32, 18];
  for (let z = cz - az - 2; z <= cz + az + 2; z++) {
    for (let y = cy - ay - 2; y <= cy + ay + 2; y++) {
      const row = nx * (y + ny * z);
      for (let x = cx - ax - 2; x <= cx + ax + 2; x++) {
        const d = ((x - cx) / ax) ** 2 + ((y - cy) / ay) ** 2 + ((z - cz) / az) ** 2;
        if (d <= 1) lm[row + x] = 1;
        else if (d <= 1.15) lm[row + x] = 2;
      }
    }
  }
  return lm;
}

/** The model's p: 1 at the centre of an ellipsoid near the raters' lesions, falling to 0 at 1.5 × its radius. */
export function modelProbabilities(): Float32Array {
  const [nx, ny, nz] = REVIEW_DIMS;
  const p = new Float32Array(nx * ny * nz);
  const [cx, cy, cz] = [262, 232, 154];
  const [ax, ay, az] = [46, 32, 18];
  for (let z = Math.floor(cz - 1.5 * az); z <= cz + 1.5 * az; z++) {
    for (let y = Math.floor(cy - 1.5 * ay); y <= cy + 1.5 * ay; y++) {
      const row = nx * (y + ny * z);
      for (let x = Math.floor(cx - 1.5 * ax); x <= cx + 1.5 * ax; x++) {
        const d = Math.sqrt(((x - cx) / ax) ** 2 + ((y - cy) / ay) ** 2 + ((z - cz) / az) ** 2);
        p[row + x] = Math.max(0, 1 - d / 1.5);
      }
    }
  }
  return p;
}
