/**
 * A Float32 map (probability, entropy, mutual information) as Uint8 levels Cornerstone can draw as
 * a labelmap with a colour ramp: level m in 1..levels covers values in ((m − 1)/levels·max, m/levels·max],
 * and values at or below `floor`·max are 0 (transparent), so background noise does not tint the
 * whole image. `max` is a fixed scale (1 for a probability, the entropy bound for uncertainty maps),
 * not the data's maximum, so colours mean the same on every case.
 *
 * Pure; the output array is the caller's (reused when the map changes).
 */
export function quantiseMap(values: Float32Array, max: number, levels: number, floor: number, out: Uint8Array): number {
  if (out.length !== values.length) throw new Error(`map output has ${out.length} voxels, expected ${values.length}`);
  if (!(max > 0) || !Number.isInteger(levels) || levels < 1 || levels > 255)
    throw new Error(`bad map scale (max ${max}, levels ${levels})`);
  const cut = floor * max;
  const k = levels / max;
  let shown = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v > cut)) {
      out[i] = 0;
    } else {
      out[i] = Math.min(levels, Math.max(1, Math.ceil(v * k)));
      shown++;
    }
  }
  return shown;
}
