/**
 * The segmentation pipeline of issue 5, environment-free (the renderer's worker, Node tests and
 * benches all call it): build channels → crop to the non-zero box (if the manifest says so) → the
 * model's axis order (modelGrid.ts) → resample to the target spacing → normalise → sliding window
 * with Gaussian weighting and TTA mirroring, per ensemble member → average (probabilities, or
 * logits then one activation) → resample the probabilities back (trilinear or nnU-Net's
 * anisotropic) → the case's axis order → uncrop (background outside the box) → mask (p > 0.5),
 * entropy, and with several samples the epistemic part (mutual information, variance).
 *
 * Uncertainty samples: with several ensemble members, each member (its TTA variants averaged) is a
 * sample. With one member and TTA, each TTA variant is a sample. Otherwise there is one sample and
 * no epistemic map.
 */
import type { Direction, Vec3 } from '../volume/types';
import { buildChannels, type ChannelSources } from './channels';
import { flipVariants } from './flip';
import { calibratedActivation, type ModelManifest } from './manifest';
import { normaliseChannels } from './normalise';
import { cpuPatchEngine, type PatchEngineFactory } from './patchEngine';
import { countWindows, predict, type AbortSignalLike, type ModelRunner } from './predict';
import { cropToBox, fromModelGrid, modelGrid, nonzeroBox, toModelGrid, uncropFromBox } from './modelGrid';
import { dimsAtSpacing, resampleAnisotropic, resampleTrilinear } from './resample';
import { labelMask, labelVolumes, type LabelVolume } from './outputs';
import { activate, entropyAndMutualInformation, UncertaintyAccumulator } from './uncertainty';

export { labelMask } from './outputs';

export interface StageTimings {
  channelsMs: number;
  resampleMs: number;
  normaliseMs: number;
  /** The whole sliding-window stage, model runs included. */
  slidingWindowMs: number;
  /** Sum of the ModelRunner calls alone (session.run and its tensor copies). */
  modelRunMs: number;
  resampleBackMs: number;
  outputsMs: number;
  totalMs: number;
}

export interface InferenceProgress {
  readonly stage: 'preprocess' | 'inference' | 'postprocess' | 'done';
  /** 0..1 over model runs (preprocessing and postprocessing are short next to them). */
  readonly fraction: number;
  readonly runsDone: number;
  readonly runsTotal: number;
  /** Seconds left, from the mean run time so far; null before the first run finishes. */
  readonly etaSeconds: number | null;
}

export interface SegmentationRequest {
  readonly manifest: ModelManifest;
  /** One runner per manifest member, same order. */
  readonly runners: readonly ModelRunner[];
  /**
   * One patch engine per member, same order, in place of the CPU engine over `runners`: the WebGPU
   * path (src-renderer/workers/webgpuEngine.ts) runs and stitches on the GPU.
   */
  readonly engines?: readonly PatchEngineFactory[];
  readonly dims: Vec3;
  readonly spacingMm: Vec3;
  /** The case's orientation; needed by models in MONAI axis order (reoriented to RAS). */
  readonly direction?: Direction;
  readonly sources: ChannelSources;
  readonly signal?: AbortSignalLike;
  readonly onProgress?: (p: InferenceProgress) => void;
  /** Clock in ms; pass performance.now in a worker for sub-ms timings. */
  readonly now?: () => number;
  /** Override the manifest's TTA axes (e.g. [] for a fast run). */
  readonly ttaFlipAxes?: readonly number[];
  /** Also return the model's float logits (a recalibration fit on re-run logits, issue 17). */
  readonly keepLogits?: boolean;
}

export interface SegmentationResult {
  /** Mean probability per output label, on the case grid (i fastest). */
  readonly probabilities: Float32Array[];
  /** sigmoid: 1-based index of the most probable label with p > 0.5, else 0; softmax: argmax (0 = background). */
  readonly mask: Uint8Array;
  /** Predictive entropy H[p̄] in bits. */
  readonly entropy: Float32Array;
  /** Epistemic part H[p̄] − mean H[p_u]; null with a single sample. */
  readonly mutualInformation: Float32Array | null;
  /** Variance of p across samples per label; null with a single sample. */
  readonly variance: Float32Array[] | null;
  readonly samples: { readonly kind: 'members' | 'tta' | 'single'; readonly count: number };
  /** Per label: expected volume Σp and the thresholded volume, in ml. */
  readonly volumes: LabelVolume[];
  /**
   * With `keepLogits`: per output channel, the mean over samples of the raw logits (each member's
   * TTA-averaged stitched output, before any activation or calibration), on the case grid; else null.
   */
  readonly logits: Float32Array[] | null;
  /** `skippedWindows`: windows whose all-zero input was not run, summed over members and TTA samples. */
  readonly grid: { readonly targetDims: Vec3; readonly windows: number; readonly runs: number; readonly skippedWindows: number };
  readonly timings: StageTimings;
}

export async function runSegmentation(req: SegmentationRequest): Promise<SegmentationResult> {
  const { manifest: m, dims } = req;
  const now = req.now ?? Date.now;
  if (req.runners.length !== m.members.length) throw new Error(`${m.members.length} ensemble members but ${req.runners.length} runners`);
  if (req.engines && req.engines.length !== m.members.length) {
    throw new Error(`${m.members.length} ensemble members but ${req.engines.length} patch engines`);
  }
  const t: StageTimings = {
    channelsMs: 0,
    resampleMs: 0,
    normaliseMs: 0,
    slidingWindowMs: 0,
    modelRunMs: 0,
    resampleBackMs: 0,
    outputsMs: 0,
    totalMs: 0,
  };
  const tStart = now();
  const nVox = dims[0] * dims[1] * dims[2];
  const outC = m.output.labels.length;
  const activation = m.output.activation;
  const how = calibratedActivation(m);

  let t0 = now();
  const raw = buildChannels(m.channels, req.sources, nVox);
  t.channelsMs = now() - t0;

  t0 = now();
  const box = m.cropToNonzero ? nonzeroBox(raw, dims) : null;
  const cdims = box ? box.dims : dims;
  const grid = modelGrid(m.axisOrder, cdims, req.spacingMm, req.direction);
  const gridded = raw.map((c) => toModelGrid(box ? cropToBox(c, dims, box) : c, cdims, grid));
  const tdims = dimsAtSpacing(grid.dims, grid.spacingMm, grid.fromManifest(m.targetSpacingMm));
  const channels = gridded.map((c) => resampleTrilinear(c, grid.dims, tdims)); // always a copy: safe to normalise in place
  t.resampleMs = now() - t0;

  t0 = now();
  normaliseChannels(m.normalisation, channels);
  t.normaliseMs = now() - t0;

  const patch = grid.fromManifest(m.patchSize);
  const flips = flipVariants((req.ttaFlipAxes ?? m.ttaFlipAxes).map(grid.manifestAxis));
  const engines = req.engines ?? req.runners.map(cpuPatchEngine);
  const units =
    engines.length > 1
      ? engines.map((engine) => ({ engine, variants: flips }))
      : flips.length > 1
        ? flips.map((axes) => ({ engine: engines[0], variants: [axes] }))
        : [{ engine: engines[0], variants: flips }];
  const samplesKind = req.runners.length > 1 ? 'members' : flips.length > 1 ? 'tta' : 'single';
  const windows = countWindows(tdims, patch, m.overlap);
  const runsTotal = units.reduce((s, u) => s + u.variants.length * windows, 0);
  let runsDone = 0;
  let skippedWindows = 0;
  let tInfer = now();
  const report = (stage: InferenceProgress['stage']) =>
    req.onProgress?.({
      stage,
      fraction: runsTotal ? runsDone / runsTotal : 1,
      runsDone,
      runsTotal,
      etaSeconds: runsDone > 0 ? ((now() - tInfer) / runsDone) * (runsTotal - runsDone) * 1e-3 : null,
    });
  report('preprocess');

  tInfer = now();
  const tvox = tdims[0] * tdims[1] * tdims[2];
  const acc = new UncertaintyAccumulator(outC, tvox, activation);
  // nnU-Net v2 averages the members' logits and applies the activation once; a recalibration fit
  // (keepLogits) wants the same mean of raw logits. Graphs that output probabilities have none.
  const averageLogits = m.ensembleAverage === 'logits';
  const keepLogits = req.keepLogits === true && m.output.values === 'logits';
  const logitSum = averageLogits || keepLogits ? Array.from({ length: outC }, () => new Float32Array(tvox)) : null;
  for (const unit of units) {
    const out = await predict(unit.engine, channels, tdims, {
      patch,
      overlap: m.overlap,
      variants: unit.variants,
      outChannels: outC,
      signal: req.signal,
      skipZeroPatches: m.skipEmptyPatches,
      onSkip: () => skippedWindows++,
      now,
      onRun: (ms) => {
        t.modelRunMs += ms;
        runsDone++;
        report('inference');
      },
    });
    if (logitSum) {
      for (let c = 0; c < outC; c++) for (let i = 0; i < tvox; i++) logitSum[c][i] += out[c][i];
    }
    if (m.output.values === 'logits') activate(out, how);
    acc.add(out);
  }
  t.slidingWindowMs = now() - tInfer;
  report('postprocess');

  t0 = now();
  const several = acc.samples > 1;
  let mean = acc.mean();
  if (logitSum) for (const ch of logitSum) for (let i = 0; i < tvox; i++) ch[i] /= units.length;
  if (logitSum && averageLogits) {
    mean = logitSum.map((ch) => ch.slice());
    activate(mean, how);
  }
  const rb = m.resampleBack;
  const back = (p: Float32Array, fill: number) => {
    const onGrid =
      rb.kind === 'trilinear'
        ? resampleTrilinear(p, tdims, grid.dims)
        : resampleAnisotropic(p, tdims, grid.dims, grid.fromManifest(m.targetSpacingMm), rb.coarseAxis, rb.ratio);
    const onCase = fromModelGrid(onGrid, cdims, grid);
    return box ? uncropFromBox(onCase, dims, box, fill) : onCase;
  };
  // Outside the crop box the model saw nothing: background with certainty.
  const background = (c: number) => (activation === 'softmax' && c === 0 ? 1 : 0);
  const probabilities = mean.map((p, c) => clampUnit(back(p, background(c))));
  const expectedH = several ? back(acc.expectedEntropy(), 0) : null;
  const variance = several ? acc.variance().map((v) => back(v, 0)) : null;
  // Outside the crop box, logits that say background with certainty (p within 1e-8 of it).
  const backgroundLogit = (c: number) => (activation === 'softmax' && c === 0 ? 0 : -20);
  const meanLogits = keepLogits && logitSum ? logitSum.map((z, c) => back(z, backgroundLogit(c))) : null;
  t.resampleBackMs = now() - t0;

  t0 = now();
  const { entropy, mutualInformation } = entropyAndMutualInformation(probabilities, expectedH ?? new Float32Array(nVox), activation);
  // softmax: the plain argmax (nnU-Net's); the panel applies the user's threshold on top.
  const mask = labelMask(probabilities, activation, activation === 'softmax' ? 0 : 0.5);
  const volumes = labelVolumes(probabilities, mask, m.output.labels, activation, req.spacingMm);
  t.outputsMs = now() - t0;
  t.totalMs = now() - tStart;
  report('done');
  return {
    probabilities,
    mask,
    entropy,
    mutualInformation: several ? mutualInformation : null,
    variance,
    samples: { kind: samplesKind, count: acc.samples },
    volumes,
    logits: meanLogits,
    grid: { targetDims: tdims, windows, runs: runsTotal, skippedWindows },
    timings: t,
  };
}

/** A cubic resampling back can overshoot [0, 1]. */
function clampUnit(p: Float32Array): Float32Array {
  for (let i = 0; i < p.length; i++) p[i] = p[i] < 0 ? 0 : p[i] > 1 ? 1 : p[i];
  return p;
}
