/**
 * Messages between the native inference service (nativeInference.ts, the main thread) and its
 * worker thread (nativeInferenceWorker.ts). One run per worker: `run` in, `progress`* then `result`
 * or `error` out. Big arrays travel as transferables both ways. Cancel is not a message: the worker
 * reads a shared flag before every patch, so it stops even while its event loop is busy.
 */
import type { ChannelSources, ModelManifest, SegmentationResult } from '../../../src-shared/inference';
import type { InferenceProgress } from '../../../src-shared/inference/pipeline';
import type { Geometry } from '../../../src-shared/volume/types';

/** The case's grid without its origin: the model sees voxels, and the direction only reorients them. */
export interface NativeWorkerRun extends Pick<Geometry, 'dims' | 'spacingMm' | 'direction'> {
  readonly type: 'run';
  readonly manifest: ModelManifest;
  /** Member bytes, already checked against their sha256 by the main thread (loadModelFolder). */
  readonly members: readonly { readonly bytes: Uint8Array; readonly inputName: string; readonly outputName: string }[];
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
