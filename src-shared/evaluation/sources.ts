/**
 * The masks a case evaluation compares, derived from the raw sources: each rater's binary mask
 * under the uncertain-voxel rule, the majority and soft consensus, each rater's leave-one-out
 * consensus, and the model's mask at its threshold. Consensus is src-shared/project/consensus.ts
 * (the same rules the review heat map and the exports use), so a number in the panel and a file in
 * an export never disagree about what "majority" means.
 *
 * Every derived mask carries a `key` built from the source keys and the options it depends on; the
 * EvaluationCache keys its results by them, which is what makes recompute-on-edit incremental.
 *
 * Memory (issue 15): the metrics worker runs in the renderer process, so what it keeps counts
 * against review mode's peak. Between calls it keeps one grid, the raters' half votes, from which
 * the majority, every leave-one-out majority and the soft reference follow exactly; a binary mask
 * is made only when a result that needs it is not cached, into a MaskPool of a few grids that
 * recycles its buffers, and the pool is emptied when the call ends. Before, every mask (two per
 * rater, the majority, the model's) and a Float32 soft map stayed for the case: about 1.1 GB at 5
 * raters on a 512×512×300 grid.
 */
import {
  type HalfVotes,
  halfVotes,
  leaveOneOutMajority,
  majorityOfHalfVotes,
  multiLabelMajority,
  softValuesOfHalfVotes,
} from '../project/consensus';
import type { UncertainAs } from '../project/labels';
import { freeGrid } from '../volume/freeGrid';
import type { CaseSourcesInput, CodedProbability, RaterSource } from './types';

export interface KeyedMask {
  readonly id: string;
  readonly label: string;
  readonly key: string;
  /**
   * 0/1, i fastest. Derived masks are made on read (a MaskPool's): read it only to compute a result
   * that is not cached, and hold it no longer than that computation.
   */
  readonly mask: Uint8Array;
  /** The source's label values (a multi-label majority for consensus), when labels are evaluated one by one. */
  readonly labelMap?: Uint8Array;
}

export interface DerivedSources {
  readonly voxels: number;
  /** Raw labelmaps (a zero array for "no lesion"), in rater order. */
  readonly labelmaps: readonly Uint8Array[];
  readonly raters: readonly KeyedMask[];
  readonly majority: KeyedMask | null;
  /** Mean vote per voxel in [0, 1], as codes into a table; null without raters. */
  readonly soft: SoftReference | null;
  /** Per rater (same order): the majority of the others; null with fewer than two raters. */
  readonly leaveOneOut: ReadonlyArray<KeyedMask | null>;
  readonly model: KeyedMask | null;
}

/**
 * The raters' soft reference as their half votes per voxel (`codes`) and the Float32 mean each
 * count stands for (`values`): voxel i's value is values[codes[i]], bit for bit softConsensus's. A
 * lossless Uint8 form of the 4-byte map.
 */
export interface SoftReference {
  readonly codes: HalfVotes;
  readonly values: Float32Array;
}

/**
 * The derived masks made during one evaluation, at most `capacity` at once: making one more drops
 * the least recently used and reuses its buffer, so a call allocates `capacity` grids however many
 * raters it compares. Safe because no caller holds more than two masks at once (a pair, or the
 * reference and one source of the lesion table) and none keeps one past its computation. Two are
 * enough to keep a loop's fixed side (the model, the majority, the first rater of rater pairs): a
 * pair reads its reference, then its prediction, so the side that stays is read every turn and the
 * one dropped is the other side of the turn before. A third grid only cost 75 MiB (512×512×300) at
 * the top of every evaluation, in the renderer's memory.
 */
export class MaskPool {
  private readonly made = new Map<string, Uint8Array>();
  /** The grids this pool allocated (`make` may hand back another array; only these are freed). */
  private readonly owned = new Set<Uint8Array>();
  constructor(private readonly capacity = 2) {
    if (capacity < 2) throw new Error('a mask pool must hold at least the two masks of a pair');
  }
  get(key: string, voxels: number, make: (out: Uint8Array) => Uint8Array): Uint8Array {
    const hit = this.made.get(key);
    if (hit) {
      // Most recently used last: Map keeps insertion order.
      this.made.delete(key);
      this.made.set(key, hit);
      return hit;
    }
    let out: Uint8Array | undefined;
    if (this.made.size >= this.capacity) {
      const [oldest, buffer] = this.made.entries().next().value as [string, Uint8Array];
      this.made.delete(oldest);
      out = buffer;
    }
    if (out?.length !== voxels) {
      if (out && this.owned.delete(out)) freeGrid(out);
      out = new Uint8Array(voxels);
      this.owned.add(out);
    }
    const mask = make(out);
    this.made.set(key, mask);
    return mask;
  }
  /**
   * Ends the call: every grid is let go, and the ones this pool allocated are freed now
   * (freeGrid.ts): left to the worker's next collection, they stayed in the renderer's memory.
   */
  clear(): void {
    this.made.clear();
    for (const grid of this.owned) freeGrid(grid);
    this.owned.clear();
  }
  get size(): number {
    return this.made.size;
  }
}

/** A mask made on first read through the pool (again after the pool dropped it). */
function pooledMask(pool: MaskPool, voxels: number, mask: Omit<KeyedMask, 'mask'>, make: (out: Uint8Array) => Uint8Array): KeyedMask {
  return {
    ...mask,
    get mask() {
      return pool.get(mask.key, voxels, make);
    },
  };
}

/** A tiny keyed store that forgets entries not used during the last `sweep` generation. */
export class KeyedStore<T> {
  private entries = new Map<string, { value: T; gen: number }>();
  private gen = 0;
  /** `dispose`: called with each value the store drops (grids the store made: freeGrid). */
  constructor(private readonly dispose?: (value: T) => void) {}
  get(key: string, make: () => T): T {
    const hit = this.entries.get(key);
    if (hit) {
      hit.gen = this.gen;
      return hit.value;
    }
    const value = make();
    this.entries.set(key, { value, gen: this.gen });
    return value;
  }
  /**
   * `get` for a value a call needs one of (the raters' votes): a miss first drops the entries this
   * generation has not used, so an edit's new grid and the one it replaces are never held together.
   */
  getReplacing(key: string, make: () => T): T {
    if (!this.entries.has(key)) this.dropUnused();
    return this.get(key, make);
  }
  has(key: string): boolean {
    return this.entries.has(key);
  }
  /** Drops what the generation that just ended did not touch, then starts the next one. */
  sweep(): void {
    this.dropUnused();
    this.gen++;
  }
  private dropUnused(): void {
    for (const [k, e] of this.entries)
      if (e.gen !== this.gen) {
        this.entries.delete(k);
        this.dispose?.(e.value);
      }
  }
  /** Drops every value (the case is left). */
  clear(): void {
    for (const e of this.entries.values()) this.dispose?.(e.value);
    this.entries.clear();
  }
  get size(): number {
    return this.entries.size;
  }
}

/** Binary mask of one rater's labelmap: 1 → 1; 2 → 1 only when uncertain voxels count as lesion. */
export function binariseLabelmap(
  labelmap: Uint8Array,
  uncertainAs: UncertainAs,
  out: Uint8Array = new Uint8Array(labelmap.length),
): Uint8Array {
  const two = uncertainAs === 'lesion' ? 1 : 0;
  for (let i = 0; i < labelmap.length; i++) {
    const v = labelmap[i];
    out[i] = v === 1 ? 1 : v === 2 ? two : 0;
  }
  return out;
}

/** A saved mask as 0/1: any label is lesion (a sigmoid model's saved mask holds 0 and 1 only). */
function binariseMask(mask: Uint8Array, out: Uint8Array): Uint8Array {
  for (let i = 0; i < mask.length; i++) out[i] = mask[i] === 0 ? 0 : 1;
  return out;
}

/** The model's name with the threshold that made its mask, so no view can show a mask under the bare name. */
function modelLabel(name: string, threshold: number): string {
  return `${name} (p > ${threshold})`;
}

/**
 * A model's p as the metric functions take it: the grid it is held in (the Float32 map, or a coded
 * map's codes), and the table of its codes when it is coded.
 */
export function probabilityArgs(p: Float32Array | CodedProbability): { prob: Float32Array | Uint8Array; values: Float32Array | undefined } {
  return p instanceof Float32Array ? { prob: p, values: undefined } : { prob: p.codes, values: p.values };
}

/** p > t (strict), as the thresholded volume and the stored model masks use it. */
export function thresholdProbability(
  p: Float32Array | CodedProbability,
  threshold: number,
  out: Uint8Array = new Uint8Array(probabilityArgs(p).prob.length),
): Uint8Array {
  const { prob, values } = probabilityArgs(p);
  for (let i = 0; i < prob.length; i++) out[i] = (values ? values[prob[i]] : prob[i]) > threshold ? 1 : 0;
  return out;
}

function checkLength(what: string, length: number, voxels: number, dims: readonly number[]): void {
  if (length !== voxels) throw new Error(`${what} has ${length} voxels but the case grid ${dims.join('×')} has ${voxels}`);
}

/** Throws a clear error for a source that does not fit the grid or a probability outside [0, 1]. */
export function checkSources(input: CaseSourcesInput): number {
  const [x, y, z] = input.geometry.dims;
  if (![x, y, z].every((d) => Number.isInteger(d) && d > 0))
    throw new Error(`dims must be three positive integers, got ${input.geometry.dims.join(', ')}`);
  for (const s of input.geometry.spacingMm)
    if (!(s > 0) || !Number.isFinite(s)) throw new Error(`spacing must be finite and > 0 mm, got ${input.geometry.spacingMm.join(', ')}`);
  const voxels = x * y * z;
  const ids = new Set<string>();
  for (const r of input.raters) {
    if (ids.has(r.id)) throw new Error(`rater id "${r.id}" appears twice`);
    ids.add(r.id);
    if (r.labelmap) checkLength(`rater ${r.name}'s labelmap`, r.labelmap.length, voxels, input.geometry.dims);
  }
  const m = input.model;
  const p = m?.probability;
  if (m && p) {
    if (!(m.threshold >= 0 && m.threshold < 1)) throw new Error(`the model's threshold must lie in [0, 1), got ${m.threshold}`);
    if (m.savedMask) checkLength(`the model's saved mask`, m.savedMask.length, voxels, input.geometry.dims);
    const { prob, values } = probabilityArgs(p);
    checkLength(`the model's probability map`, prob.length, voxels, input.geometry.dims);
    // A coded map's values are its table's: checking the table checks every voxel.
    const decoded = values ?? prob;
    for (let i = 0; i < decoded.length; i++) {
      const v = decoded[i];
      if (!(v >= 0 && v <= 1)) {
        const where = values ? `code ${i}` : `voxel ${i}`;
        throw new Error(`the model's probability map has ${v} at ${where}; probabilities must lie in [0, 1]`);
      }
    }
    if (values && values.length < 256) throw new Error(`the model's coded probability map has a table of ${values.length} values, not 256`);
  }
  return voxels;
}

const raterKey = (r: RaterSource, u: UncertainAs) => `${r.id}#${r.key}#${u}`;

/**
 * Describes the masks; each is made only when read (see KeyedMask.mask). The half votes are kept in
 * `votes` under their key, so an edit recounts them once and a change of options alone does not.
 */
export function deriveSources(
  input: CaseSourcesInput,
  uncertainAs: UncertainAs,
  stores: { readonly masks: KeyedStore<Uint8Array>; readonly votes: KeyedStore<HalfVotes>; readonly pool: MaskPool },
  labels?: readonly number[],
): DerivedSources {
  const { masks, pool } = stores;
  const voxels = checkSources(input);
  let zeros: Uint8Array | null = null;
  const labelmaps = input.raters.map((r) => r.labelmap ?? (zeros ??= new Uint8Array(voxels)));
  const raters: KeyedMask[] = input.raters.map((r, i) =>
    pooledMask(
      pool,
      voxels,
      { id: r.id, label: r.name, key: `bin:${raterKey(r, uncertainAs)}`, ...(labels ? { labelMap: labelmaps[i] } : {}) },
      (out) => binariseLabelmap(labelmaps[i], uncertainAs, out),
    ),
  );
  // The multi-label majority of some raters, keyed like the binary one (the labels are in optionsKey).
  const labelMajority = (key: string, of: () => readonly Uint8Array[]) =>
    labels ? { labelMap: masks.get(`ml${key}:${labels.join(',')}`, () => multiLabelMajority(of(), labels)) } : {};
  const allKeys = input.raters.map((r) => raterKey(r, uncertainAs)).join('|');
  const count = labelmaps.length;
  const votes = count > 0 ? stores.votes.getReplacing(`votes:${allKeys}`, () => halfVotes(labelmaps, uncertainAs)) : null;
  let majority: KeyedMask | null = null;
  let soft: SoftReference | null = null;
  if (votes) {
    const key = `maj:${allKeys}`;
    majority = pooledMask(pool, voxels, { id: 'majority', label: 'majority', key, ...labelMajority(key, () => labelmaps) }, (out) =>
      majorityOfHalfVotes(votes, count, out),
    );
    soft = { codes: votes, values: softValuesOfHalfVotes(count) };
  }
  const leaveOneOut = input.raters.map((r, i) => {
    if (!votes || count < 2) return null;
    const key = `loo:${r.id}:${input.raters
      .filter((_, j) => j !== i)
      .map((o) => raterKey(o, uncertainAs))
      .join('|')}`;
    return pooledMask(
      pool,
      voxels,
      { id: `loo:${r.id}`, label: `others than ${r.name}`, key, ...labelMajority(key, () => labelmaps.filter((_, j) => j !== i)) },
      (out) => leaveOneOutMajority(votes, count, labelmaps[i], uncertainAs, out),
    );
  });
  let model: KeyedMask | null = null;
  const m = input.model;
  if (m?.probability) {
    const p = m.probability;
    const saved = m.savedMask;
    const key = `model:${m.id}#${m.key}#${saved ? 'saved' : 'p'}>${m.threshold}`;
    const make = (out: Uint8Array) => (saved ? binariseMask(saved, out) : thresholdProbability(p, m.threshold, out));
    const about = { id: m.id, label: modelLabel(m.name, m.threshold), key };
    if (labels) {
      // Per label the model's values are needed whole for the case: the saved mask, or p > t kept.
      const mask = masks.get(key, () => make(new Uint8Array(voxels)));
      model = { ...about, mask, labelMap: saved ?? mask };
    } else model = pooledMask(pool, voxels, about, make);
  }
  return { voxels, labelmaps, raters, majority, soft, leaveOneOut, model };
}
