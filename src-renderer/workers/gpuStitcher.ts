/**
 * Gaussian weighting and accumulation of patch outputs on the GPU (issue 16): a WGSL compute shader
 * adds weight × output (flipped back for a TTA variant) into one accumulator buffer per output
 * channel for the whole padded grid, and the Gaussian into the weight sum; a second entry point
 * divides. Only the final map is read back, once. The maths is the CPU engine's
 * (src-shared/inference/patchEngine.ts), which the e2e check compares it with.
 *
 * Limits: each accumulator is one storage binding of grid voxels × 4 bytes, so the grid must fit the
 * device's maxStorageBufferBindingSize (and maxBufferSize); gpuStitcherFits says why not, and the
 * caller then accumulates on the CPU.
 */
import type { StitchGrid } from '../../src-shared/inference/patchEngine';
import type { Vec3 } from '../../src-shared/volume/types';

// GPUBufferUsage / GPUMapMode values (WebGPU spec); the DOM lib types the flags but not the globals.
export const USAGE = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, UNIFORM: 0x40, STORAGE: 0x80 } as const;
export const MAP_MODE_READ = 0x1;
/** Buffer sizes rounded up to 16 bytes, as onnxruntime-web's own GPU buffers are. */
export const padded16 = (bytes: number): number => Math.ceil(bytes / 16) * 16;
const WORKGROUP = 256;

const SHADER = /* wgsl */ `
struct Params {
  dims: vec4<u32>,   // padded grid (ni, nj, nk), then the voxel count of this dispatch
  origin: vec4<u32>, // window origin (i, j, k), then the output channel
  size: vec4<u32>,   // patch size (pi, pj, pk), then 1 to add the Gaussian to the weight sum
  flip: vec4<u32>,   // 1 per flipped axis (i, j, k)
};
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> patchOut: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read> gaussian: array<f32>;
@group(0) @binding(4) var<storage, read_write> acc: array<f32>;
@group(0) @binding(5) var<storage, read_write> wsum: array<f32>;

fn index(gid: vec3<u32>, nw: vec3<u32>) -> u32 { return gid.x + gid.y * nw.x * ${WORKGROUP}u; }

@compute @workgroup_size(${WORKGROUP})
fn accumulate(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let n = index(gid, nw);
  let per = p.dims.w;
  if (n >= per) { return; }
  let pi = p.size.x;
  let pj = p.size.y;
  let pk = p.size.z;
  let i = n % pi;
  let j = (n / pi) % pj;
  let k = n / (pi * pj);
  // A flip is its own inverse: the flipped run's output at the mirrored voxel belongs here.
  let si = select(i, pi - 1u - i, p.flip.x == 1u);
  let sj = select(j, pj - 1u - j, p.flip.y == 1u);
  let sk = select(k, pk - 1u - k, p.flip.z == 1u);
  let src = p.origin.w * per + (sk * pj + sj) * pi + si;
  let d = (p.origin.x + i) + p.dims.x * ((p.origin.y + j) + p.dims.y * (p.origin.z + k));
  acc[d] = acc[d] + patchOut[src] * weight[n];
  if (p.size.w == 1u) { wsum[d] = wsum[d] + gaussian[n]; }
}

@compute @workgroup_size(${WORKGROUP})
fn divide(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let n = index(gid, nw);
  if (n >= p.dims.w) { return; }
  acc[n] = acc[n] / wsum[n];
}
`;

/** Null when the grid's accumulators fit the device's limits; else the sentence saying why not. */
export function gpuStitcherFits(device: GPUDevice, dims: Vec3, outputBytes: number): string | null {
  const bytes = dims[0] * dims[1] * dims[2] * 4;
  const limit = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
  if (bytes > limit) {
    return `the ${dims.join('×')} grid needs ${(bytes / 2 ** 20).toFixed(0)} MiB per channel, over the GPU's ${(limit / 2 ** 20).toFixed(0)} MiB storage-buffer limit`;
  }
  if (outputBytes > limit) return `one patch output (${(outputBytes / 2 ** 20).toFixed(0)} MiB) is over the GPU's storage-buffer limit`;
  return null;
}

/** Workgroup counts (x, y) covering n invocations within the 65535-per-dimension limit. */
function workgroups(n: number, maxPerDim: number): [number, number] {
  const groups = Math.ceil(n / WORKGROUP);
  const x = Math.min(groups, maxPerDim);
  return [x, Math.ceil(groups / x)];
}

export interface GpuStitcher {
  /** Queues weight × `source` (channel-major patch output, flipped along `flipAxes`) at `origin`. */
  add(source: GPUBuffer, origin: Vec3, flipAxes: readonly number[], addWeight: boolean): void;
  /** Divides and reads every channel back; the stitcher's buffers are destroyed afterwards. */
  finish(): Promise<Float32Array[]>;
  /** Destroys the buffers without a result (a cancelled run). */
  discard(): void;
}

/**
 * `sources`: every buffer a patch output may come from (bind groups are made once per source).
 * Rejects when the shader or its pipelines fail validation (WebGPU would otherwise only log it).
 */
export async function gpuStitcher(device: GPUDevice, g: StitchGrid, sources: readonly GPUBuffer[]): Promise<GpuStitcher> {
  const [ni, nj, nk] = g.dims;
  const nVox = ni * nj * nk;
  const per = g.patch[0] * g.patch[1] * g.patch[2];
  const maxDim = device.limits.maxComputeWorkgroupsPerDimension;
  const storage = (data: Float32Array | number) => {
    const size = typeof data === 'number' ? data : data.byteLength;
    const b = device.createBuffer({ size: padded16(size), usage: USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST });
    if (typeof data !== 'number') device.queue.writeBuffer(b, 0, data);
    return b;
  };
  const weight = storage(g.weight);
  const gaussian = storage(g.gaussian);
  const wsum = storage(nVox * 4);
  const acc = Array.from({ length: g.outChannels }, () => storage(nVox * 4));
  const uniforms = acc.map(() => device.createBuffer({ size: 64, usage: USAGE.UNIFORM | USAGE.COPY_DST }));
  device.pushErrorScope('validation');
  const module = device.createShaderModule({ code: SHADER });
  const entry = (type: GPUBufferBindingType): GPUBindGroupLayoutEntry[] => [{ binding: 0, visibility: 4, buffer: { type } }];
  const layout = device.createBindGroupLayout({
    entries: [
      ...entry('uniform'),
      ...[1, 2, 3].map((binding) => ({ binding, visibility: 4, buffer: { type: 'read-only-storage' as const } })),
      ...[4, 5].map((binding) => ({ binding, visibility: 4, buffer: { type: 'storage' as const } })),
    ],
  });
  const pipelineLayout = device.createPipelineLayout({ bindGroupLayouts: [layout] });
  const accumulate = device.createComputePipeline({ layout: pipelineLayout, compute: { module, entryPoint: 'accumulate' } });
  const divide = device.createComputePipeline({ layout: pipelineLayout, compute: { module, entryPoint: 'divide' } });
  const groups = (source: GPUBuffer) =>
    acc.map((a, c) =>
      device.createBindGroup({
        layout,
        entries: [uniforms[c], source, weight, gaussian, a, wsum].map((buffer, binding) => ({ binding, resource: { buffer } })),
      }),
    );
  const bindGroups = new Map(sources.map((s) => [s, groups(s)]));
  const invalid = await device.popErrorScope();
  if (invalid) {
    for (const b of [weight, gaussian, wsum, ...acc, ...uniforms]) b.destroy();
    throw new Error(`the accumulation shader is invalid: ${invalid.message.split('\n')[0]}`);
  }
  const params = new Uint32Array(16);
  const dispatch = (pipeline: GPUComputePipeline, bind: GPUBindGroup[], n: number) => {
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    const [x, y] = workgroups(n, maxDim);
    for (const b of bind) {
      pass.setBindGroup(0, b);
      pass.dispatchWorkgroups(x, y);
    }
    pass.end();
    device.queue.submit([enc.finish()]);
  };
  const own = [weight, gaussian, wsum, ...acc, ...uniforms];
  return {
    add(source, origin, flipAxes, addWeight) {
      const bind = bindGroups.get(source);
      if (!bind) throw new Error('gpuStitcher: a patch output buffer it was not made for');
      for (let c = 0; c < acc.length; c++) {
        params.set([ni, nj, nk, per, origin[0], origin[1], origin[2], c, ...g.patch, addWeight && c === 0 ? 1 : 0]);
        params.set([0, 1, 2].map((a) => (flipAxes.includes(a) ? 1 : 0)).concat(0), 12);
        // Queue-ordered: this write lands after the previous patch's dispatches have read the old values.
        device.queue.writeBuffer(uniforms[c], 0, params);
      }
      dispatch(accumulate, bind, per);
    },
    async finish() {
      const bind = groups(weight);
      for (const u of uniforms) {
        params.fill(0);
        params[3] = nVox;
        device.queue.writeBuffer(u, 0, params);
      }
      dispatch(divide, bind, nVox);
      const staging = device.createBuffer({ size: padded16(nVox * 4), usage: USAGE.MAP_READ | USAGE.COPY_DST });
      const out: Float32Array[] = [];
      try {
        for (const a of acc) {
          const enc = device.createCommandEncoder();
          enc.copyBufferToBuffer(a, 0, staging, 0, nVox * 4);
          device.queue.submit([enc.finish()]);
          await staging.mapAsync(MAP_MODE_READ, 0, nVox * 4);
          out.push(new Float32Array(staging.getMappedRange(0, nVox * 4).slice(0)));
          staging.unmap();
        }
      } finally {
        for (const b of [staging, ...own]) b.destroy();
      }
      return out;
    },
    discard() {
      for (const b of own) b.destroy();
    },
  };
}
