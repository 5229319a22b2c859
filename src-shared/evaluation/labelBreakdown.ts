/**
 * Volumes and lesion tables per label for a table with several certain labels (issue 14): each
 * source's voxels of one value, the reference being the multi-label majority (multiLabelMajority),
 * as the per-label metrics compare them (evaluateLabels). The uncertain value is no label's.
 *
 * Memory: the label masks the lesion table needs are made only when an analysis is not cached, one
 * label at a time, so a call holds at most (sources + 1) extra masks whatever the number of labels.
 */
import type { LesionAnalysis } from '../metrics/lesions';
import { lesionTable } from './lesionTable';
import type { DerivedSources, KeyedMask, KeyedStore } from './sources';
import type { CaseSourcesInput, LabelBreakdown } from './types';

interface LabelBreakdownInput {
  readonly input: CaseSourcesInput;
  readonly sources: DerivedSources;
  readonly labels: readonly number[];
  /** Value histograms of the label maps, keyed like the masks (one pass per map gives every label). */
  readonly counts: KeyedStore<Float64Array>;
  readonly lesions: KeyedStore<LesionAnalysis>;
}

/** Voxels per value 0…255 of one map, in one pass. */
function valueCounts(map: Uint8Array): Float64Array {
  const n = new Float64Array(256);
  for (let i = 0; i < map.length; i++) n[map[i]]++;
  return n;
}

/**
 * The source's voxels of `label` as a KeyedMask whose mask is made on first read: lesionTable reads
 * it only to fill its cache, so a cached analysis never pays for the mask.
 */
function labelMask(src: LabelledMask, label: number, labelsKey: string): KeyedMask {
  let made: Uint8Array | null = null;
  const map = src.labelMap;
  return {
    id: src.id,
    label: src.label,
    key: `label${label}[${labelsKey}]:${src.key}`,
    get mask() {
      if (!made) {
        made = new Uint8Array(map.length);
        for (let i = 0; i < map.length; i++) made[i] = map[i] === label ? 1 : 0;
      }
      return made;
    },
  };
}

type LabelledMask = KeyedMask & { readonly labelMap: Uint8Array };

/** deriveSources gives every source its label map when labels are evaluated; this only narrows the type. */
function hasLabelMap(m: KeyedMask | null): m is LabelledMask {
  return m?.labelMap !== undefined;
}

export function labelBreakdowns(b: LabelBreakdownInput): LabelBreakdown[] {
  const { input, sources: d, labels } = b;
  const labelsKey = labels.join(',');
  const vv = input.geometry.spacingMm[0] * input.geometry.spacingMm[1] * input.geometry.spacingMm[2] * 0.001;
  const histogram = (m: LabelledMask) => b.counts.get(`hist[${labelsKey}]:${m.key}`, () => valueCounts(m.labelMap));
  const raters = d.raters.filter(hasLabelMap);
  const majority = hasLabelMap(d.majority) ? d.majority : null;
  const model = hasLabelMap(d.model) ? d.model : null;
  const raterCounts = raters.map(histogram);
  const majorityCounts = majority ? histogram(majority) : null;
  const modelCounts = model ? histogram(model) : null;
  // As in the binary table: the majority's lesions, or the model's own without raters.
  const reference = majority ?? model;
  const listed = majority ? [...(model ? [model] : []), ...raters] : [];
  return labels.map((label) => {
    const raterMl = raters.map((r, i) => ({ id: r.id, name: r.label, ml: raterCounts[i][label] * vv }));
    return {
      label,
      volumes: {
        raters: raterMl,
        majorityMl: majorityCounts ? majorityCounts[label] * vv : null,
        softMl: raterMl.length > 0 ? raterMl.reduce((s, r) => s + r.ml, 0) / raterMl.length : null,
        modelMl: modelCounts ? modelCounts[label] * vv : null,
      },
      lesions: reference
        ? lesionTable(
            {
              reference: labelMask(reference, label, labelsKey),
              sources: listed.map((s) => labelMask(s, label, labelsKey)),
              geometry: input.geometry,
            },
            b.lesions,
          )
        : null,
    };
  });
}
