/**
 * Whether this browser has a real WebGPU adapter. SwiftShader and other software adapters count as
 * unavailable: WebGPU there is 500–900× slower than WASM. Asked by the inference worker (WebGPU or
 * WASM) and by the page (WebGPU in the worker, or native CPU on the server: inferenceActions.ts).
 */

/** The adapter fields we read; `info.isFallbackAdapter` is newer than the top-level flag. */
interface AdapterLike {
  info?: { isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
}

export async function realWebGpuAdapter(): Promise<boolean> {
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return false;
  try {
    const adapter = (await gpu.requestAdapter()) as AdapterLike | null;
    if (!adapter) return false;
    return !(adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false);
  } catch {
    return false;
  }
}
