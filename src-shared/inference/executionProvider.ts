/**
 * Choosing the execution provider for a loaded model: WebGPU when the browser has a real adapter
 * and the model's ops allow it, else WASM, always with a sentence saying why WASM was used. Because
 * the WebGPU EP throws at run() on an op it lacks (no CPU fallback), every member is probed with one
 * patch-sized run of zeros before WebGPU is accepted; any failure falls back to WASM. A member with
 * a ConvTranspose rewrite (modelFolder.ts) is first checked on WASM: original and rewrite on one
 * random patch must agree within REWRITE_TOLERANCE, or the model stays on WASM with the reason.
 *
 * Sessions are created by an injected factory, so this runs in the renderer's worker
 * (onnxruntime-web) and in tests (fakes) alike.
 */
import type { LoadedModel } from './modelFolder';
import { ortRunner, type OrtSessionLike, type OrtTensorFactory } from './ortRunner';
import type { ModelRunner } from './predict';

export type BrowserEp = 'webgpu' | 'wasm';

export interface ReleasableSession extends OrtSessionLike {
  release?(): Promise<void>;
}

export interface OpenMembersOptions {
  /** navigator.gpu gave a non-fallback adapter (SwiftShader counts as unavailable unless forced). */
  readonly webgpuAvailable: boolean;
  /** The user's setting; false forces WASM. */
  readonly preferWebGpu: boolean;
  readonly createSession: (bytes: Uint8Array, ep: BrowserEp) => Promise<ReleasableSession>;
  readonly makeTensor: OrtTensorFactory;
}

export interface OpenedMembers {
  readonly ep: BrowserEp;
  /** Why WASM is used although WebGPU was preferred; null when the preferred EP runs. */
  readonly fallbackReason: string | null;
  readonly runners: ModelRunner[];
  readonly sessions: ReleasableSession[];
}

export async function openMembers(model: LoadedModel, opts: OpenMembersOptions): Promise<OpenedMembers> {
  let reason: string | null = null;
  if (opts.preferWebGpu) {
    if (!opts.webgpuAvailable) reason = 'WebGPU is not available on this computer; using WASM.';
    else if (!model.webgpu.canRunOnWebGpu) reason = model.webgpu.blocking[0];
    else {
      const attempt = await tryWebGpu(model, opts);
      if ('runners' in attempt) return attempt;
      reason = attempt.reason;
    }
  }
  const sessions: ReleasableSession[] = [];
  for (const m of model.members) sessions.push(await opts.createSession(m.bytes, 'wasm'));
  return { ep: 'wasm', fallbackReason: reason, sessions, runners: runnersFor(model, sessions, opts.makeTensor) };
}

const REWRITE_TOLERANCE = 1e-5;

/** Largest |rewrite − original| on one deterministic random patch, both on WASM. */
async function rewriteDifference(model: LoadedModel, member: number, shape: readonly number[], opts: OpenMembersOptions): Promise<number> {
  const m = model.members[member];
  const n = shape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(n);
  // A fixed LCG: the check is reproducible, and the values span both signs like normalised input.
  for (let i = 0, s = 12345; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    x[i] = (s / 4294967296) * 4 - 2;
  }
  const sessions = [await opts.createSession(m.bytes, 'wasm'), await opts.createSession(m.webgpuBytes ?? m.bytes, 'wasm')];
  try {
    // One after the other: onnxruntime-web's JSEP build refuses a run while another session's is in
    // flight ("Session already started") once its WebGPU backend is up, e.g. in a worker that ran a
    // WebGPU model before.
    const a = await ortRunner(sessions[0], opts.makeTensor, m.inputName, m.outputName)(x, shape);
    const b = await ortRunner(sessions[1], opts.makeTensor, m.inputName, m.outputName)(x, shape);
    let d = 0;
    for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
    return a.length === b.length ? d : Infinity;
  } finally {
    await Promise.all(sessions.map((s) => s.release?.().catch(() => undefined)));
  }
}

async function tryWebGpu(model: LoadedModel, opts: OpenMembersOptions): Promise<OpenedMembers | { reason: string }> {
  const sessions: ReleasableSession[] = [];
  const { patchSize, channels } = model.manifest;
  const shape = [1, channels.length, patchSize[2], patchSize[1], patchSize[0]];
  const zeros = new Float32Array(shape.reduce((a, b) => a * b, 1));
  try {
    for (const [i, m] of model.members.entries()) {
      if (!m.webgpuBytes) continue;
      const d = await rewriteDifference(model, i, shape, opts);
      if (!(d <= REWRITE_TOLERANCE)) {
        return {
          reason: `"${m.file}": the ConvTranspose rewrite for WebGPU differs from the original by ${d.toExponential(1)}; using WASM.`,
        };
      }
    }
    for (const m of model.members) sessions.push(await opts.createSession(m.webgpuBytes ?? m.bytes, 'webgpu'));
    const runners = runnersFor(model, sessions, opts.makeTensor);
    for (const run of runners) await run(zeros, shape);
    return { ep: 'webgpu', fallbackReason: null, sessions, runners };
  } catch (e) {
    await Promise.all(sessions.map((s) => s.release?.().catch(() => undefined)));
    const detail = e instanceof Error ? e.message : String(e);
    return { reason: `WebGPU failed on this model (${detail.split('\n')[0]}); using WASM.` };
  }
}

function runnersFor(model: LoadedModel, sessions: readonly ReleasableSession[], makeTensor: OrtTensorFactory): ModelRunner[] {
  return sessions.map((s, i) => ortRunner(s, makeTensor, model.members[i].inputName, model.members[i].outputName));
}
