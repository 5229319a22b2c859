/**
 * fp16 or fp32 on WebGPU (issue 16): fp16 only where the adapter has `shader-f16` and the model
 * offers an fp16 file, and never on Linux with an NVIDIA adapter, whose Vulkan backend has no
 * `shader-f16` today (shared/docs/gpu.md: measured fp32 only there). The reason is shown in the
 * inference panel's provider line.
 */
type WebGpuPrecision = 'fp32' | 'fp16';

export interface AdapterFacts {
  readonly shaderF16: boolean;
  /** GPUAdapterInfo.vendor, e.g. 'nvidia', 'intel', 'apple'; '' when the browser hides it. */
  readonly vendor: string;
  readonly linux: boolean;
}

export function chooseWebGpuPrecision(adapter: AdapterFacts, fp16Offered: boolean): { precision: WebGpuPrecision; reason: string } {
  if (adapter.linux && /nvidia/i.test(adapter.vendor))
    return { precision: 'fp32', reason: 'fp32: no fp16 on Linux with NVIDIA (its Vulkan backend has no shader-f16)' };
  if (!adapter.shaderF16) return { precision: 'fp32', reason: 'fp32: the adapter has no shader-f16' };
  if (!fp16Offered) return { precision: 'fp32', reason: 'fp32: the model offers no fp16 file' };
  return { precision: 'fp16', reason: 'fp16: the adapter has shader-f16 and the model offers an fp16 file' };
}
