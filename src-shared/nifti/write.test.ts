import { describe, expect, it } from 'vitest';
import type { Direction, Geometry, VoxelArray } from '../volume/types';
import { quaternionToRotation, rotationToQuaternion } from './affine';
import { isGzip, readNifti } from './read';
import { writeNifti } from './write';

/** Rodrigues rotation about a unit axis, row-major 3×3. */
function rotation(axis: [number, number, number], deg: number): number[] {
  const n = Math.hypot(...axis);
  const [x, y, z] = axis.map((v) => v / n);
  const t = (deg * Math.PI) / 180;
  const c = Math.cos(t);
  const s = Math.sin(t);
  const C = 1 - c;
  return [
    x * x * C + c,
    x * y * C - z * s,
    x * z * C + y * s,
    y * x * C + z * s,
    y * y * C + c,
    y * z * C - x * s,
    z * x * C - y * s,
    z * y * C + x * s,
    z * z * C + c,
  ];
}

function expectGeometryClose(a: Geometry, b: Geometry, tol = 1e-4): void {
  expect(a.dims).toEqual(b.dims);
  for (let i = 0; i < 3; i++) {
    expect(a.spacingMm[i]).toBeCloseTo(b.spacingMm[i], 5);
    expect(Math.abs(a.originLps[i] - b.originLps[i])).toBeLessThan(tol);
  }
  for (let i = 0; i < 9; i++) expect(Math.abs(a.direction[i] - b.direction[i])).toBeLessThan(tol);
}

// Rows of a rotation matrix are orthonormal: use them as the three voxel-axis directions.
const oblique: Geometry = {
  dims: [5, 6, 7],
  spacingMm: [0.9, 1.1, 2.5],
  originLps: [-100.5, 20.25, 33],
  direction: rotation([1, 2, 3], 20) as unknown as Direction,
};

describe('writeNifti → readNifti round trip', () => {
  it('keeps header, affine, 4D dims and scaling (int16, slope 2, inter -10)', () => {
    const n = 5 * 6 * 7 * 3;
    const stored = Int16Array.from({ length: n }, (_, i) => (i % 200) - 100);
    const bytes = writeNifti({ geometry: oblique, data: stored, volumeCount: 3, sclSlope: 2, sclInter: -10, description: 'round trip' });
    expect(isGzip(bytes)).toBe(false);
    const img = readNifti(bytes);
    expect(img.header.version).toBe(1);
    expect(img.header.dim.slice(0, 5)).toEqual([4, 5, 6, 7, 3]);
    expect(img.header.datatypeCode).toBe(4);
    expect(img.header.bitpix).toBe(16);
    expect(img.header.sclSlope).toBe(2);
    expect(img.header.sclInter).toBe(-10);
    expect(img.header.qformCode).toBe(1);
    expect(img.header.sformCode).toBe(1);
    expect(img.header.description).toBe('round trip');
    expect(img.volumeCount).toBe(3);
    expectGeometryClose(img.geometry, oblique);
    // The RAS affine by hand: column c = spacing_c · (−dx, −dy, dz) of direction row c.
    for (let row = 0; row < 3; row++) {
      for (let c = 0; c < 3; c++) {
        const expected = (row < 2 ? -1 : 1) * oblique.direction[c * 3 + row] * oblique.spacingMm[c];
        expect(img.affineRas[row * 4 + c]).toBeCloseTo(expected, 5);
      }
    }
    expect(img.affineRas[3]).toBeCloseTo(100.5, 4);
    expect(img.affineRas[7]).toBeCloseTo(-20.25, 4);
    expect(img.affineRas[11]).toBeCloseTo(33, 4);
    // Integer slope/inter: scaled values, still integers.
    expect(img.dataType).toBe('int16');
    for (const i of [0, 1, 150, n - 1]) expect(img.data[i]).toBe(stored[i] * 2 - 10);
  });

  it('the qform alone reproduces the grid, including a left-handed one (qfac = -1)', () => {
    const leftHanded = {
      ...oblique,
      direction: [...oblique.direction.slice(0, 6), ...oblique.direction.slice(6).map((v) => -v)] as unknown as Direction,
    };
    for (const geometry of [oblique, leftHanded]) {
      const bytes = writeNifti({ geometry, data: new Uint8Array(5 * 6 * 7) });
      new DataView(bytes.buffer).setInt16(254, 0, true); // sform_code = 0: the reader must use the qform
      const img = readNifti(bytes);
      expect(img.affineSource).toBe('qform');
      expectGeometryClose(img.geometry, geometry);
      expect(img.header.pixdim[0]).toBe(geometry === oblique ? 1 : -1);
    }
  });

  it('keeps every supported data type and its values, plain and gzipped', () => {
    const g: Geometry = { dims: [2, 2, 1], spacingMm: [1, 1, 1], originLps: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
    const arrays: VoxelArray[] = [
      Uint8Array.of(0, 1, 128, 255),
      Int8Array.of(-128, -1, 0, 127),
      Int16Array.of(-32768, -1, 0, 32767),
      Uint16Array.of(0, 1, 40000, 65535),
      Int32Array.of(-(2 ** 31), -1, 0, 2 ** 31 - 1),
      Uint32Array.of(0, 1, 2 ** 31, 2 ** 32 - 1),
      Float32Array.of(-1.5, 0, 3.25, 1e30),
      Float64Array.of(-1e-300, 0, Math.PI, 1e300),
    ];
    for (const data of arrays) {
      for (const gzip of [false, true]) {
        const bytes = writeNifti({ geometry: g, data }, { gzip });
        expect(isGzip(bytes)).toBe(gzip);
        const img = readNifti(bytes);
        expect(img.data.constructor).toBe(data.constructor);
        expect(Array.from(img.data)).toEqual(Array.from(data));
        expect(img.notes).toEqual([]);
      }
    }
  });

  it('writes float slopes as float32 and applies them on read', () => {
    const g: Geometry = { dims: [3, 1, 1], spacingMm: [1, 1, 1], originLps: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
    const img = readNifti(writeNifti({ geometry: g, data: Int16Array.of(0, 100, -100), sclSlope: 0.5, sclInter: 1.5 }, { gzip: true }));
    expect(img.dataType).toBe('float32');
    expect(Array.from(img.data)).toEqual([1.5, 51.5, -48.5]);
  });

  it('refuses data whose length does not match the geometry', () => {
    expect(() => writeNifti({ geometry: oblique, data: new Uint8Array(10) })).toThrow(/needs 210/);
  });
});

describe('quaternion ↔ rotation', () => {
  it('round-trips rotations including 180° turns (trace −1)', () => {
    const cases = [
      rotation([1, 0, 0], 180),
      rotation([0, 1, 0], 180),
      rotation([0, 0, 1], 180),
      rotation([1, 1, 0], 179.9),
      rotation([3, -2, 1], 75),
      rotation([0, 0, 1], 0),
    ];
    for (const r of cases) {
      const q = rotationToQuaternion(r);
      expect(q.qfac).toBe(1);
      const back = quaternionToRotation(q.b, q.c, q.d);
      for (let i = 0; i < 9; i++) expect(back[i]).toBeCloseTo(r[i], 6);
    }
  });

  it('a 90° turn about z is the quaternion (0, 0, sin 45°)', () => {
    const q = rotationToQuaternion([0, -1, 0, 1, 0, 0, 0, 0, 1]);
    expect(q.b).toBeCloseTo(0, 10);
    expect(q.c).toBeCloseTo(0, 10);
    expect(q.d).toBeCloseTo(Math.SQRT1_2, 10);
  });
});
