/**
 * Whether this browser has a real WebGPU adapter. SwiftShader and other software adapters count as
 * unavailable: WebGPU there is 500–900× slower than WASM. Asked by the inference worker (WebGPU or
 * WASM) and by the page (WebGPU in the worker, or native CPU on the server: inferenceController.ts).
 */
import type { AdapterFacts } from '../../src-shared/inference/webgpuPrecision';

/** The adapter fields we read; `info.isFallbackAdapter` is newer than the top-level flag. */
interface AdapterLike {
  info?: { isFallbackAdapter?: boolean; vendor?: string };
  isFallbackAdapter?: boolean;
  features?: { has(name: string): boolean };
}

/** The default adapter's facts (fp16 choice: webgpuPrecision.ts), or null when there is none. */
export async function webGpuAdapterFacts(): Promise<(AdapterFacts & { readonly fallback: boolean }) | null> {
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return null;
  try {
    const adapter = (await gpu.requestAdapter()) as AdapterLike | null;
    if (!adapter) return null;
    return {
      fallback: adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false,
      shaderF16: adapter.features?.has('shader-f16') ?? false,
      vendor: adapter.info?.vendor ?? '',
      linux: /Linux/.test(navigator.userAgent) && !/Android/.test(navigator.userAgent),
    };
  } catch {
    return null;
  }
}

export async function realWebGpuAdapter(): Promise<boolean> {
  const facts = await webGpuAdapterFacts();
  return facts !== null && !facts.fallback;
}
