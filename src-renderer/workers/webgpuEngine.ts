/**
 * The WebGPU patch engine (issue 16), with the settings that measured fastest for 3D U-Nets
 * (shared/docs/gpu.md): per member, one onnxruntime-web session per patch shape (every window has
 * the patch's shape: predict.ts), created with graph capture; the input uploaded into one
 * pre-allocated GPU buffer, the output written into another passed as `fetches`, the same two
 * tensors on every run. Then either the GPU stitcher accumulates the output where it lies
 * (gpuStitcher.ts) and only the final map is read back, or (GPU accumulation off, or the grid over
 * the storage-buffer limit) the output is read back per patch into the CPU engine.
 *
 * Graph capture is tried first; if creating the session or its first run fails with it, the
 * session is made again without, and the reason is kept for the provider line (report()).
 */
import type * as Ort from 'onnxruntime-web';
import { cpuPatchEngine, type PatchEngine, type PatchEngineFactory, type StitchGrid } from '../../src-shared/inference/patchEngine';
import type { WebGpuPath } from '../../src-shared/inference/workerProtocol';
import { gpuStitcher, gpuStitcherFits, MAP_MODE_READ, padded16, USAGE, type GpuStitcher } from './gpuStitcher';

type WebGpuOptions = Exclude<WebGpuPath, 'plain'>;

/** A session for one patch shape with its fixed GPU input and output. */
interface ShapeSession {
  readonly session: Ort.InferenceSession;
  readonly input: GPUBuffer;
  readonly output: GPUBuffer;
  /** The output of the all-zero patch, kept for skipped windows (copied once, on first need). */
  readonly zeroOutput: GPUBuffer;
  zeroReady: boolean;
  readonly run: (x: Float32Array) => Promise<void>;
}

export interface GpuMember {
  readonly engine: PatchEngineFactory;
  /** What ran, for the provider line: graph capture and GPU accumulation, with the reason when off. */
  report(): { graphCapture: string; accumulation: string };
  release(): Promise<void>;
}

export function gpuMember(
  ort: typeof Ort,
  device: GPUDevice,
  bytes: Uint8Array,
  io: { readonly input: string; readonly output: string },
  opts: WebGpuOptions,
): GpuMember {
  const shapes = new Map<string, Promise<ShapeSession>>();
  let captureOff: string | null = opts.graphCapture ? null : 'off in this run';
  let accumulationOff: string | null = opts.gpuAccumulation ? null : 'off in this run';

  async function open(inShape: number[], outShape: number[], capture: boolean): Promise<ShapeSession> {
    const session = await ort.InferenceSession.create(bytes, {
      executionProviders: [{ name: 'webgpu', preferredLayout: 'NCHW' }],
      graphOptimizationLevel: 'all',
      enableGraphCapture: capture,
      preferredOutputLocation: 'gpu-buffer',
    });
    const n = (s: number[]) => s.reduce((a, b) => a * b, 1) * 4;
    const usage = USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST;
    const input = device.createBuffer({ size: padded16(n(inShape)), usage });
    const output = device.createBuffer({ size: padded16(n(outShape)), usage });
    const zeroOutput = device.createBuffer({ size: padded16(n(outShape)), usage });
    const feeds = { [io.input]: ort.Tensor.fromGpuBuffer(input, { dataType: 'float32', dims: inShape }) };
    const fetches = { [io.output]: ort.Tensor.fromGpuBuffer(output, { dataType: 'float32', dims: outShape }) };
    const s: ShapeSession = {
      session,
      input,
      output,
      zeroOutput,
      zeroReady: false,
      run: async (x) => {
        device.queue.writeBuffer(input, 0, x);
        await session.run(feeds, fetches);
      },
    };
    try {
      // The first run records the graph under capture: where capture fails, it fails here.
      await s.run(new Float32Array(n(inShape) / 4));
      return s;
    } catch (e) {
      await release(s);
      throw e;
    }
  }

  async function sessionFor(g: StitchGrid): Promise<ShapeSession> {
    const inShape = [1, g.inChannels, g.patch[2], g.patch[1], g.patch[0]];
    const outShape = [1, g.outChannels, g.patch[2], g.patch[1], g.patch[0]];
    const key = inShape.join('x');
    let s = shapes.get(key);
    if (!s) {
      s = (async () => {
        if (captureOff === null) {
          try {
            return await open(inShape, outShape, true);
          } catch (e) {
            captureOff = `failed: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`;
          }
        }
        return open(inShape, outShape, false);
      })();
      shapes.set(key, s);
    }
    return s;
  }

  async function readBack(buffer: GPUBuffer, size: number): Promise<Float32Array> {
    const staging = device.createBuffer({ size: padded16(size), usage: USAGE.MAP_READ | USAGE.COPY_DST });
    try {
      const enc = device.createCommandEncoder();
      enc.copyBufferToBuffer(buffer, 0, staging, 0, size);
      device.queue.submit([enc.finish()]);
      await staging.mapAsync(MAP_MODE_READ, 0, size);
      return new Float32Array(staging.getMappedRange(0, size).slice(0));
    } finally {
      staging.destroy();
    }
  }

  /** The zero patch's output into `zeroOutput`, once; later skipped windows only accumulate it. */
  async function zeroSource(s: ShapeSession, inValues: number, outBytes: number): Promise<GPUBuffer> {
    if (!s.zeroReady) {
      await s.run(new Float32Array(inValues));
      const enc = device.createCommandEncoder();
      enc.copyBufferToBuffer(s.output, 0, s.zeroOutput, 0, outBytes);
      device.queue.submit([enc.finish()]);
      s.zeroReady = true;
    }
    return s.zeroOutput;
  }

  const engine: PatchEngineFactory = async (g) => {
    const s = await sessionFor(g);
    const per = g.patch[0] * g.patch[1] * g.patch[2];
    const outBytes = g.outChannels * per * 4;
    let stitch: GpuStitcher | null = null;
    if (accumulationOff === null) accumulationOff = gpuStitcherFits(device, g.dims, outBytes);
    if (accumulationOff === null) {
      try {
        stitch = await gpuStitcher(device, g, [s.output, s.zeroOutput]);
      } catch (e) {
        accumulationOff = e instanceof Error ? e.message : String(e);
      }
    }
    if (!stitch) {
      // GPU I/O, CPU stitching: the output comes back once per patch (the CPU engine caches the zero patch itself).
      return cpuPatchEngine(async (x) => {
        await s.run(x);
        return readBack(s.output, outBytes);
      })(g);
    }
    const gpu = stitch;
    // The Gaussian enters the weight sum once per window, with the first TTA variant.
    const seen = new Set<string>();
    const stitched: PatchEngine = {
      async add(input, origin, flipAxes) {
        let source = s.output;
        if (input.kind === 'values') await s.run(input.data);
        else source = await zeroSource(s, g.inChannels * per, outBytes);
        const key = origin.join(',');
        gpu.add(source, origin, flipAxes, !seen.has(key));
        seen.add(key);
      },
      finish: () => gpu.finish(),
      discard: () => gpu.discard(),
    };
    return stitched;
  };

  async function release(s: ShapeSession): Promise<void> {
    await s.session.release().catch(() => undefined);
    for (const b of [s.input, s.output, s.zeroOutput]) b.destroy();
  }

  return {
    engine,
    report: () => ({
      graphCapture: captureOff === null ? 'graph capture' : `no graph capture (${captureOff})`,
      accumulation: accumulationOff === null ? 'GPU accumulation' : `CPU accumulation (${accumulationOff})`,
    }),
    async release() {
      for (const s of shapes.values()) await s.then(release, () => undefined);
      shapes.clear();
    },
  };
}
