/**
 * One case's evaluation for the per-case metrics panel and the dataset dashboard (issue 7): every
 * comparison the USE-Evaluator paper asks about — model vs each rater, model vs the majority and the
 * soft consensus, each rater vs the leave-one-out consensus of the others, rater vs rater for the
 * agreement matrix — under the chosen conventions, plus volumes, the lesion table and calibration.
 *
 * All metric values come from the metrics engine (src-shared/metrics); this module chooses the mask
 * pairs, shares one CaseContext per pair among the conventions, and caches by source keys so a
 * rater's edit recomputes only the comparisons it touches (EvaluationCache).
 */
import { brierScore, eceAll } from '../metrics/calibration';
import { imageClass, smallFlags } from '../metrics/emptyCase';
import type { LesionAnalysis } from '../metrics/lesions';
import { diceDml, softSums } from '../metrics/softDice';
import { expectedVolumeMl } from '../metrics/volume';
import { CaseContext, evaluateConventions } from '../metrics/conventions/index';
import { evaluateLabels } from '../metrics/conventions/labels';
import { type HalfVotes, voteWeights } from '../project/consensus';
import { freeGrid } from '../volume/freeGrid';
import { reliabilityCounts } from './datasetAgreement';
import { labelBreakdowns } from './labelBreakdown';
import { lesionTable } from './lesionTable';
import { type DerivedSources, type KeyedMask, KeyedStore, MaskPool, type SoftReference, deriveSources, probabilityArgs } from './sources';
import type {
  CalibrationSummary,
  CaseEvaluation,
  CaseSourcesInput,
  CaseVolumes,
  Comparison,
  ComparisonKind,
  ConventionName,
  ConventionResult,
  EmptyCaseInfo,
  EvaluationOptions,
} from './types';

type PairResult = Pick<Comparison, 'emptyCase' | 'results' | 'perLabel'>;

/**
 * What one evaluator keeps between calls: the raters' half votes, pair results, lesion analyses
 * (and per label, the multi-label majorities). Entries a call did not use are dropped at its end,
 * and so are the masks it made (`pool`), so memory stays at one grid of votes for the case.
 */
export class EvaluationCache {
  // Grids the stores made themselves: freed when dropped rather than left to the collector.
  readonly masks = new KeyedStore<Uint8Array>(freeGrid);
  readonly votes = new KeyedStore<HalfVotes>(freeGrid);
  readonly pool = new MaskPool();
  readonly pairs = new KeyedStore<PairResult>();
  readonly lesions = new KeyedStore<LesionAnalysis>();
  readonly scalars = new KeyedStore<number>();
  readonly calibrations = new KeyedStore<CalibrationSummary>();
  readonly valueCounts = new KeyedStore<Float64Array>();
  sweep(): void {
    this.valueCounts.sweep();
    this.calibrations.sweep();
    this.masks.sweep();
    this.votes.sweep();
    this.pool.clear();
    this.pairs.sweep();
    this.lesions.sweep();
    this.scalars.sweep();
  }
  /** Another case: the grids kept for this one are freed. */
  release(): void {
    this.masks.clear();
    this.votes.clear();
    this.pool.clear();
  }
}

function checkOptions(o: EvaluationOptions): void {
  if (o.conventions.length === 0) throw new Error('evaluateCase: ask for at least one convention');
  if (o.useThresholdMl !== undefined && !(o.useThresholdMl >= 0 && Number.isFinite(o.useThresholdMl))) {
    throw new Error(`the USE threshold must be a finite volume ≥ 0 ml, got ${o.useThresholdMl}`);
  }
  for (const t of o.surfaceTolerancesMm ?? []) {
    if (!(t > 0 && Number.isFinite(t))) throw new Error(`surface tolerances must be finite and > 0 mm, got ${t}`);
  }
}

function emptyCaseOf(ctx: CaseContext, thresholdMl: number | undefined): EmptyCaseInfo {
  const c = ctx.confusion;
  const f = smallFlags(c, ctx.voxelMm3, thresholdMl);
  return {
    refVoxels: c.nRef,
    predVoxels: c.nPred,
    refMl: ctx.ml(c.nRef),
    predMl: ctx.ml(c.nPred),
    refEmpty: c.nRef === 0,
    predEmpty: c.nPred === 0,
    thresholdMl: thresholdMl ?? null,
    refSmall: f.refSmall,
    predSmall: f.predSmall,
    imageClass: thresholdMl === undefined ? null : imageClass(f),
  };
}

interface Evaluator {
  readonly input: CaseSourcesInput;
  readonly options: EvaluationOptions;
  readonly optionsKey: string;
  readonly cache: EvaluationCache;
  computed: number;
  cached: number;
}

/** The USE threshold and surface tolerances as CaseContext and evaluateLabels take them. */
function thresholds(options: EvaluationOptions): { thresholdMl?: number; tolerancesMm?: readonly number[] } {
  return {
    ...(options.useThresholdMl === undefined ? {} : { thresholdMl: options.useThresholdMl }),
    ...(options.surfaceTolerancesMm === undefined ? {} : { tolerancesMm: options.surfaceTolerancesMm }),
  };
}

function compare(ev: Evaluator, kind: ComparisonKind, ref: KeyedMask, pred: KeyedMask): Comparison {
  const key = `${ev.optionsKey}|${ref.key}|${pred.key}`;
  const fresh = !ev.cache.pairs.has(key);
  const pair = ev.cache.pairs.get(key, () => {
    const { input, options } = ev;
    const ctx = new CaseContext({
      ref: ref.mask,
      pred: pred.mask,
      dims: input.geometry.dims,
      spacing: input.geometry.spacingMm,
      ...thresholds(options),
    });
    // The pipeline the `evaluate` CLI calls on the same masks (src-main/cli/evaluateCase.ts).
    const results: Partial<Record<ConventionName, ConventionResult>> = evaluateConventions(ctx, options.conventions);
    const { labels } = options;
    const perLabel =
      labels && ref.labelMap && pred.labelMap
        ? evaluateLabels(
            { ref: ref.labelMap, pred: pred.labelMap, dims: ctx.dims, spacing: ctx.spacing, ...thresholds(options) },
            labels,
            'all',
          )
        : undefined;
    return { emptyCase: emptyCaseOf(ctx, options.useThresholdMl), results, ...(perLabel ? { perLabel } : {}) };
  });
  if (fresh) ev.computed++;
  else ev.cached++;
  return { kind, referenceId: ref.id, predictionId: pred.id, referenceLabel: ref.label, predictionLabel: pred.label, ...pair };
}

function comparisons(ev: Evaluator, d: DerivedSources): Comparison[] {
  const out: Comparison[] = [];
  if (d.model) {
    for (const r of d.raters) out.push(compare(ev, 'model-rater', r, d.model));
    if (d.majority) out.push(compare(ev, 'model-majority', d.majority, d.model));
  }
  d.raters.forEach((r, i) => {
    const loo = d.leaveOneOut[i];
    if (loo) out.push(compare(ev, 'rater-loo', loo, r));
  });
  for (let a = 0; a < d.raters.length; a++) {
    for (let b = a + 1; b < d.raters.length; b++) out.push(compare(ev, 'rater-rater', d.raters[a], d.raters[b]));
  }
  return out;
}

function sumOf(ev: Evaluator, key: string, f: () => number): number {
  return ev.cache.scalars.get(key, f);
}

function volumes(ev: Evaluator, d: DerivedSources): CaseVolumes {
  const { input, options } = ev;
  const vv = input.geometry.spacingMm[0] * input.geometry.spacingMm[1] * input.geometry.spacingMm[2];
  const ml = (n: number) => n * vv * 0.001;
  const [, w1, w2] = voteWeights(options.uncertainAs);
  // A rater's volume counts votes (uncertain as 1, 0 or ½), so the raters' mean volume equals V_soft.
  const raters = input.raters.map((r, i) => {
    const lm = d.labelmaps[i];
    const votes = sumOf(ev, `vol:${d.raters[i].key}`, () => {
      let s = 0;
      for (let p = 0; p < lm.length; p++) {
        const v = lm[p];
        if (v === 1) s += w1;
        else if (v === 2) s += w2;
      }
      return s;
    });
    return { id: r.id, name: r.name, ml: ml(votes) };
  });
  const majority = d.majority;
  // Masks are read inside the closures: a cached volume must not make its mask (sources.ts MaskPool).
  const majorityMl = majority ? ml(sumOf(ev, `vol:${majority.key}`, () => countOnes(majority.mask))) : null;
  const soft = d.soft;
  const softMl = soft && d.majority ? ml(sumOf(ev, `vol:soft:${d.majority.key}`, () => sumSoft(soft))) : null;
  let model: CaseVolumes['model'] = null;
  const p = input.model?.probability;
  const modelMask = d.model;
  if (p && input.model && modelMask) {
    const vml = vv * 0.001;
    const k = `${input.model.id}#${input.model.key}`;
    // The volume of the mask every comparison uses (saved, or p > its t), never of another threshold.
    const thresholdedMl = ml(sumOf(ev, `vol:${modelMask.key}`, () => countOnes(modelMask.mask)));
    const saved = input.model.expectedMl;
    const expectedMl =
      saved !== undefined && Number.isFinite(saved)
        ? saved
        : sumOf(ev, `vexp:${k}`, () => {
            const { prob, values } = probabilityArgs(p);
            return expectedVolumeMl(prob, vml, values);
          });
    model = { thresholdedMl, expectedMl, thrMinusExpMl: thresholdedMl - expectedMl };
  }
  const gap = (a: number | undefined, b: number | null) => (a === undefined || b === null ? null : a - b);
  return {
    unit: 'ml',
    raters,
    majorityMl,
    softMl,
    model,
    gaps: {
      thrMinusMajorityMl: gap(model?.thresholdedMl, majorityMl),
      expMinusMajorityMl: gap(model?.expectedMl, majorityMl),
      thrMinusSoftMl: gap(model?.thresholdedMl, softMl),
      expMinusSoftMl: gap(model?.expectedMl, softMl),
    },
  };
}

function countOnes(m: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < m.length; i++) n += m[i];
  return n;
}

/** Σ of the soft reference's values, voxel by voxel in order (the same sum as over the decoded map). */
function sumSoft({ codes, values }: SoftReference): number {
  let s = 0;
  for (let i = 0; i < codes.length; i++) s += values[codes[i]];
  return s;
}

function calibration(ev: Evaluator, d: DerivedSources): CalibrationSummary | null {
  const m = ev.input.model;
  const p = m?.probability;
  if (!m || !p || !d.majority) return null;
  const majority = d.majority;
  return ev.cache.calibrations.get(`cal:${m.id}#${m.key}|${d.majority.key}`, () => {
    const ref = majority.mask;
    const { prob, values } = probabilityArgs(p);
    return {
      reference: 'majority',
      region: 'whole image',
      ece: eceAll(prob, ref, undefined, values),
      brier: brierScore(prob, ref, undefined, values),
      reliability: reliabilityCounts(prob, ref, undefined, values),
    };
  });
}

/**
 * Evaluates one case. Pass the same `cache` on every call for one case (the panel's worker keeps
 * one) to recompute only what changed; without it every comparison is computed.
 */
export function evaluateCase(
  input: CaseSourcesInput,
  options: EvaluationOptions,
  cache: EvaluationCache = new EvaluationCache(),
): CaseEvaluation {
  const started = Date.now();
  checkOptions(options);
  const d = deriveSources(input, options.uncertainAs, cache, options.labels);
  const optionsKey = JSON.stringify([
    options.conventions,
    options.useThresholdMl ?? null,
    options.surfaceTolerancesMm ?? null,
    options.labels ?? null,
  ]);
  const ev: Evaluator = { input, options, optionsKey, cache, computed: 0, cached: 0 };

  const comps = comparisons(ev, d);
  const m = input.model;
  const p = m?.probability;
  const raterSoft = d.soft;
  const soft =
    m && p && raterSoft && d.majority
      ? {
          referenceId: 'soft' as const,
          predictionId: m.id,
          measure: 'dice-semimetric' as const,
          diceDml: sumOf(ev, `dml:${m.id}#${m.key}|${d.majority.key}`, () => {
            const { prob, values } = probabilityArgs(p);
            return diceDml(softSums(prob, raterSoft.codes, undefined, raterSoft.values, values));
          }),
        }
      : null;
  const reference = d.majority ?? d.model;
  // Without raters the model's own components are listed, with no one to detect them.
  const sources = d.majority ? [...(d.model ? [d.model] : []), ...d.raters] : [];
  const lesions = reference ? lesionTable({ reference, sources, geometry: input.geometry }, cache.lesions) : null;
  const result: CaseEvaluation = {
    options: {
      conventions: [...options.conventions],
      useThresholdMl: options.useThresholdMl ?? null,
      surfaceTolerancesMm: options.surfaceTolerancesMm ? [...options.surfaceTolerancesMm] : null,
      uncertainAs: options.uncertainAs,
    },
    dims: [...input.geometry.dims],
    spacingMm: [...input.geometry.spacingMm],
    raters: input.raters.map((r) => ({ id: r.id, name: r.name, noLesion: r.labelmap === null })),
    model: m
      ? { id: m.id, name: m.name, hasResult: m.probability !== null, threshold: m.threshold, mask: m.savedMask ? 'saved' : 'thresholded' }
      : null,
    comparisons: comps,
    soft,
    volumes: volumes(ev, d),
    lesions,
    ...(options.labels
      ? { labels: labelBreakdowns({ input, sources: d, labels: options.labels, counts: cache.valueCounts, lesions: cache.lesions }) }
      : {}),
    calibration: calibration(ev, d),
    computed: { comparisons: ev.computed, cached: ev.cached, ms: Date.now() - started },
  };
  cache.sweep();
  return result;
}
