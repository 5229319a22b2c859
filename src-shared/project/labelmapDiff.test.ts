import { describe, expect, it } from 'vitest';
import { diffLabelmaps } from './labelmapDiff';

describe('labelmap diffs', () => {
  it('keeps only changed voxels, with their values before and after', () => {
    const before = Uint8Array.from([0, 1, 2, 0, 0]);
    const after = Uint8Array.from([0, 0, 2, 1, 2]);
    const d = diffLabelmaps(before, after);
    expect(Array.from(d.indices)).toEqual([1, 3, 4]);
    expect(Array.from(d.before)).toEqual([1, 0, 0]);
    expect(Array.from(d.after)).toEqual([0, 1, 2]);
  });
  it('refuses labelmaps of different sizes', () => {
    expect(() => diffLabelmaps(new Uint8Array(2), new Uint8Array(3))).toThrow(/2 voxels before, 3 after/);
  });
});
