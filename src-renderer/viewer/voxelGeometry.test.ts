import { describe, expect, it } from 'vitest';
import type { Geometry } from '../../src-shared/volume/types';
import { createWorldToIndex, indexToWorld, nearestVoxel, voxelValue } from './voxelGeometry';

describe('createWorldToIndex', () => {
  it('inverts an anisotropic, flipped grid', () => {
    const geometry: Geometry = {
      dims: [10, 20, 30],
      spacingMm: [0.5, 2, 3],
      originLps: [10, -5, 7],
      direction: [-1, 0, 0, 0, -1, 0, 0, 0, 1],
    };
    // Voxel (4, 3, 2): x = 10 − 4·0.5 = 8, y = −5 − 3·2 = −11, z = 7 + 2·3 = 13.
    expect(indexToWorld(geometry, [4, 3, 2])).toEqual([8, -11, 13]);
    const toIndex = createWorldToIndex(geometry);
    const ijk = toIndex([8, -11, 13]);
    expect(ijk[0]).toBeCloseTo(4, 12);
    expect(ijk[1]).toBeCloseTo(3, 12);
    expect(ijk[2]).toBeCloseTo(2, 12);
  });

  it('handles a rotated grid (45° about z)', () => {
    const c = Math.SQRT1_2;
    const geometry: Geometry = {
      dims: [4, 4, 4],
      spacingMm: [2, 2, 1],
      originLps: [0, 0, 0],
      direction: [c, c, 0, -c, c, 0, 0, 0, 1],
    };
    // Voxel (1, 1, 0) = 2·(c, c, 0) + 2·(−c, c, 0) = (0, 4c, 0).
    const ijk = createWorldToIndex(geometry)([0, 4 * c, 0]);
    expect(ijk[0]).toBeCloseTo(1, 12);
    expect(ijk[1]).toBeCloseTo(1, 12);
    expect(ijk[2]).toBeCloseTo(0, 12);
  });

  it('refuses a degenerate geometry', () => {
    expect(() =>
      createWorldToIndex({ dims: [1, 1, 1], spacingMm: [1, 1, 1], originLps: [0, 0, 0], direction: [1, 0, 0, 1, 0, 0, 0, 0, 1] }),
    ).toThrow(/degenerate/);
  });
});

describe('nearestVoxel / voxelValue', () => {
  it('rounds to the nearest centre and rejects points outside', () => {
    expect(nearestVoxel([3, 3, 3], [1.4, 0.6, 2.49])).toEqual([1, 1, 2]);
    expect(nearestVoxel([3, 3, 3], [2.6, 0, 0])).toBeNull();
    expect(nearestVoxel([3, 3, 3], [-0.6, 0, 0])).toBeNull();
  });
  it('reads i-fastest data', () => {
    const data = new Int16Array(2 * 3 * 4).map((_, n) => n);
    // (1, 2, 3) → 1 + 2·2 + 3·2·3 = 23.
    expect(voxelValue(data, [2, 3, 4], [1, 2, 3])).toBe(23);
  });
});
