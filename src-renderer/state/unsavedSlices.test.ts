import { describe, expect, it } from 'vitest';
import { UnsavedSlices } from './unsavedSlices';

const dims = [2, 2, 3] as const; // slices of 4 voxels

describe('unsaved slices', () => {
  it('collects the slices edited since the last save; what a failed save took is pending again', () => {
    const u = new UnsavedSlices();
    u.loaded(null, dims);
    u.edited([2]);
    u.edited([0, 2]);
    const taken = u.take();
    expect(taken).toEqual({ kind: 'slices', slices: new Set([0, 2]) });
    u.edited([1]);
    u.giveBack(taken);
    expect(u.take()).toEqual({ kind: 'slices', slices: new Set([0, 1, 2]) });
  });

  it('needs the whole labelmap before a version is loaded, after an edit that names no slice, and on top of a newer version', () => {
    const u = new UnsavedSlices();
    expect(u.take().kind).toBe('whole');
    u.loaded(null, dims);
    u.edited('unknown');
    u.edited([1]);
    expect(u.take().kind).toBe('whole');
    u.edited([1]);
    u.wholeNext();
    expect(u.take().kind).toBe('whole');
  });

  it('keeps the labelled count from the slices sent', () => {
    const u = new UnsavedSlices();
    u.loaded(Uint8Array.from([1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 2]), dims);
    expect(u.saved({ kind: 'slices', patch: { indices: [1], bytes: Uint8Array.from([0, 0, 0, 1]) } })).toBe(3);
    expect(u.saved({ kind: 'whole', labelmap: new Uint8Array(12) })).toBe(0);
  });
});
