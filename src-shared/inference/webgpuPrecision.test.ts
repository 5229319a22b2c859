import { describe, expect, it } from 'vitest';
import { chooseWebGpuPrecision } from './webgpuPrecision';

describe('chooseWebGpuPrecision', () => {
  const f16 = { shaderF16: true, vendor: 'intel', linux: false };
  it('chooses fp16 only with shader-f16 and an fp16 file', () => {
    expect(chooseWebGpuPrecision(f16, true).precision).toBe('fp16');
    expect(chooseWebGpuPrecision(f16, false)).toEqual({ precision: 'fp32', reason: 'fp32: the model offers no fp16 file' });
    expect(chooseWebGpuPrecision({ ...f16, shaderF16: false }, true)).toEqual({
      precision: 'fp32',
      reason: 'fp32: the adapter has no shader-f16',
    });
  });
  it('keeps fp32 on Linux with NVIDIA even if the adapter claimed shader-f16 (shared/docs/gpu.md)', () => {
    const r = chooseWebGpuPrecision({ shaderF16: true, vendor: 'nvidia', linux: true }, true);
    expect(r.precision).toBe('fp32');
    expect(r.reason).toMatch(/Linux with NVIDIA/);
    expect(chooseWebGpuPrecision({ shaderF16: true, vendor: 'nvidia', linux: false }, true).precision).toBe('fp16');
  });
});
