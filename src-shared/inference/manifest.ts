/**
 * The model manifest (`model.json`), one per model folder beside its `.onnx` ensemble members.
 * Validated with zod at load; `parseManifest` turns every failure into one readable sentence.
 * The format is documented for model authors in models/README.md; keep the two in step.
 *
 * Axis convention: `targetSpacingMm` and `patchSize` are in voxel-axis order (i, j, k), as in a
 * Quorum Volume. A volume whose data has i fastest is handed to the model as the tensor
 * [1, C, nk, nj, ni] (ONNX's last axis is the fastest), so `patchSize` [64, 64, 32] means a tensor
 * of shape [1, C, 32, 64, 64]. `ttaFlipAxes` also names voxel axes: 0 = i, 1 = j, 2 = k.
 */
import { z } from '../zod';
import { manifestCalibrationSchema, type ManifestCalibration } from '../calibration/provenance';
import type { CalibratedActivation } from './uncertainty';

/**
 * Known input channels. `dwi_b1000` is the trace image at the highest b-value of a DWI series
 * (nominally b ≈ 1000 s/mm²; Quorum uses whatever high b the series has, e.g. 1500);
 * `dwi_b0` is the b ≈ 0 image; `adc` is in mm²/s.
 */
const channelIdSchema = z.enum(['dwi_b1000', 'dwi_b0', 'adc', 'ct', 't1', 't2', 'flair']);
export type ChannelId = z.infer<typeof channelIdSchema>;

const vec3Positive = z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]);

export const channelSpecSchema = z
  .object({
    id: channelIdSchema,
    /**
     * What to do when the case lacks this channel. `computeFromB0` (ADC only): ADC = ln(S0/Sb)/b
     * from the b0 and high-b images and the series' b-value, clamped to `clampMm2PerS`.
     */
    ifMissing: z.enum(['error', 'computeFromB0']).default('error'),
    clampMm2PerS: z.tuple([z.number(), z.number()]).default([0, 0.005]),
  })
  .refine((c) => c.ifMissing !== 'computeFromB0' || c.id === 'adc', {
    message: 'ifMissing "computeFromB0" is only defined for the adc channel',
  })
  .refine((c) => c.clampMm2PerS[0] < c.clampMm2PerS[1], { message: 'clampMm2PerS must be [low, high] with low < high' });
export type ChannelSpec = z.infer<typeof channelSpecSchema>;

/**
 * Normalisation of one channel, applied after resampling (and after the crop to the non-zero box).
 * - `zscore`: (x − mean) / std, with mean and std taken inside a foreground mask built from channel
 *   `maskChannel` ('otsu': above its Otsu threshold; 'nonzero'; 'all'); voxels outside the mask
 *   become 0 (nnU-Net's use_mask_for_norm).
 * - `ct`: clip to [clip[0], clip[1]] HU, then (x − mean) / std with the dataset's fixed values
 *   (nnU-Net's CTNormalization: clip = the fingerprint's percentile_00_5 / percentile_99_5, mean and
 *   std over the foreground of the training set).
 * - `rescale`: (x − min) / (max − min) over the whole channel, to [0, 1] (MONAI ScaleIntensity).
 * - `none`: the values as read.
 */
const normalisationSchemeSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('zscore'),
    foreground: z.enum(['otsu', 'nonzero', 'all']),
    maskChannel: z.number().int().nonnegative().default(0),
  }),
  z.object({
    kind: z.literal('ct'),
    clip: z.tuple([z.number(), z.number()]).refine((c) => c[0] < c[1], 'clip must be [low, high] with low < high'),
    mean: z.number(),
    std: z.number().positive(),
  }),
  z.object({ kind: z.literal('rescale') }),
  z.object({ kind: z.literal('none') }),
]);
export type Normalisation = z.infer<typeof normalisationSchemeSchema>;

/** One scheme for every channel, or one per channel in `channels` order (nnU-Net's per-channel plans). */
const normalisationSchema = z.union([normalisationSchemeSchema, z.array(normalisationSchemeSchema).min(1)]);

/**
 * How the case grid becomes the model's tensor.
 * - `nnunet`: the file's own axes, no reorientation; tensor [1, C, nk, nj, ni] ([C, z, y, x] as
 *   SimpleITK's GetArrayFromImage gives). `targetSpacingMm`, `patchSize`, `ttaFlipAxes` in (i, j, k).
 * - `monai`: reoriented to RAS (as `Orientationd(axcodes="RAS")`), tensor [1, C, x, y, z] with z
 *   fastest; `targetSpacingMm` (pixdim), `patchSize` (roi_size) and `ttaFlipAxes` in (x, y, z).
 */
const axisOrderSchema = z.enum(['nnunet', 'monai']);
export type AxisOrder = z.infer<typeof axisOrderSchema>;

/**
 * Resampling of the probabilities back to the case grid.
 * - `trilinear`.
 * - `anisotropic` (nnU-Net): when the coarsest target spacing exceeds `ratio` × the finest, cubic
 *   B-spline (order 3) within each slice and `coarseAxis` interpolation across slices; otherwise
 *   cubic along all three axes.
 */
const resampleBackSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('trilinear') }),
  z.object({
    kind: z.literal('anisotropic'),
    coarseAxis: z.enum(['linear', 'nearest']),
    ratio: z.number().gt(1).default(3),
  }),
]);

/**
 * `sigmoid`: one output channel per label (multi-label), background implicit.
 * `softmax`: one output channel per class, `labels[0]` being the background.
 * `values`: 'logits' (Quorum applies the activation after stitching, as nnU-Net does) or
 * 'probabilities' when the graph already ends in that softmax / sigmoid.
 */
const outputSchema = z
  .object({
    activation: z.enum(['sigmoid', 'softmax']),
    labels: z.array(z.string().min(1)).min(1),
    values: z.enum(['logits', 'probabilities']).default('logits'),
  })
  .refine((o) => o.activation !== 'softmax' || o.labels.length >= 2, {
    message: 'softmax output needs at least 2 labels (background first)',
  });
export type OutputSpec = z.infer<typeof outputSchema>;

const memberSchema = z.object({
  /** File name inside the model folder; no path separators, so a manifest cannot reach outside. */
  file: z
    .string()
    .regex(/^[^/\\]+\.onnx$/, 'member file must be a plain file name ending in .onnx (no folders)')
    .refine((f) => f !== '.onnx' && !f.startsWith('..'), 'member file name is not valid'),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'sha256 must be 64 lowercase hex digits'),
  /** Informational: the training seed or fold of this member. */
  seed: z.number().int().optional(),
  fold: z.number().int().optional(),
});

const sameLabels = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

type SoftmaxCalibration = Extract<ManifestCalibration, { provenance: { activation: 'softmax' } }>;

function fittedForSoftmax(c: ManifestCalibration): c is SoftmaxCalibration {
  return 'activation' in c.provenance;
}

/** Why a calibration does not fit the model's output, or null when it does. */
function calibrationMismatch(output: OutputSpec, calibration: ManifestCalibration): string | null {
  if (output.activation === 'sigmoid') {
    if (output.labels.length !== 1) return 'a calibration of a sigmoid model is only defined for one label';
    return fittedForSoftmax(calibration) ? 'this calibration was fitted for a softmax model, and this model is sigmoid' : null;
  }
  if (!fittedForSoftmax(calibration)) return 'this calibration was fitted for a sigmoid model, and this model is softmax';
  const { recalibration, provenance } = calibration;
  if (recalibration.kind !== 'temperature' && recalibration.kind !== 'class-temperatures')
    return 'a softmax model is calibrated by temperature scaling only (one T or one per class)';
  const labels = recalibration.kind === 'class-temperatures' ? recalibration.labels : provenance.labels;
  if (!sameLabels(labels, output.labels) || !sameLabels(provenance.labels, output.labels))
    return `the calibration's labels (${labels.join(', ')}) are not the model's output labels (${output.labels.join(', ')})`;
  return null;
}

/** The output's activation with the manifest's recalibration for it, which the schema has paired. */
export function calibratedActivation(m: ModelManifest): CalibratedActivation {
  const cal = m.calibration;
  if (m.output.activation === 'sigmoid') {
    if (!cal) return { activation: 'sigmoid' };
    if (fittedForSoftmax(cal)) throw new ModelManifestError('schema', 'a softmax calibration on a sigmoid model');
    return { activation: 'sigmoid', recalibration: cal.recalibration };
  }
  if (!cal) return { activation: 'softmax' };
  if (!fittedForSoftmax(cal)) throw new ModelManifestError('schema', 'a sigmoid calibration on a softmax model');
  return { activation: 'softmax', recalibration: cal.recalibration };
}

const manifestSchema = z
  .object({
    schemaVersion: z.literal(1),
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'id must be lowercase letters, digits, ".", "_" or "-"'),
    name: z.string().min(1),
    version: z.string().min(1),
    license: z.string().min(1),
    /** Shown to the user verbatim next to every result. */
    intendedUse: z.string().min(1),
    modality: z.enum(['CT', 'MR-DWI', 'MR']),
    channels: z.array(channelSpecSchema).min(1),
    targetSpacingMm: vec3Positive,
    normalisation: normalisationSchema,
    axisOrder: axisOrderSchema.default('nnunet'),
    /** Crop to the bounding box of voxels non-zero in any channel before normalising (nnU-Net). */
    cropToNonzero: z.boolean().default(false),
    patchSize: z.tuple([z.number().int().positive(), z.number().int().positive(), z.number().int().positive()]),
    /** Fraction of the patch shared by neighbouring windows, in [0, 1). nnU-Net uses 0.5. */
    overlap: z.number().min(0).lt(1),
    /**
     * Do not run windows whose normalised input is zero in every channel (issue 16): their output
     * is the model's own output on an all-zero patch, computed once (patchEngine.ts), so the map
     * is unchanged. Worth it where the background normalises to exactly 0 (zscore with an 'otsu' or
     * 'nonzero' mask, skull-stripped images); nnU-Net itself runs every window.
     */
    skipEmptyPatches: z.boolean().default(false),
    ttaFlipAxes: z.array(z.union([z.literal(0), z.literal(1), z.literal(2)])).default([]),
    output: outputSchema,
    /**
     * How ensemble members (and TTA samples of one member) are averaged: as probabilities, or as
     * logits with one activation of the mean (nnU-Net v2). Logits need `output.values` 'logits'.
     */
    ensembleAverage: z.enum(['probabilities', 'logits']).default('probabilities'),
    resampleBack: resampleBackSchema.default({ kind: 'trilinear' }),
    /** ONNX input and output names; default: the graph's first input and output. */
    io: z
      .object({ input: z.string().min(1), output: z.string().min(1) })
      .partial()
      .default({}),
    members: z.array(memberSchema).min(1),
    /**
     * A recalibration fitted on reviewed cases (issue 17; src-shared/calibration/README.md), applied
     * to every member's logits: in place of the plain sigmoid (one sigmoid label), or as one
     * temperature or one per class before the softmax. Absent: the model's own probabilities.
     */
    calibration: manifestCalibrationSchema.optional(),
  })
  .superRefine((m, ctx) => {
    if (m.calibration) {
      const problem = calibrationMismatch(m.output, m.calibration);
      if (problem) ctx.addIssue({ code: 'custom', path: ['calibration'], message: problem });
    }
    if (m.output.values === 'probabilities' && m.ensembleAverage === 'logits') {
      ctx.addIssue({ code: 'custom', path: ['ensembleAverage'], message: 'logits cannot be averaged: the graph outputs probabilities' });
    }
    if (m.output.values === 'probabilities' && m.calibration) {
      ctx.addIssue({ code: 'custom', path: ['calibration'], message: 'a calibration needs logits: the graph outputs probabilities' });
    }
    const ids = m.channels.map((c) => c.id);
    const dup = ids.find((id, i) => ids.indexOf(id) !== i);
    if (dup) ctx.addIssue({ code: 'custom', path: ['channels'], message: `channel "${dup}" is listed twice` });
    if (Array.isArray(m.normalisation) && m.normalisation.length !== m.channels.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['normalisation'],
        message: `${m.normalisation.length} normalisation schemes for ${m.channels.length} channels`,
      });
    }
    for (const n of Array.isArray(m.normalisation) ? m.normalisation : [m.normalisation]) {
      if (n.kind === 'zscore' && n.maskChannel >= m.channels.length) {
        ctx.addIssue({
          code: 'custom',
          path: ['normalisation', 'maskChannel'],
          message: `maskChannel ${n.maskChannel} does not exist (${m.channels.length} channels)`,
        });
      }
    }
    if (new Set(m.ttaFlipAxes).size !== m.ttaFlipAxes.length) {
      ctx.addIssue({ code: 'custom', path: ['ttaFlipAxes'], message: 'ttaFlipAxes lists an axis twice' });
    }
    const files = m.members.map((x) => x.file);
    const dupFile = files.find((f, i) => files.indexOf(f) !== i);
    if (dupFile) ctx.addIssue({ code: 'custom', path: ['members'], message: `member file "${dupFile}" is listed twice` });
  });
export type ModelManifest = z.infer<typeof manifestSchema>;

export type ManifestErrorCode =
  'bad-json' | 'schema' | 'missing-file' | 'hash-mismatch' | 'bad-onnx' | 'opset' | 'unsupported-op' | 'channel-count' | 'output-count';

/** A manifest or model folder that cannot be used; `message` is written for the user. */
export class ModelManifestError extends Error {
  constructor(
    readonly code: ManifestErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ModelManifestError';
  }
}

/** Parse and validate `model.json` text. Throws ModelManifestError naming the first problems. */
export function parseManifest(text: string, source = 'model.json'): ModelManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw new ModelManifestError('bad-json', `${source} is not valid JSON: ${detail}`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 5).map((issue) => {
      const where = issue.path.length ? issue.path.join('.') : '(top level)';
      return `${where}: ${issue.message}`;
    });
    throw new ModelManifestError('schema', `${source} is not a valid model manifest: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** Number of output channels the model must produce (one per label for both activations). */
export function outputChannelCount(m: ModelManifest): number {
  return m.output.labels.length;
}
