import { describe, expect, it } from 'vitest';
import { computeAutoVoiRange, CT_PRESETS, windowToVoiRange } from './windowPresets';

describe('CT presets', () => {
  it('turns W/L into a VOI range', () => {
    const [brain, , , bone] = CT_PRESETS;
    expect(brain.id).toBe('brain');
    expect(windowToVoiRange(brain.widthHu, brain.levelHu)).toEqual({ lower: 0, upper: 80 });
    expect(bone.id).toBe('bone');
    expect(windowToVoiRange(bone.widthHu, bone.levelHu)).toEqual({ lower: -400, upper: 1600 });
  });
  it('binds one distinct key per preset', () => {
    expect(new Set(CT_PRESETS.map((p) => p.key)).size).toBe(CT_PRESETS.length);
  });
});

describe('computeAutoVoiRange', () => {
  it('spans the 1st–99th percentile of non-zero voxels, ignoring zero background', () => {
    // 10 000 zeros (background) plus values 1..1000, each once; percentiles of 1..1000 are ≈10 and ≈990.
    const data = new Float32Array(11000);
    for (let v = 1; v <= 1000; v++) data[10000 + v - 1] = v;
    const range = computeAutoVoiRange(data, 0, 1000);
    expect(range.lower).toBeGreaterThan(8);
    expect(range.lower).toBeLessThan(12);
    expect(range.upper).toBeGreaterThan(988);
    expect(range.upper).toBeLessThan(992);
  });
  it('ignores a single hot outlier', () => {
    const data = new Uint16Array(1000).fill(100);
    for (let n = 0; n < 1000; n++) data[n] = 100 + (n % 100);
    data[0] = 60000;
    const range = computeAutoVoiRange(data, 100, 60000);
    expect(range.upper).toBeLessThan(300);
  });
  it('handles a constant volume', () => {
    expect(computeAutoVoiRange(new Uint8Array(8).fill(5), 5, 5)).toEqual({ lower: 4.5, upper: 5.5 });
  });
});
