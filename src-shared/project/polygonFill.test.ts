import { describe, expect, it } from 'vitest';
import { fillPolygon } from './polygonFill';

function setOn(lm: Uint8Array, nx: number, ny: number, k: number): string[] {
  const out: string[] = [];
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) if (lm[k * nx * ny + j * nx + i]) out.push(`${i},${j}`);
  return out;
}

describe('fillPolygon', () => {
  it('fills the voxel centres inside a square, on the given slice only', () => {
    const lm = new Uint8Array(6 * 6 * 3);
    const changed = fillPolygon(
      lm,
      { dims: [6, 6, 3], k: 1 },
      [
        [0.5, 0.5],
        [3.5, 0.5],
        [3.5, 2.5],
        [0.5, 2.5],
      ],
      2,
    );
    // Centres with 0.5 ≤ i ≤ 3.5 and 0.5 ≤ j ≤ 2.5: i in 1..3, j in 1..2.
    expect(setOn(lm, 6, 6, 1)).toEqual(['1,1', '2,1', '3,1', '1,2', '2,2', '3,2']);
    expect(changed.length).toBe(6);
    expect(setOn(lm, 6, 6, 0)).toEqual([]);
    expect(setOn(lm, 6, 6, 2)).toEqual([]);
    expect(lm[1 * 36 + 1 * 6 + 1]).toBe(2);
  });
  it('fills a triangle by the even–odd rule and clips it to the slice', () => {
    const lm = new Uint8Array(5 * 5);
    fillPolygon(
      lm,
      { dims: [5, 5, 1], k: 0 },
      [
        [-0.5, -0.5],
        [8, -0.5],
        [-0.5, 8],
      ],
      1,
    );
    // The hypotenuse from (8, −0.5) to (−0.5, 8) is i + j = 7.5: centres with i + j ≤ 7.5 are inside.
    const expected: string[] = [];
    for (let j = 0; j < 5; j++) for (let i = 0; i < 5; i++) if (i + j <= 7.5) expected.push(`${i},${j}`);
    expect(setOn(lm, 5, 5, 0)).toEqual(expected);
  });
  it('reports only voxels that changed, so refilling does nothing', () => {
    const lm = new Uint8Array(16);
    const square: Array<[number, number]> = [
      [0, 0],
      [3, 0],
      [3, 3],
      [0, 3],
    ];
    expect(fillPolygon(lm, { dims: [4, 4, 1], k: 0 }, square, 1).length).toBeGreaterThan(0);
    expect(fillPolygon(lm, { dims: [4, 4, 1], k: 0 }, square, 1)).toEqual([]);
  });
  it('refuses bad input with a reason', () => {
    expect(() =>
      fillPolygon(
        new Uint8Array(8),
        { dims: [2, 2, 2], k: 2 },
        [
          [0, 0],
          [1, 0],
          [1, 1],
        ],
        1,
      ),
    ).toThrow(/slice 2/);
    expect(() =>
      fillPolygon(
        new Uint8Array(8),
        { dims: [2, 2, 2], k: 0 },
        [
          [0, 0],
          [1, 0],
        ],
        1,
      ),
    ).toThrow(/at least 3/);
    expect(() =>
      fillPolygon(
        new Uint8Array(7),
        { dims: [2, 2, 2], k: 0 },
        [
          [0, 0],
          [1, 0],
          [1, 1],
        ],
        1,
      ),
    ).toThrow(/7 voxels/);
    expect(() =>
      fillPolygon(
        new Uint8Array(8),
        { dims: [2, 2, 2], k: 0 },
        [
          [0, 0],
          [1, NaN],
          [1, 1],
        ],
        1,
      ),
    ).toThrow(/finite/);
  });
});
