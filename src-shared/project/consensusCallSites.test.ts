/**
 * The one consensus engine (consensus.ts) against the rule every former copy wrote out: the metrics'
 * soft reference was counts / R in double precision and their majority counts ≥ ⌊R/2⌋ + 1, the
 * panel's masks came from deriveSources. On cases with ties (even R) and raters who marked nothing,
 * each call site must give exactly what that rule gives.
 */
import { describe, expect, it } from 'vitest';
import { deriveSources, KeyedStore, MaskPool } from '../evaluation/sources';
import { majority, softReference } from '../metrics/raters';
import { majorityConsensus, softConsensus } from './consensus';
import { axisAlignedGeometry } from '../volume/geometry';

/** The former metrics rule, written out on 0/1 masks: soft = count / R, majority = count ≥ ⌊R/2⌋ + 1. */
function formerRule(masks: readonly Uint8Array[]): { soft: number[]; majority: number[] } {
  const n = masks[0].length;
  const soft: number[] = [];
  const maj: number[] = [];
  for (let p = 0; p < n; p++) {
    let count = 0;
    for (const m of masks) count += m[p];
    soft.push(count / masks.length);
    maj.push(count >= Math.floor(masks.length / 2) + 1 ? 1 : 0);
  }
  return { soft, majority: maj };
}

const empty = () => new Uint8Array(6);
const cases: Record<string, Uint8Array[]> = {
  // Voxels 1 and 2 are 2–2 ties, voxel 5 a 1–3 minority; rater 4 marked nothing.
  'four raters with ties and an empty one': [
    Uint8Array.of(1, 1, 1, 0, 0, 0),
    Uint8Array.of(1, 1, 0, 1, 0, 1),
    Uint8Array.of(1, 0, 1, 1, 0, 0),
    empty(),
  ],
  'two raters tied everywhere they differ': [Uint8Array.of(1, 0, 1, 0, 1, 1), Uint8Array.of(0, 1, 1, 0, 1, 0)],
  'three raters who all marked nothing': [empty(), empty(), empty()],
  'one rater': [Uint8Array.of(0, 1, 1, 0, 0, 1)],
};

describe('one consensus engine, every call site', () => {
  for (const [name, masks] of Object.entries(cases)) {
    it(`gives the former rule's soft reference and majority: ${name}`, () => {
      const want = formerRule(masks);
      // The metrics conventions (CLI): double precision, exactly count / R.
      expect(Array.from(softReference(masks))).toEqual(want.soft);
      expect(Array.from(majority(masks))).toEqual(want.majority);
      // Export, study overlays and calibration call the engine directly; Float32 is the nearest float.
      expect(Array.from(majorityConsensus(masks, 'lesion'))).toEqual(want.majority);
      expect(Array.from(softConsensus(masks, 'lesion'))).toEqual(want.soft.map(Math.fround));
      // The metrics panel and the dashboard (evaluation sources), under every uncertain rule (0/1 masks have no uncertain voxels).
      for (const uncertainAs of ['lesion', 'background', 'half'] as const) {
        const d = deriveSources(
          {
            geometry: axisAlignedGeometry([6, 1, 1], [1, 1, 1]),
            raters: masks.map((labelmap, i) => ({ id: `r${i}`, name: `r${i}`, labelmap, key: 'v1' })),
            model: null,
          },
          uncertainAs,
          { masks: new KeyedStore(), votes: new KeyedStore(), pool: new MaskPool() },
        );
        expect(Array.from(d.majority?.mask ?? [])).toEqual(want.majority);
        // The soft reference travels as half-vote codes into a table of the Float32 means.
        const soft = d.soft;
        expect(soft && Array.from(soft.codes, (c) => soft.values[c])).toEqual(want.soft.map(Math.fround));
      }
    });
  }
});
