/**
 * The model channels of the API contract (issue 5, local inference), spread into the one `contract`
 * table in contract.ts. Member bytes are not sent through a channel: they are fetched from
 * `api/model/<source>/<folder>/<file>` (a GET route like api/volume), so 400 KB–100 MB ONNX files
 * never pass through JSON.
 *
 * Environment-free.
 */
import { z } from '../zod';
import { bytesSchema } from './bytes';
import { manifestCalibrationSchema } from '../calibration/provenance';
import { channelSpecSchema } from '../inference/manifest';
import { inferenceProvenanceSchema } from '../inference/provenance';
import { nativeInferenceChannels } from './nativeInferenceChannels';
import { annotationVersionSchema, raterSchema } from '../project/schemas';

const modelSourceSchema = z.enum(['bundled', 'user']);
export type ModelSource = z.infer<typeof modelSourceSchema>;

/** One folder found in a models directory: usable (with its manifest summary) or not (with why). */
const modelEntrySchema = z.object({
  /** `<source>/<folder>`: unique across both directories. */
  key: z.string(),
  source: modelSourceSchema,
  folder: z.string(),
  /** The one sentence saying why the folder cannot be used; null when it can. */
  error: z.string().nullable(),
  model: z
    .object({
      id: z.string(),
      name: z.string(),
      version: z.string(),
      license: z.string(),
      /** Shown verbatim next to every result ("demo model, not for clinical use. …"). */
      intendedUse: z.string(),
      modality: z.string(),
      /** The manifest's input channels, so the renderer can say which cases the model accepts (inference/caseFit.ts). */
      channels: z.array(channelSpecSchema),
      labels: z.array(z.string()),
      activation: z.enum(['sigmoid', 'softmax']),
      memberCount: z.number().int(),
    })
    .nullable(),
  /** The files the renderer fetches (model.json first, then the members), as URLs relative to the app origin. */
  files: z.array(z.object({ name: z.string(), url: z.string() })),
  webgpu: z
    .object({
      canRun: z.boolean(),
      /** Why it cannot (e.g. 3D ConvTranspose): the user is told, WASM is used. */
      blocking: z.array(z.string()),
      warnings: z.array(z.string()),
      ops: z.record(z.string(), z.number()),
    })
    .nullable(),
});
export type ModelEntry = z.infer<typeof modelEntrySchema>;

export const inferenceChannels = {
  /**
   * The bundled models and those in the user's models directory (re-read on every call: a dropped
   * folder needs no restart). Needs a signed-in session: listing reads and hashes files on disk.
   */
  'quorum:models.list': {
    request: z.object({ session: z.string().min(1) }),
    result: z.object({ userDir: z.string(), bundledDir: z.string(), models: z.array(modelEntrySchema) }),
  },
  /**
   * Saves a recalibrated model as a new version in the user's models directory (reviewers and
   * admins; src-main/services/calibratedModel.ts): the base model's members, its manifest with the
   * new version and the calibration with its provenance (src-shared/calibration/provenance.ts).
   */
  'quorum:models.saveCalibrated': {
    request: z.object({
      session: z.string().min(1),
      baseKey: z.string().min(1),
      version: z.string().min(1).max(40),
      calibration: manifestCalibrationSchema,
    }),
    result: z.object({ key: z.string() }),
  },
  /**
   * Saves a result as its model's rater (reviewers and admins; src-main/services/project/modelResults.ts).
   * The mask (at `provenance.settings.threshold`) travels like annotation.save's labelmap; the
   * probabilities as the model's Float32 values, raw little-endian bytes, label-major
   * (`probabilityVolumes` × the case's voxels), which the server quantises once to store them
   * (src-shared/inference/quantise.ts says how).
   */
  'quorum:inference.saveResult': {
    request: z.object({
      session: z.string().min(1),
      caseId: z.string().min(1),
      maskGzBase64: z.string().min(1),
      probabilities: bytesSchema,
      probabilityDtype: z.literal('float32'),
      probabilityVolumes: z.number().int().min(1).max(2),
      provenance: inferenceProvenanceSchema,
    }),
    result: z.object({ version: annotationVersionSchema, rater: raterSchema, threshold: z.number(), probabilityHash: z.string() }),
  },
  /** A saved model result's provenance, threshold and probability NIfTI (blinded like its version: annotators get not-found). */
  'quorum:inference.readResult': {
    request: z.object({ session: z.string().min(1), versionId: z.string().min(1) }),
    result: z.object({
      version: annotationVersionSchema,
      rater: raterSchema,
      provenance: inferenceProvenanceSchema,
      threshold: z.number(),
      probabilityFileName: z.string(),
      probabilityNiftiBase64: z.string(),
    }),
  },
  ...nativeInferenceChannels,
} as const;

/** Relative URL of one file of a model folder (model.json or a member). */
export function modelFileUrl(source: ModelSource, folder: string, file: string): string {
  return `api/model/${source}/${encodeURIComponent(folder)}/${encodeURIComponent(file)}`;
}
