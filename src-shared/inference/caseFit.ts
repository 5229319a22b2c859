/**
 * Whether a model can run on a case, decided from the case's metadata (modality, b-values) before a
 * voxel is read, by the rules the run itself uses: a series with b-values gives the DWI channels
 * (dwiSources.ts: b ≤ LOW_B_MAX → dwi_b0, the highest b above it → dwi_b1000 and its b-value), a CT
 * gives `ct`, and an ADC the model allows computing needs both DWI images and the b-value
 * (channels.ts). The model list uses it to say, before Run, why a model does not accept a case.
 *
 * Environment-free.
 */
import { LOW_B_MAX } from './dwiSources';
import type { SequenceKind } from '../project/sequences';
import type { ChannelId, ChannelSpec } from './manifest';
import { isDwiVolume, SEQUENCE_CHANNELS } from './sequenceSources';

/** The channels a case offers a model, and the sentence that describes the case in a refusal. */
interface OfferedChannels {
  readonly ids: ReadonlySet<ChannelId>;
  /** The high b-value (s/mm²) behind `dwi_b1000`, needed to compute an ADC. */
  readonly bValue: number | null;
  readonly described: string;
}

export interface CaseMetadata {
  readonly modality: 'CT' | 'MR' | 'OT';
  readonly volumes: ReadonlyArray<{
    readonly bValue: number | null;
    readonly sequence?: { readonly name?: string; readonly kind: SequenceKind };
  }>;
}

/** The case's own image (a plain case, or the DWI of one of several sequences) and its other sequences' channels. */
export function offeredChannels(c: CaseMetadata): OfferedChannels {
  const own = ownChannels({ modality: c.modality, volumes: c.volumes.filter(isDwiVolume) });
  const others = c.volumes.filter((v) => !isDwiVolume(v));
  if (others.length === 0) return own;
  const ids = new Set(own.ids);
  for (const v of others) {
    const id = v.sequence ? SEQUENCE_CHANNELS[v.sequence.kind] : undefined;
    if (id) ids.add(id);
  }
  const names = [...new Set(others.map((v) => v.sequence?.name ?? v.sequence?.kind))].join(', ');
  return { ids, bValue: own.bValue, described: `${own.described}, with the sequences ${names}` };
}

function ownChannels(c: CaseMetadata): OfferedChannels {
  const bValues = c.volumes.flatMap((v) => (v.bValue === null ? [] : [v.bValue]));
  if (bValues.length > 0) {
    const ids = new Set<ChannelId>();
    const bMax = Math.max(...bValues);
    if (bValues.some((b) => b <= LOW_B_MAX)) ids.add('dwi_b0');
    if (bMax > LOW_B_MAX) ids.add('dwi_b1000');
    const list = [...new Set(bValues)].sort((a, b) => a - b).join(', ');
    return { ids, bValue: bMax > LOW_B_MAX ? bMax : null, described: `this case is a DWI with b = ${list} s/mm²` };
  }
  if (c.modality === 'CT') return { ids: new Set(['ct']), bValue: null, described: 'this case is a CT' };
  return {
    ids: new Set(),
    bValue: null,
    described: `this case is ${c.modality === 'MR' ? 'an MR image' : 'an image'} with no b-values (Quorum gives a model DWI or CT inputs only)`,
  };
}

/** What a channel asks of the case, in the words a user checks their data against. */
const NEEDS: Record<ChannelId, string> = {
  dwi_b1000: 'a DWI with a high b-value (b > 50 s/mm², nominally b = 1000)',
  dwi_b0: `a DWI with a b ≈ 0 image (b ≤ ${LOW_B_MAX} s/mm²)`,
  adc: 'an ADC map',
  ct: 'a CT',
  t1: 'a T1-weighted image',
  t2: 'a T2-weighted image',
  flair: 'a FLAIR image',
};

function unmet(spec: ChannelSpec, offered: OfferedChannels): string | null {
  if (offered.ids.has(spec.id)) return null;
  if (spec.id === 'adc' && spec.ifMissing === 'computeFromB0') {
    const computable = offered.ids.has('dwi_b0') && offered.ids.has('dwi_b1000') && offered.bValue !== null;
    return computable ? null : `an ADC map, or a DWI with b ≈ 0 (b ≤ ${LOW_B_MAX} s/mm²) and high-b images to compute it`;
  }
  return NEEDS[spec.id];
}

/** Null when the model accepts the case; otherwise one sentence naming the model, what it needs and what the case is. */
export function whyModelRefusesCase(model: { name: string; channels: readonly ChannelSpec[] }, offered: OfferedChannels): string | null {
  const needs = [...new Set(model.channels.map((s) => unmet(s, offered)).filter((n): n is string => n !== null))];
  return needs.length === 0 ? null : `${model.name} needs ${needs.join(' and ')}; ${offered.described}.`;
}
