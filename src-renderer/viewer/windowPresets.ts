/**
 * Window/level: the CT presets and the automatic window for MR.
 *
 * A window is given as width W and level (centre) L; Cornerstone wants the VOI range
 * [L − W/2, L + W/2]. Pure functions, no Cornerstone import, so they are unit-tested in Node.
 */
import type { VoxelArray } from '../../src-shared/volume/types';

export interface VoiRange {
  readonly lower: number;
  readonly upper: number;
}

export interface CtPreset {
  readonly id: 'brain' | 'stroke' | 'subdural' | 'bone';
  readonly label: string;
  /** The key that applies it (also listed in the help overlay). */
  readonly key: string;
  readonly widthHu: number;
  readonly levelHu: number;
}

/**
 * Head CT presets, in HU.
 * - brain W80 L40: the standard brain window (Radiopaedia, "Windowing (CT)").
 * - stroke W40 L40: the narrow "stroke window" of Turner & Holdsworth, Br J Radiol 2011;84:1061,
 *   doi:10.1259/bjr/99730184 (Lev et al., Radiology 1999;213:150 used W8 L32 with manual tuning).
 * - subdural W200 L75: inside Radiopaedia's subdural range (W130–300, L50–100).
 * - bone W2000 L600: a skull bone window, between Radiopaedia's spine bone (W1800 L400) and
 *   temporal-bone (W2800 L600) settings.
 */
export const CT_PRESETS: readonly CtPreset[] = [
  { id: 'brain', label: 'Brain', key: '1', widthHu: 80, levelHu: 40 },
  { id: 'stroke', label: 'Stroke', key: '2', widthHu: 40, levelHu: 40 },
  { id: 'subdural', label: 'Subdural', key: '3', widthHu: 200, levelHu: 75 },
  { id: 'bone', label: 'Bone', key: '4', widthHu: 2000, levelHu: 600 },
];

export function windowToVoiRange(width: number, level: number): VoiRange {
  return { lower: level - width / 2, upper: level + width / 2 };
}

const HISTOGRAM_BINS = 4096;

/**
 * Automatic MR window: the 1st to 99th percentile of the non-zero voxels. MR has no absolute
 * scale, and zero-filled background is often most of the volume, so it is left out; when (almost)
 * everything is zero the full range is used. Percentiles come from a 4096-bin histogram over
 * [min, max], one pass and one allocation, precise to 1/4096 of the range, plenty for display.
 */
export function computeAutoVoiRange(data: VoxelArray, min: number, max: number): VoiRange {
  if (!(max > min)) return { lower: min - 0.5, upper: max + 0.5 };
  const counts = new Uint32Array(HISTOGRAM_BINS);
  const scale = (HISTOGRAM_BINS - 1) / (max - min);
  let nonZero = 0;
  for (let n = 0; n < data.length; n++) {
    const v = data[n];
    if (v === 0 || !Number.isFinite(v)) continue;
    const bin = Math.min(HISTOGRAM_BINS - 1, Math.max(0, Math.floor((v - min) * scale)));
    counts[bin]++;
    nonZero++;
  }
  if (nonZero < data.length * 0.01) return { lower: min, upper: max };
  const lowBin = binAtFraction(counts, nonZero, 0.01);
  const highBin = binAtFraction(counts, nonZero, 0.99);
  const lower = min + lowBin / scale;
  const upper = min + (highBin + 1) / scale;
  return upper > lower ? { lower, upper } : { lower: min, upper: max };
}

function binAtFraction(counts: Uint32Array, total: number, fraction: number): number {
  const target = total * fraction;
  let seen = 0;
  for (let b = 0; b < counts.length; b++) {
    seen += counts[b];
    if (seen >= target) return b;
  }
  return counts.length - 1;
}
