/**
 * One case's shared intermediate results, computed lazily and at most once, so `all` conventions
 * cost little more than the most expensive one: one counting pass (with the union box), one scan for
 * the rows that hold lesion voxels, one pair of border-voxel distance sets (USE and MetricsReloaded
 * share the same border distances), one pair of corner-lattice distance sets (USE surface Dice) and
 * one 26-connected labelling (ISLES'22 and MetricsReloaded).
 */
import type { Box3, Dims3, Spacing3 } from '../grid';
import { type Confusion, confusionAndBox } from '../overlap';
import { type BorderDistances, borderDistances } from '../surfaceDistance';
import { type SurfelDistances, surfelDistances } from '../surfaceDice';
import { type LesionAnalysis, analyseLesions } from '../lesions';
import { majority, softReference } from '../raters';
import { type RowPair, unionRows } from '../rows';
import type { CaseInput } from './types';

export class CaseContext {
  readonly input: CaseInput;
  readonly dims: Dims3;
  readonly spacing: Spacing3;
  /** s0·s1·s2 in mm³, multiplied left to right as numpy's prod does. */
  readonly voxelMm3: number;
  private cb?: ReturnType<typeof confusionAndBox>;
  private bd?: BorderDistances;
  private sd?: SurfelDistances;
  private les26?: LesionAnalysis;
  private rp?: RowPair;
  private soft?: Float64Array;
  private maj?: Uint8Array;

  constructor(input: CaseInput) {
    const n = input.dims[0] * input.dims[1] * input.dims[2];
    if (input.ref.length !== n || input.pred.length !== n) throw new Error('mask length does not match dims');
    for (const s of input.spacing) if (!(s > 0) || !Number.isFinite(s)) throw new Error('spacing must be finite and > 0');
    this.input = input;
    this.dims = input.dims;
    this.spacing = input.spacing;
    this.voxelMm3 = input.spacing[0] * input.spacing[1] * input.spacing[2];
  }

  private counted(): ReturnType<typeof confusionAndBox> {
    if (!this.cb) this.cb = confusionAndBox(this.input.ref, this.input.pred, this.dims);
    return this.cb;
  }
  get confusion(): Confusion {
    return this.counted().confusion;
  }
  get box(): Box3 {
    return this.counted().box;
  }
  /** Whether every voxel of ref and pred is 0 or 1, from the counting pass (no pass of its own). */
  get masksAreBinary(): boolean {
    return this.counted().binary;
  }
  /** Where each mask's rows hold lesion voxels: the surfaces and the lesions visit only those rows. */
  private get rows(): RowPair {
    return (this.rp ??= unionRows(this.input.ref, this.input.pred, this.dims, this.box));
  }
  get borderDistances(): BorderDistances {
    const { ref, pred } = this.input;
    return (this.bd ??= borderDistances(ref, pred, this.dims, this.spacing, this.rows));
  }
  get surfelDistances(): SurfelDistances {
    const { ref, pred } = this.input;
    return (this.sd ??= surfelDistances(ref, pred, this.dims, this.spacing, this.rows));
  }
  get lesions26(): LesionAnalysis {
    const { ref, pred } = this.input;
    return (this.les26 ??= analyseLesions(ref, pred, this.dims, this.spacing, 26, this.rows));
  }
  /** Mean of the raters, or undefined without raters. */
  get softReference(): Float64Array | undefined {
    if (!this.input.raters || this.input.raters.length === 0) return undefined;
    if (!this.soft) this.soft = softReference(this.input.raters);
    return this.soft;
  }
  /** Majority of the raters; the reference mask itself when there are none. */
  get majority(): Uint8Array {
    if (!this.input.raters || this.input.raters.length === 0) return this.input.ref;
    if (!this.maj) this.maj = majority(this.input.raters);
    return this.maj;
  }
  /** Volume in ml of `n` voxels, formed as n × vv × 0.001 (USE's and ISLES' order). */
  ml(n: number): number {
    return n * this.voxelMm3 * 0.001;
  }
}
