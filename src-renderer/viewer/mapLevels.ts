/**
 * A map's value (probability, entropy, mutual information, disagreement) as one of `levels` colour
 * steps: level m in 1..levels covers values in ((m − 1)/levels·max, m/levels·max], and values at or
 * below `floor`·max are 0 (transparent), so background noise does not tint the whole image. `max`
 * is a fixed scale (1 for a probability, the entropy bound for uncertainty maps), not the data's
 * maximum, so colours mean the same on every case.
 *
 * Pure.
 */
export function mapLevel(value: number, max: number, levels: number, floor: number): number {
  if (!(max > 0) || !Number.isInteger(levels) || levels < 1 || levels > 255)
    throw new Error(`bad map scale (max ${max}, levels ${levels})`);
  if (!(value > floor * max)) return 0;
  return Math.min(levels, Math.max(1, Math.ceil(value * (levels / max))));
}
