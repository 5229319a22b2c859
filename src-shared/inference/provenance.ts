/**
 * The provenance stored with an inference result (issue 5, "Results as a rater"): which model and
 * exact member files, which execution provider, which settings, how long. Plain JSON, validated
 * with zod where it is read back (the project store).
 */
import { z } from '../zod';
import type { ModelManifest } from './manifest';
import type { SegmentationResult } from './pipeline';

const executionProviderSchema = z.enum(['webgpu', 'wasm', 'cpu-native']);
export type ExecutionProvider = z.infer<typeof executionProviderSchema>;

export const inferenceProvenanceSchema = z.object({
  kind: z.literal('model-inference'),
  modelId: z.string(),
  modelVersion: z.string(),
  modelName: z.string(),
  intendedUse: z.string(),
  members: z.array(z.object({ file: z.string(), sha256: z.string() })),
  executionProvider: executionProviderSchema,
  /** Why the preferred EP was not used, e.g. the WebGPU op check's sentence. */
  fallbackReason: z.string().nullable(),
  settings: z.object({
    targetSpacingMm: z.tuple([z.number(), z.number(), z.number()]),
    patchSize: z.tuple([z.number(), z.number(), z.number()]),
    overlap: z.number(),
    ttaFlipAxes: z.array(z.number()),
    threshold: z.number(),
  }),
  samples: z.object({ kind: z.enum(['members', 'tta', 'single']), count: z.number().int() }),
  timingsMs: z.record(z.string(), z.number()),
  startedAt: z.string(),
  /** Per label, Σp and the thresholded volume in mL from the float probabilities (the stored map is quantised: quantise.ts). */
  volumes: z.array(z.object({ label: z.string(), expectedMl: z.number(), maskMl: z.number() })).optional(),
});
export type InferenceProvenance = z.infer<typeof inferenceProvenanceSchema>;

export function inferenceProvenance(
  manifest: ModelManifest,
  result: SegmentationResult,
  run: { executionProvider: ExecutionProvider; fallbackReason?: string | null; ttaFlipAxes?: readonly number[]; startedAt: string },
): InferenceProvenance {
  return {
    kind: 'model-inference',
    modelId: manifest.id,
    modelVersion: manifest.version,
    modelName: manifest.name,
    intendedUse: manifest.intendedUse,
    members: manifest.members.map((m) => ({ file: m.file, sha256: m.sha256 })),
    executionProvider: run.executionProvider,
    fallbackReason: run.fallbackReason ?? null,
    settings: {
      targetSpacingMm: [...manifest.targetSpacingMm],
      patchSize: [...manifest.patchSize],
      overlap: manifest.overlap,
      ttaFlipAxes: [...(run.ttaFlipAxes ?? manifest.ttaFlipAxes)],
      threshold: 0.5,
    },
    samples: { ...result.samples },
    timingsMs: { ...result.timings },
    startedAt: run.startedAt,
  };
}
