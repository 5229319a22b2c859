/**
 * The masks a case evaluation compares, built once per call from the raw sources: each rater's
 * binary mask under the uncertain-voxel rule, the majority and soft consensus, each rater's
 * leave-one-out consensus, and the model's mask at its threshold. Consensus is
 * src-shared/project/consensus.ts (the same rules the review heat map and the exports use), so a
 * number in the panel and a file in an export never disagree about what "majority" means.
 *
 * Every derived mask carries a `key` built from the source keys and the options it depends on; the
 * EvaluationCache keys its results by them, which is what makes recompute-on-edit incremental.
 */
import { majorityConsensus, multiLabelMajority, softConsensus } from '../project/consensus';
import type { UncertainAs } from '../project/labels';
import type { CaseSourcesInput, RaterSource } from './types';

export interface KeyedMask {
  readonly id: string;
  readonly label: string;
  readonly key: string;
  /** 0/1, i fastest. */
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
  /** Mean vote per voxel in [0, 1]; null without raters. */
  readonly soft: Float32Array | null;
  /** Per rater (same order): the majority of the others; null with fewer than two raters. */
  readonly leaveOneOut: ReadonlyArray<KeyedMask | null>;
  readonly model: KeyedMask | null;
}

/** A tiny keyed store that forgets entries not used during the last `sweep` generation. */
export class KeyedStore<T> {
  private entries = new Map<string, { value: T; gen: number }>();
  private gen = 0;
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
  has(key: string): boolean {
    return this.entries.has(key);
  }
  /** Drops what the generation that just ended did not touch, then starts the next one. */
  sweep(): void {
    for (const [k, e] of this.entries) if (e.gen !== this.gen) this.entries.delete(k);
    this.gen++;
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
function binariseMask(mask: Uint8Array): Uint8Array {
  const out = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) out[i] = mask[i] === 0 ? 0 : 1;
  return out;
}

/** The model's name with the threshold that made its mask, so no view can show a mask under the bare name. */
function modelLabel(name: string, threshold: number): string {
  return `${name} (p > ${threshold})`;
}

/** p > t (strict), as the thresholded volume and the stored model masks use it. */
export function thresholdProbability(p: Float32Array, threshold: number, out: Uint8Array = new Uint8Array(p.length)): Uint8Array {
  for (let i = 0; i < p.length; i++) out[i] = p[i] > threshold ? 1 : 0;
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
    checkLength(`the model's probability map`, p.length, voxels, input.geometry.dims);
    for (let i = 0; i < p.length; i++) {
      const v = p[i];
      if (!(v >= 0 && v <= 1)) throw new Error(`the model's probability map has ${v} at voxel ${i}; probabilities must lie in [0, 1]`);
    }
  }
  return voxels;
}

const raterKey = (r: RaterSource, u: UncertainAs) => `${r.id}#${r.key}#${u}`;

/**
 * Builds the masks, reusing those whose key is already in `masks` (binarising and consensus are one
 * pass each over the volume; on an edit only the edited rater's and the consensus' are rebuilt).
 */
export function deriveSources(
  input: CaseSourcesInput,
  uncertainAs: UncertainAs,
  masks: KeyedStore<Uint8Array>,
  softMaps: KeyedStore<Float32Array>,
  labels?: readonly number[],
): DerivedSources {
  const voxels = checkSources(input);
  let zeros: Uint8Array | null = null;
  const labelmaps = input.raters.map((r) => r.labelmap ?? (zeros ??= new Uint8Array(voxels)));
  const raters: KeyedMask[] = input.raters.map((r, i) => {
    const key = `bin:${raterKey(r, uncertainAs)}`;
    const mask = masks.get(key, () => binariseLabelmap(labelmaps[i], uncertainAs));
    return { id: r.id, label: r.name, key, mask, ...(labels ? { labelMap: labelmaps[i] } : {}) };
  });
  // The multi-label majority of some raters, keyed like the binary one (the labels are in optionsKey).
  const labelMajority = (key: string, of: readonly Uint8Array[]) =>
    labels ? { labelMap: masks.get(`ml${key}:${labels.join(',')}`, () => multiLabelMajority(of, labels)) } : {};
  const allKeys = input.raters.map((r) => raterKey(r, uncertainAs)).join('|');
  let majority: KeyedMask | null = null;
  let soft: Float32Array | null = null;
  if (labelmaps.length > 0) {
    const key = `maj:${allKeys}`;
    const mask = masks.get(key, () => majorityConsensus(labelmaps, uncertainAs));
    majority = { id: 'majority', label: 'majority', key, mask, ...labelMajority(key, labelmaps) };
    soft = softMaps.get(`soft:${allKeys}`, () => softConsensus(labelmaps, uncertainAs));
  }
  const leaveOneOut = input.raters.map((r, i) => {
    if (labelmaps.length < 2) return null;
    const others = labelmaps.filter((_, j) => j !== i);
    const key = `loo:${r.id}:${input.raters
      .filter((_, j) => j !== i)
      .map((o) => raterKey(o, uncertainAs))
      .join('|')}`;
    const mask = masks.get(key, () => majorityConsensus(others, uncertainAs));
    return { id: `loo:${r.id}`, label: `others than ${r.name}`, key, mask, ...labelMajority(key, others) };
  });
  let model: KeyedMask | null = null;
  const m = input.model;
  if (m?.probability) {
    const p = m.probability;
    const saved = m.savedMask;
    const key = `model:${m.id}#${m.key}#${saved ? 'saved' : 'p'}>${m.threshold}`;
    const mask = masks.get(key, () => (saved ? binariseMask(saved) : thresholdProbability(p, m.threshold)));
    model = { id: m.id, label: modelLabel(m.name, m.threshold), key, mask, ...(labels ? { labelMap: saved ?? mask } : {}) };
  }
  return { voxels, labelmaps, raters, majority, soft, leaveOneOut, model };
}
