/**
 * Native CPU inference (issue 16): the server runs a model on onnxruntime-node, in a worker thread,
 * on the voxels of a case it already holds, with the same pipeline as the browser's worker
 * (src-shared/inference/pipeline.ts). Spread into inferenceChannels.
 *
 * A run is a job: `nativeStart` answers at once with its id, `nativeStatus` is polled for progress
 * and, once done, the result's summary with one URL per result array (`api/inference/<job>/<n>`,
 * raw little-endian bytes like api/volume: float32 maps, the uint8 mask), and `nativeCancel` stops a
 * running job or frees a finished one's arrays. A job belongs to the session that started it.
 *
 * Environment-free.
 */
import { z } from '../zod';
import { inferenceProvenanceSchema } from '../inference/provenance';

const vec3 = z.tuple([z.number(), z.number(), z.number()]);

const inferenceProgressSchema = z.object({
  stage: z.enum(['preprocess', 'inference', 'postprocess', 'done']),
  fraction: z.number(),
  runsDone: z.number().int(),
  runsTotal: z.number().int(),
  etaSeconds: z.number().nullable(),
});

const stageTimingsSchema = z.object({
  channelsMs: z.number(),
  resampleMs: z.number(),
  normaliseMs: z.number(),
  slidingWindowMs: z.number(),
  modelRunMs: z.number(),
  resampleBackMs: z.number(),
  outputsMs: z.number(),
  totalMs: z.number(),
});

/** URLs (relative to the app origin) of a finished job's arrays, on the case grid. */
const nativeResultArraysSchema = z.object({
  /** float32, one per output label. */
  probabilities: z.array(z.string()),
  /** uint8. */
  mask: z.string(),
  /** float32 (bits). */
  entropy: z.string(),
  mutualInformation: z.string().nullable(),
  variance: z.array(z.string()).nullable(),
});

const nativeJobStatusSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('running'), progress: inferenceProgressSchema.nullable() }),
  z.object({
    state: z.literal('done'),
    arrays: nativeResultArraysSchema,
    samples: z.object({ kind: z.enum(['members', 'tta', 'single']), count: z.number().int() }),
    volumes: z.array(z.object({ label: z.string(), expectedMl: z.number(), maskMl: z.number() })),
    grid: z.object({ targetDims: vec3, windows: z.number().int(), runs: z.number().int(), skippedWindows: z.number().int() }),
    timings: stageTimingsSchema,
    /** Σ of onnxruntime-node's own session.run times (the pure model time inside modelRunMs). */
    sessionRunMs: z.number(),
    provenance: inferenceProvenanceSchema,
  }),
  z.object({ state: z.literal('failed'), message: z.string() }),
  z.object({ state: z.literal('cancelled') }),
]);
export type NativeJobStatus = z.infer<typeof nativeJobStatusSchema>;

const jobRequest = z.object({ session: z.string().min(1), jobId: z.string().regex(/^[0-9a-f]{32}$/) });

export const nativeInferenceChannels = {
  /**
   * Runs model `modelKey` (a models.list key) on case `caseId` (a case.open id of this server) with
   * onnxruntime-node's CPU EP. Refused with the reason when native inference is not available here
   * (a browser on another machine, the add-on failed to load): the caller runs WASM instead.
   */
  'quorum:inference.nativeStart': {
    request: z.object({
      session: z.string().min(1),
      caseId: z.string().min(1),
      modelKey: z.string().min(1),
      ttaFlipAxes: z.array(z.number().int().min(0).max(2)).max(3).optional(),
    }),
    result: z.object({ jobId: z.string(), threads: z.number().int() }),
  },
  'quorum:inference.nativeStatus': { request: jobRequest, result: nativeJobStatusSchema },
  'quorum:inference.nativeCancel': { request: jobRequest, result: z.object({}) },
} as const;
