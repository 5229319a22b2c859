import { describe, expect, it } from 'vitest';
import { gpuStitcherFits } from './gpuStitcher';

const device = (maxStorageBufferBindingSize: number, maxBufferSize = 2 ** 31) =>
  ({ limits: { maxStorageBufferBindingSize, maxBufferSize } }) as unknown as GPUDevice;

describe('gpuStitcherFits (when accumulation falls back to the CPU)', () => {
  it('accepts a grid whose per-channel accumulator fits the storage-buffer limit', () => {
    expect(gpuStitcherFits(device(128 * 2 ** 20), [256, 256, 256], 4 * 2 * 128 ** 3)).toBeNull();
  });
  it('says why when one channel of the grid is over the smaller of the two limits', () => {
    // 512×512×256 float32 = 256 MiB per channel, over a 128 MiB binding limit.
    expect(gpuStitcherFits(device(128 * 2 ** 20), [512, 512, 256], 1024)).toBe(
      "the 512×512×256 grid needs 256 MiB per channel, over the GPU's 128 MiB storage-buffer limit",
    );
    expect(gpuStitcherFits(device(2 ** 31, 64 * 2 ** 20), [256, 256, 257], 1024)).toMatch(/over the GPU's 64 MiB/);
  });
  it('says why when one patch output is over the limit', () => {
    expect(gpuStitcherFits(device(2 ** 20), [64, 64, 32], 2 * 2 ** 20)).toMatch(/one patch output \(2 MiB\)/);
  });
});
