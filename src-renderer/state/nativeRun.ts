/**
 * One model run on the server's native CPU runner (issue 16; src-main/services/nativeInference/):
 * start it on the open case (the server already holds its voxels, so none are sent), poll its
 * progress, fetch the result arrays from their URLs as raw bytes, then free them on the server.
 * A start the server refuses or a run that fails is not an error here but a reason: the caller
 * runs the model on WASM instead and shows that reason.
 */
import type { NativeJobStatus } from '../../src-shared/api/nativeInferenceChannels';
import type { InferenceProgress, InferenceProvenance, SegmentationResult } from '../../src-shared/inference';
import { fetchVolumeBytes, getApi } from '../api';

const POLL_MS = 250;

type NativeOutcome =
  | { readonly kind: 'result'; readonly result: SegmentationResult; readonly provenance: InferenceProvenance }
  | { readonly kind: 'cancelled' }
  /** Native could not run it: the reason, for the WASM run that follows. */
  | { readonly kind: 'unavailable'; readonly reason: string };

export interface NativeRun {
  readonly outcome: Promise<NativeOutcome>;
  cancel(): void;
}

async function float32At(url: string): Promise<Float32Array> {
  const bytes = await fetchVolumeBytes(url);
  // A fresh, whole buffer from fetchVolumeBytes: aligned, so a view is enough.
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

async function resultOf(done: Extract<NativeJobStatus, { state: 'done' }>): Promise<SegmentationResult> {
  const { arrays } = done;
  return {
    probabilities: await Promise.all(arrays.probabilities.map(float32At)),
    mask: await fetchVolumeBytes(arrays.mask),
    entropy: await float32At(arrays.entropy),
    mutualInformation: arrays.mutualInformation === null ? null : await float32At(arrays.mutualInformation),
    variance: arrays.variance === null ? null : await Promise.all(arrays.variance.map(float32At)),
    samples: done.samples,
    volumes: done.volumes,
    // A panel run keeps no logits; the calibration's re-runs go through the worker (keepLogits).
    logits: null,
    grid: done.grid,
    timings: done.timings,
  };
}

export function runNative(session: string, caseId: string, modelKey: string, onProgress: (p: InferenceProgress) => void): NativeRun {
  const api = getApi();
  let jobId: string | null = null;
  let cancelled = false;
  const outcome = (async (): Promise<NativeOutcome> => {
    const started = await api['quorum:inference.nativeStart']({ session, caseId, modelKey });
    if (!started.ok) return { kind: 'unavailable', reason: started.error.message };
    jobId = started.value.jobId;
    if (cancelled) await api['quorum:inference.nativeCancel']({ session, jobId });
    for (;;) {
      const status = await api['quorum:inference.nativeStatus']({ session, jobId });
      if (!status.ok) return { kind: 'unavailable', reason: status.error.message };
      const s = status.value;
      if (s.state === 'running') {
        if (s.progress) onProgress(s.progress);
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        continue;
      }
      if (s.state === 'cancelled') return { kind: 'cancelled' };
      if (s.state === 'failed') return { kind: 'unavailable', reason: s.message };
      const result = await resultOf(s);
      // Fetched: the server may forget them now rather than after its keep time.
      await api['quorum:inference.nativeCancel']({ session, jobId });
      return { kind: 'result', result, provenance: s.provenance };
    }
  })();
  return {
    outcome,
    cancel() {
      cancelled = true;
      if (jobId !== null) void api['quorum:inference.nativeCancel']({ session, jobId });
    },
  };
}
