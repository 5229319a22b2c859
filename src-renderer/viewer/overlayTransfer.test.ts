import { describe, expect, it } from 'vitest';
import { mapLevel } from './mapLevels';
import { MAP_FLOOR, MAP_LEVELS, mapLut, mapTransferNodes, type OpacityNode } from './overlayTransfer';

/** Piecewise-linear evaluation of nodes (vtk.js's default between nodes), clamped at the ends. */
function at<T extends { x: number }>(nodes: readonly T[], x: number, value: (n: T) => number[]): number[] {
  if (x <= nodes[0].x) return value(nodes[0]);
  for (let i = 1; i < nodes.length; i++) {
    const [a, b] = [nodes[i - 1], nodes[i]];
    if (x <= b.x) {
      const f = b.x === a.x ? 1 : (x - a.x) / (b.x - a.x);
      return value(a).map((va, k) => va + f * (value(b)[k] - va));
    }
  }
  return value(nodes[nodes.length - 1]);
}
const opacityAt = (nodes: readonly OpacityNode[], x: number) => at(nodes, x, (n) => [n.y])[0];

describe('overlay transfer functions', () => {
  it('draw a map in the colours and at the cut the former Uint8 levels (mapLevel) gave it', () => {
    for (const max of [1, 2]) {
      const lut = mapLut(MAP_LEVELS);
      const nodes = mapTransferNodes(lut, max, MAP_FLOOR * max);
      const values = Float32Array.from({ length: 2001 }, (_, i) => (i / 2000) * max);
      const levels = Array.from(values, (v) => mapLevel(v, max, MAP_LEVELS, MAP_FLOOR));
      values.forEach((v, i) => {
        // Within the step's width of a level boundary either neighbour is right.
        const m = (v / max) * MAP_LEVELS;
        if (Math.abs(m - Math.round(m)) < 1e-4 || Math.abs(v - MAP_FLOOR * max) < 1e-4) return;
        const drawn = opacityAt(nodes.opacity, v) > 0;
        expect(drawn).toBe(levels[i] !== 0);
        if (!drawn) return;
        const rgb = at(nodes.colour, v, (n) => [n.r, n.g, n.b]).map((c) => Math.round(c * 255));
        expect(rgb).toEqual(lut[levels[i]].slice(0, 3));
      });
    }
  });
});
