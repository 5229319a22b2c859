/** Heat map quantisation and the layer colour tables, on hand-worked voxels. */
import { describe, expect, it } from 'vitest';
import { softReference } from '../../src-shared/metrics/raters';
import { labelSoftConsensus, softConsensus } from '../../src-shared/project/consensus';
import {
  computeHeatMap,
  heatLevelAt,
  heatLevelsFor,
  heatLutAt,
  heatMapSum,
  heatVoxelsDrawn,
  softContourLevels,
  softContourVoxels,
  type HeatMap,
} from './heatLevels';
import { LABEL_PRESETS } from '../../src-shared/project/labelTable';
import { heatLut, OKABE_ITO, ownLabelmapLut, raterColor, raterLut } from './raterColors';

/** Each voxel's level, read through its vote code as the layer's colour table does. */
const steps = (heat: HeatMap): number[] => Array.from(heat.votes.codes, (_, i) => heatLevelAt(heat, i));

describe('heat map levels', () => {
  it('represents the mean of two raters exactly with half votes for uncertain voxels', () => {
    // voxel:      0  1  2  3  4
    const a = Uint8Array.of(0, 1, 1, 2, 0);
    const b = Uint8Array.of(0, 1, 0, 2, 2);
    // means:      0, 1, 0.5, 0.5, 0.25 → levels (×4): 0, 4, 2, 2, 1
    const heat = computeHeatMap([a, b]);
    expect(heat.levels).toBe(4);
    expect(steps(heat)).toEqual([0, 4, 2, 2, 1]);
    expect(heatVoxelsDrawn(heat, 0)).toBe(4);
    // A lower threshold of 0.5 hides the quarter vote (level 1) and keeps 0.5 itself (level 2).
    expect(heatVoxelsDrawn(heat, 0.5)).toBe(3);
    // Colours per vote code, read per voxel: voxel 4 (a quarter vote) goes transparent at 0.5.
    const alphaAt = (lut: number[][]) => Array.from(heat.votes.codes, (c) => lut[c][3]);
    expect(alphaAt(heatLutAt(heat, 0.5, true))).toEqual([0, 255, 255, 255, 0]);
    expect(alphaAt(heatLutAt(heat, 0, true))).toEqual([0, 255, 255, 255, 255]);
    // Hidden: no code coloured; the hues stay the ramp's level colours.
    expect(alphaAt(heatLutAt(heat, 0, false))).toEqual([0, 0, 0, 0, 0]);
    expect(Array.from(heat.votes.codes, (c) => heatLutAt(heat, 0.5, true)[c].slice(0, 3))).toEqual(
      steps(heat).map((m) => heatLut(4)[m].slice(0, 3)),
    );
  });

  it('draws through its colours exactly the voxels the thresholded grid used to keep, at every threshold', () => {
    // The former quantiseHeatMap, written out: a voxel kept its level round(mean × levels) unless
    // that was 0 or its mean fell under the threshold. The layer now colours vote codes; the same
    // voxels must show, in the same level's colour.
    const raters = Array.from({ length: 3 }, (_, r) => Uint8Array.from({ length: 500 }, (_, i) => ((i * (r + 7)) % 11) % 3));
    for (const rule of ['half', 'lesion', 'background'] as const) {
      const heat = computeHeatMap(raters, rule);
      const soft = softConsensus(raters, rule);
      for (const t of [0, 0.1, 1 / 6, 0.25, 1 / 3, 0.5, 2 / 3, 0.9, 1]) {
        const lut = heatLutAt(heat, t, true);
        let kept = 0;
        heat.votes.codes.forEach((c, i) => {
          const m = Math.round(soft[i] * heat.levels);
          const keep = m !== 0 && !(m / heat.levels < t);
          if (keep) kept++;
          expect(lut[c][3] > 0).toBe(keep);
          if (keep) expect(lut[c].slice(0, 3)).toEqual(heatLut(heat.levels)[m].slice(0, 3));
        });
        expect(heatVoxelsDrawn(heat, t)).toBe(kept);
      }
    }
  });

  it("sums to the metrics panel's V_soft (in voxels) under every uncertain rule", () => {
    const a = Uint8Array.of(0, 1, 1, 2, 0);
    const b = Uint8Array.of(0, 1, 0, 2, 2);
    const c = Uint8Array.of(1, 1, 0, 0, 2);
    // ½ vote: means 1/3, 1, 1/3, 1/3, 1/3 → 7/3; as lesion: 1/3, 1, 1/3, 2/3, 2/3 → 3.
    expect(heatMapSum(computeHeatMap([a, b, c], 'half'))).toBeCloseTo(7 / 3, 12);
    expect(heatMapSum(computeHeatMap([a, b, c], 'lesion'))).toBeCloseTo(3, 12);
    for (const rule of ['half', 'lesion', 'background'] as const) {
      const soft = softConsensus([a, b, c], rule).reduce((x, y) => x + y, 0);
      expect(heatMapSum(computeHeatMap([a, b, c], rule))).toBeCloseTo(soft, 6);
    }
  });

  it("is the metrics' soft reference voxel by voxel, with ties and a rater who marked nothing", () => {
    // Four raters, 2–2 ties on voxels 1 and 2, the fourth empty: levels 8, each step a mean of 1/8.
    const masks = [Uint8Array.of(1, 1, 1, 0), Uint8Array.of(1, 1, 0, 1), Uint8Array.of(1, 0, 1, 0), new Uint8Array(4)];
    const heat = computeHeatMap(masks, 'lesion');
    expect(steps(heat).map((s) => s / heat.levels)).toEqual(Array.from(softReference(masks)));
  });

  it('counts uncertain voxels as lesion when asked', () => {
    const heat = computeHeatMap([Uint8Array.of(2, 0), Uint8Array.of(2, 1), Uint8Array.of(0, 0)], 'lesion');
    // 2 of 3 and 1 of 3 raters, 6 levels: 4 and 2.
    expect(steps(heat)).toEqual([4, 2]);
    expect(heatLevelsFor(3)).toBe(6);
  });
});

describe('layer colours', () => {
  it('gives each rater an own Okabe–Ito LUT, uncertain fainter in the same hue', () => {
    const stroke = LABEL_PRESETS.stroke.labels;
    expect(raterLut(0, stroke)).toEqual([
      [0, 0, 0, 0],
      [230, 159, 0, 255],
      [230, 159, 0, 102],
    ]);
    expect(raterColor(1)).toEqual([86, 180, 233]);
    expect(raterColor(OKABE_ITO.length)).toEqual(raterColor(0));
    // Separate arrays: editing one rater's LUT cannot recolour another.
    expect(raterLut(0, stroke)).not.toBe(raterLut(0, stroke));
    // Core/penumbra: both labels in the rater's colour, the uncertain value 3 fainter.
    expect(raterLut(1, LABEL_PRESETS['core-penumbra'].labels)).toEqual([
      [0, 0, 0, 0],
      [86, 180, 233, 255],
      [86, 180, 233, 255],
      [86, 180, 233, 102],
    ]);
  });

  it("draws the own labelmap in the label table's colours, values outside it transparent", () => {
    const table = [
      { value: 2, name: 'GGO', colour: '#e69f00', uncertain: false },
      { value: 4, name: 'Maybe', colour: '#F0E442', uncertain: true },
    ];
    expect(ownLabelmapLut(table)).toEqual([
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [0xe6, 0x9f, 0x00, 255],
      [0, 0, 0, 0],
      [0xf0, 0xe4, 0x42, 255],
    ]);
  });

  it('ramps the heat LUT from viridis purple to yellow with a transparent 0', () => {
    const lut = heatLut(4);
    expect(lut).toHaveLength(5);
    expect(lut[0]).toEqual([0, 0, 0, 0]);
    expect(lut[1]).toEqual([68, 1, 84, 255]);
    // Level 2 of 4 is t = ⅓: a third of the way from the ¼ stop (59, 82, 139) to the ½ stop (33, 145, 140):
    // 59 − 26/3 = 50.3 → 50, 82 + 63/3 = 103, 139 + 1/3 → 139.
    expect(lut[2]).toEqual([50, 103, 139, 255]);
    expect(lut[4]).toEqual([253, 231, 37, 255]);
    expect(() => heatLut(0)).toThrow(/from 1 to 255/);
  });
});

describe('softContourLevels', () => {
  it('marks voxels whose mean vote is at least ½ (a 1-of-2 tie is inside)', () => {
    // Two raters: votes (1,0) → ½ inside; (2,0) → ¼ outside; (1,2) → ¾ inside; (0,0) → 0 outside.
    const heat = computeHeatMap([Uint8Array.from([1, 2, 1, 0]), Uint8Array.from([0, 0, 2, 0])]);
    const out = new Uint8Array(4);
    expect(softContourLevels(heat, out)).toBe(2);
    expect(Array.from(out)).toEqual([1, 0, 1, 0]);
    // The same count from the histogram, with no grid written (what a hidden contour reports).
    expect(softContourVoxels(heat)).toBe(2);
    expect(() => softContourLevels(heat, new Uint8Array(3))).toThrow(/3 voxels, expected 4/);
  });
});

describe('computeHeatMap input checks', () => {
  it('refuses raters on different grids and an empty rater list', () => {
    expect(() => computeHeatMap([Uint8Array.of(1, 0), Uint8Array.of(1)])).toThrow(/labelmap 1 has 1 voxels but labelmap 0 has 2/);
    expect(() => computeHeatMap([])).toThrow(/at least one rater/);
  });
});

describe('heat map of one label (multi-label table: 1 core, 2 penumbra, 3 uncertain)', () => {
  // voxel:      0  1  2  3
  const a = Uint8Array.of(1, 2, 3, 2);
  const b = Uint8Array.of(1, 1, 2, 0);
  const c = Uint8Array.of(2, 3, 2, 0);
  it('is the share of raters who painted the label, uncertain voting for none', () => {
    // Penumbra (2): 1/3, 1/3, 2/3, 1/3 of three raters → levels (×6): 2, 2, 4, 2.
    const heat = computeHeatMap([a, b, c], 'lesion', 2);
    expect(heat.levels).toBe(6);
    expect(steps(heat)).toEqual([2, 2, 4, 2]);
    // Core (1): 2/3, 1/3, 0, 0 → 4, 2, 0, 0; its Σ is the soft reference's of consensus.ts.
    const core = computeHeatMap([a, b, c], 'lesion', 1);
    expect(steps(core)).toEqual([4, 2, 0, 0]);
    expect(heatMapSum(core)).toBeCloseTo(
      [...labelSoftConsensus([a, b, c], 1)].reduce((x, y) => x + y, 0),
      6,
    );
  });
});
