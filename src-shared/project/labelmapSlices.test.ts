import { describe, expect, it } from 'vitest';
import { applySlicePatch, slicePatchOf, slicePatchProblem, slicesOfVoxels } from './labelmapSlices';

const dims = [3, 2, 4] as const; // slices of 6 voxels

describe('labelmap slices', () => {
  it('carries the named slices, sorted and once each, and writes them back where they came from', () => {
    const source = Uint8Array.from({ length: 24 }, (_, i) => i);
    const patch = slicePatchOf(source, dims, [3, 1, 3]);
    expect(patch.indices).toEqual([1, 3]);
    expect(Array.from(patch.bytes)).toEqual([6, 7, 8, 9, 10, 11, 18, 19, 20, 21, 22, 23]);
    expect(slicePatchProblem(dims, patch)).toBeNull();
    const target = new Uint8Array(24);
    applySlicePatch(target, dims, patch);
    expect(Array.from(target)).toEqual([0, 0, 0, 0, 0, 0, 6, 7, 8, 9, 10, 11, 0, 0, 0, 0, 0, 0, 18, 19, 20, 21, 22, 23]);
  });

  it('names the slices that hold changed voxels', () => {
    expect(slicesOfVoxels(Uint32Array.from([23, 0, 5, 6]), dims)).toEqual([0, 1, 3]);
  });

  it('says why a patch does not fit the grid', () => {
    expect(slicePatchProblem(dims, { indices: [4], bytes: new Uint8Array(6) })).toMatch(/outside the case grid's 4 slices/);
    expect(slicePatchProblem(dims, { indices: [0.5], bytes: new Uint8Array(6) })).toMatch(/outside/);
    expect(slicePatchProblem(dims, { indices: [2, 2], bytes: new Uint8Array(12) })).toMatch(/strictly increasing/);
    expect(slicePatchProblem(dims, { indices: [1, 2], bytes: new Uint8Array(11) })).toMatch(/are 12 bytes, but the patch has 11/);
    expect(slicePatchProblem(dims, { indices: [], bytes: new Uint8Array(0) })).toMatch(/no slice/);
  });
});
