import { describe, expect, it } from 'vitest';
import type { Dims3 } from './grid';
import { emptyMask, fillBox, setVoxel } from './shapes';
import { surfaceDiceAt, surfelDistances } from './surfaceDice';
import { surfelAreaTable } from './surfelTable';

const bit = (a: number, b: number, c: number) => 1 << (7 - (4 * a + 2 * b + c));

describe('surfel area table (DeepMind codes: voxel offset (a,b,c) sets bit 7 − (4a+2b+c))', () => {
  it('a single set voxel cuts one corner: triangle with vertices at 3 edge midpoints, area √3/8', () => {
    const t = surfelAreaTable([1, 1, 1]);
    for (const code of [1, 2, 4, 8, 16, 32, 64, 128]) expect(t[code]).toBeCloseTo(Math.sqrt(3) / 8, 14);
  });

  it('four voxels on one face give the mid-plane: area s1·s2 for a face normal to axis 0', () => {
    const face = bit(1, 0, 0) | bit(1, 0, 1) | bit(1, 1, 0) | bit(1, 1, 1); // 15
    expect(face).toBe(15);
    expect(surfelAreaTable([1, 1, 1])[face]).toBeCloseTo(1, 14);
    expect(surfelAreaTable([2, 3, 5])[face]).toBeCloseTo(15, 12);
    const faceK = bit(0, 0, 1) | bit(0, 1, 1) | bit(1, 0, 1) | bit(1, 1, 1);
    expect(surfelAreaTable([2, 3, 5])[faceK]).toBeCloseTo(6, 12);
  });

  it('two voxels along an edge give a rectangle of 1 × √2/2 at unit spacing', () => {
    expect(surfelAreaTable([1, 1, 1])[bit(1, 1, 1) | bit(1, 1, 0)]).toBeCloseTo(Math.SQRT1_2, 14);
  });

  it('three voxels of a face (non-planar pentagon) follow the marching-cubes triangulation: 1/2 + 3√3/8', () => {
    // triangles: one in the plane a = ½ (area ½), then area vectors (¼,¼,¼) and (⅛,⅛,⅛)
    expect(surfelAreaTable([1, 1, 1])[7]).toBeCloseTo(0.5 + (3 * Math.sqrt(3)) / 8, 14);
  });

  it('is symmetric under complement and zero for the two uniform codes', () => {
    const t = surfelAreaTable([0.7, 1.3, 2.9]);
    expect(t[0]).toBe(0);
    expect(t[255]).toBe(0);
    for (let c = 1; c < 255; c++) {
      expect(t[c]).toBeGreaterThan(0);
      expect(t[255 - c]).toBeCloseTo(t[c], 14);
    }
  });
});

describe('surface Dice on the corner lattice', () => {
  it('a single voxel has total surfel area √3 (eight corner triangles)', () => {
    const dims: Dims3 = [3, 3, 3];
    const a = setVoxel(emptyMask(dims), dims, 1, 1, 1);
    const s = surfelDistances(a, a.slice(), dims, [1, 1, 1]);
    const total = s.refAreas.reduce((x, y) => x + y, 0);
    expect(total).toBeCloseTo(Math.sqrt(3), 14);
    expect(surfaceDiceAt(s, 0)).toBe(1);
  });

  it('two voxels 3 apart along i: near corners 2 mm apart, far corners 3 mm', () => {
    // Each voxel's 8 corners: 4 at the near face (2 voxels of gap → 2 mm), 4 at the far face (3 mm).
    const dims: Dims3 = [6, 3, 3];
    const a = setVoxel(emptyMask(dims), dims, 1, 1, 1);
    const b = setVoxel(emptyMask(dims), dims, 4, 1, 1);
    const s = surfelDistances(a, b, dims, [1, 1, 1]);
    expect(surfaceDiceAt(s, 1.9)).toBe(0);
    expect(surfaceDiceAt(s, 2)).toBeCloseTo(0.5, 14);
    expect(surfaceDiceAt(s, 3)).toBe(1);
  });

  it('handles masks on the array edge (corners outside the array still count)', () => {
    const dims: Dims3 = [2, 2, 2];
    const full = fillBox(emptyMask(dims), dims, [0, 0, 0], [1, 1, 1]);
    const s = surfelDistances(full, full.slice(), dims, [1, 2, 3]);
    // the lattice spans one corner beyond the array on each side; the block matches itself exactly
    expect(surfaceDiceAt(s, 0)).toBe(1);
    expect(s.refAreas.length).toBe(26); // 3×3×3 corners minus the one fully inside
  });
});
