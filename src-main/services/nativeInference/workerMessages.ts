/**
 * Messages between the native inference service (nativeInference.ts, the main thread) and its
 * worker thread (nativeInferenceWorker.ts). One run per worker: `run` in, `progress`* then `result`
 * or `error` out. Big arrays travel as transferables both ways. Cancel is not a message: the worker
 * reads a shared flag before every patch, so it stops even while its event loop is busy.
 */
import type { ChannelSources, ModelManifest, SegmentationResult } from '../../../src-shared/inference';
import type { InferenceProgress } from '../../../src-shared/inference/pipeline';
import type { Direction, Vec3 } from '../../../src-shared/volume/types';

export interface NativeWorkerRun {
  readonly type: 'run';
  readonly manifest: ModelManifest;
  /** Member bytes, already checked against their sha256 by the main thread (loadModelFolder). */
  readonly members: readonly { readonly bytes: Uint8Array; readonly inputName: string; readonly outputName: string }[];
  readonly dims: Vec3;
  readonly spacingMm: Vec3;
  readonly direction: Direction;
  readonly sources: ChannelSources;
  readonly ttaFlipAxes?: readonly number[];
  /** onnxruntime-node's intra-op threads. */
  readonly threads: number;
  /** Int32Array[1] over it: non-zero asks the run to stop before its next patch. */
  readonly cancelFlag: SharedArrayBuffer;
}

export type NativeWorkerEvent =
  | { readonly type: 'progress'; readonly progress: InferenceProgress }
  | { readonly type: 'result'; readonly result: SegmentationResult; readonly sessionRunMs: number }
  | { readonly type: 'error'; readonly message: string; readonly cancelled: boolean };
