/** The reader-study viewer's pixel helpers, on masks small enough to count edges by hand. */
import { describe, expect, it } from 'vitest';
import { invertsGrey } from '../../viewer/greyDisplay';
import {
  dragWindow,
  outlineSegments,
  radiologicalFlips,
  robustWindow,
  sliceRgba,
  startSlice,
  voxelsFromBytes,
  voxelsPerSlice,
} from './sliceRender';

const DIMS = [4, 3, 2] as const;

function maskWith(indices: number[]): Uint8Array {
  const m = new Uint8Array(24);
  for (const i of indices) m[i] = 1;
  return m;
}

describe('outlineSegments', () => {
  it('draws the four edges of one voxel', () => {
    // Voxel (1, 1) on slice 0: flat index 1·4 + 1 = 5.
    const s = outlineSegments(maskWith([5]), DIMS, 0);
    expect(Array.from(s)).toEqual([1, 1, 1, 2, 2, 1, 2, 2, 1, 1, 2, 1, 1, 2, 2, 2]);
  });

  it('leaves out the shared edge of two neighbours (6 edges, not 8) and closes at the slice border', () => {
    // Voxels (0, 0) and (1, 0) on slice 1: flat 12 and 13.
    const s = outlineSegments(maskWith([12, 13]), DIMS, 1);
    expect(s.length / 4).toBe(6);
    expect(outlineSegments(maskWith([12, 13]), DIMS, 0).length).toBe(0);
  });

  it('treats any non-zero label as inside', () => {
    const m = maskWith([5]);
    m[5] = 2;
    expect(outlineSegments(m, DIMS, 0).length / 4).toBe(4);
  });
});

describe('slices and windows', () => {
  it('counts voxels per slice and opens on the fullest slice of all overlays together', () => {
    const a = maskWith([0, 13]);
    const b = maskWith([14, 15]);
    expect(voxelsPerSlice(a, DIMS)).toEqual([1, 1]);
    expect(startSlice([a, b], DIMS)).toBe(1);
    expect(startSlice([new Uint8Array(24)], DIMS)).toBe(1);
  });

  it('maps the window to 0–255 grey and reads little-endian int16', () => {
    const bytes = new Uint8Array([0x10, 0x00, 0xff, 0xff]);
    expect(Array.from(voxelsFromBytes(bytes, 'int16'))).toEqual([16, -1]);
    // Window [10, 265]: 255 grey levels over 255 units, so grey = value − 10, clamped to 0–255.
    const v = new Float32Array([10, 61, 300, 5]);
    const rgba = sliceRgba(v, [2, 2, 1], 0, [10, 265], false);
    expect(Array.from(rgba.filter((_, i) => i % 4 === 0))).toEqual([0, 51, 255, 0]);
    expect(rgba[3]).toBe(255);
  });

  it('shows a MONOCHROME1 volume inverted, same window, values untouched', () => {
    const v = new Float32Array([10, 61, 300, 5]);
    const normal = sliceRgba(v, [2, 2, 1], 0, [10, 265], false);
    // The study image of a MONOCHROME1 volume says so (greyDisplay.ts), and its slice is drawn inverted:
    const inverted = sliceRgba(v, [2, 2, 1], 0, [10, 265], invertsGrey({ displayInverted: true }));
    for (let p = 0; p < 4; p++) for (let c = 0; c < 3; c++) expect(inverted[4 * p + c]).toBe(255 - normal[4 * p + c]);
    expect(Array.from(inverted.filter((_, i) => i % 4 === 0))).toEqual([255, 204, 0, 255]);
    expect(inverted[3]).toBe(255);
    expect(Array.from(v)).toEqual([10, 61, 300, 5]);
    expect(invertsGrey({})).toBe(false);
  });

  it('windows on the 1st–99th percentile of non-zero voxels', () => {
    const v = new Float32Array(1001);
    for (let i = 1; i <= 1000; i++) v[i] = i;
    // 1000 samples 1..1000: index floor(0.01·999) = 9 → 10, floor(0.99·999) = 989 → 990.
    expect(robustWindow(v)).toEqual([10, 990]);
    expect(robustWindow(new Float32Array(5))).toEqual([0, 1]);
  });
});

describe('radiologicalFlips', () => {
  it('mirrors i when it points to patient right and j when it points anterior', () => {
    // LPS identity: i → left, j → posterior: already radiological (left on the right, anterior up).
    expect(radiologicalFlips([1, 0, 0, 0, 1, 0, 0, 0, 1])).toEqual({ flipX: false, flipY: false });
    // A RAS-stored NIfTI seen in LPS: i → right, j → anterior: both mirrored.
    expect(radiologicalFlips([-1, 0, 0, 0, -1, 0, 0, 0, 1])).toEqual({ flipX: true, flipY: true });
  });
});

describe('dragWindow', () => {
  it('widens with a drag to the right and raises the level with a drag down, by perPixel per pixel', () => {
    // [100, 300]: width 200, level 200. dx = 10 at 2/px → width 220; dy = 5 → level 210.
    expect(dragWindow([100, 300], 10, 5, 2)).toEqual([100, 320]);
    // Narrowing stops at one step wide instead of inverting the window.
    const narrow = dragWindow([100, 300], -1000, 0, 2);
    expect(narrow[1] - narrow[0]).toBe(2);
    expect((narrow[0] + narrow[1]) / 2).toBe(200);
  });
});
