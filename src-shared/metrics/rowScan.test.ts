import { describe, expect, it } from 'vitest';
import { nonEmptyRows } from './rowScan';
import { mulberry32 } from '../random/mulberry32';

/** Rows holding a non-zero byte in either array, one byte at a time. */
function naiveRows(ref: Uint8Array, pred: Uint8Array, rowLength: number, rows: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let i = r * rowLength; i < (r + 1) * rowLength; i++) {
      if (ref[i] !== 0 || pred[i] !== 0) {
        out.push(r);
        break;
      }
    }
  }
  return out;
}

describe('nonEmptyRows (WebAssembly SIMD row scan)', () => {
  it('runs in Node: the kernel assembles, validates and compiles', () => {
    expect(nonEmptyRows(new Uint8Array(64), new Uint8Array(64), 32, 2)).toEqual(new Int32Array(0));
  });

  it('declines rows shorter than its 32-byte step (the caller counts every row instead)', () => {
    expect(nonEmptyRows(new Uint8Array(62), new Uint8Array(62), 31, 2)).toBeNull();
  });

  it('finds a single non-zero byte at every position of a row, in either array, at any value', () => {
    for (const rowLength of [32, 33, 47, 48, 63, 64, 95, 100]) {
      const rows = 3;
      for (let p = 0; p < rowLength * rows; p++) {
        for (const [v, inRef] of [
          [1, true],
          [128, false],
          [255, true],
        ] as const) {
          const ref = new Uint8Array(rowLength * rows),
            pred = new Uint8Array(rowLength * rows);
          (inRef ? ref : pred)[p] = v;
          expect(Array.from(nonEmptyRows(ref, pred, rowLength, rows) ?? [])).toEqual([Math.floor(p / rowLength)]);
        }
      }
    }
  });

  it('equals a byte-by-byte scan on random masks across chunk boundaries, wide rows and unaligned views', () => {
    const rand = mulberry32(7);
    for (const [rowLength, rows] of [
      [32, 3000],
      [512, 301],
      [77, 1000],
      [70_000, 3],
    ]) {
      for (const offset of [0, 3]) {
        for (const density of [0, 1e-4, 0.01, 0.5]) {
          const n = rowLength * rows;
          const random = () => {
            const m = new Uint8Array(n + offset).subarray(offset);
            for (let p = 0; p < n; p++) if (rand() < density) m[p] = 1 + Math.floor(rand() * 255);
            return m;
          };
          const ref = random(),
            pred = random();
          expect(Array.from(nonEmptyRows(ref, pred, rowLength, rows) ?? [])).toEqual(naiveRows(ref, pred, rowLength, rows));
        }
      }
    }
  });
});
