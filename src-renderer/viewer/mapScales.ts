/**
 * What each parametric map on the viewer means in colour: its name, unit, range [0, max], the
 * levels' colours, and the value at or below which nothing is drawn. The drawing code takes `max`
 * from here (or from the same function, disagreementMax), so the colour bar beside a map and the
 * map itself cannot disagree on the scale.
 *
 * Pure; no Cornerstone import.
 */
import { ADC_UNIT, ADC_WINDOW_MAX } from '../../src-shared/dwi/adc';
import { disagreementMax, type DisagreementMeasure } from '../../src-shared/project/disagreement';
import { heatLevelsFor } from './heatLevels';
import { MAP_FLOOR, MAP_LEVELS, mapLut } from './overlayTransfer';
import { disagreementLut, heatLut, type Rgba } from './raterColors';

type ColourScaleId = 'probability' | 'entropy' | 'mutualInformation' | 'heat' | 'disagreement-entropy' | 'disagreement-variance' | 'adc';

export interface ColourScale {
  readonly id: ColourScaleId;
  readonly title: string;
  /** The unit of the values ('' for a plain fraction or probability). */
  readonly unit: string;
  /** The value the last level reaches; levels split [0, max] evenly. */
  readonly max: number;
  /** Values below `value` (or equal to it, with `orEqual`) are not drawn. */
  readonly notDrawn: { readonly value: number; readonly orEqual: boolean };
  /** Entry m (1..levels) colours level m; entry 0 is transparent. */
  readonly lut: readonly Rgba[];
}

/**
 * The model output map: probability of the first foreground label in [0, 1], or entropy / mutual
 * information in bits, bounded by the label count (sigmoid: one binary entropy per label) or by
 * log2 of the class count (softmax). With several foreground classes (issue 14) `shownClass` names
 * the class whose probability or entropy is drawn: its entropy is the binary entropy of that class
 * (at most 1 bit; uncertainty.ts classEntropy), while mutual information stays the model's over all
 * classes (the per-sample probabilities a per-class split would need are not kept).
 */
export function inferenceMapScale(
  display: 'probability' | 'entropy' | 'mutualInformation',
  activation: 'sigmoid' | 'softmax',
  labelCount: number,
  shownClass: string | null = null,
): ColourScale {
  const total = activation === 'sigmoid' ? labelCount : Math.log2(labelCount);
  const max = display === 'probability' ? 1 : display === 'entropy' && shownClass !== null ? 1 : total;
  const title =
    display === 'probability'
      ? `Model probability${shownClass !== null ? `: ${shownClass}` : ''}`
      : display === 'entropy'
        ? `Model entropy${shownClass !== null ? `: ${shownClass} vs. the rest` : ''}`
        : `Model mutual information${shownClass !== null ? ' (all classes)' : ''}`;
  return {
    id: display,
    title,
    unit: display === 'probability' ? '' : 'bits',
    max,
    notDrawn: { value: MAP_FLOOR * max, orEqual: true },
    lut: mapLut(MAP_LEVELS),
  };
}

/** What the soft reference averages, e.g. "mean of 3 human raters" or "mean of 3 human raters + 1 model". */
export function consensusWords(humanRaters: number, models: number): string {
  const humans = `${humanRaters} human rater${humanRaters === 1 ? '' : 's'}`;
  return `mean of ${humans}${models > 0 ? ` + ${models} model${models === 1 ? '' : 's'}` : ''}`;
}

/**
 * The soft reference: the mean vote of `raters` labelmaps (`models` of them model results) in [0, 1]
 * (uncertain = ½ vote), drawn from `threshold` up.
 */
export function heatScale(raters: number, threshold: number, models = 0): ColourScale {
  return {
    id: 'heat',
    title: `Soft reference (${consensusWords(raters - models, models)})`,
    unit: '',
    max: 1,
    // heatLutAt: a mean below the threshold, or of 0, is not drawn.
    notDrawn: { value: threshold, orEqual: threshold === 0 },
    lut: heatLut(heatLevelsFor(raters)),
  };
}

/** The disagreement map: entropy of the labels given (bits) or variance of the votes (no unit). */
export function disagreementScale(measure: DisagreementMeasure, raters: number, levels: number, oneLabel = false): ColourScale {
  return {
    id: measure === 'entropy' ? 'disagreement-entropy' : 'disagreement-variance',
    title: measure === 'entropy' ? 'Disagreement: entropy of labels' : 'Disagreement: variance of votes',
    unit: measure === 'entropy' ? 'bits' : '',
    max: disagreementMax(measure, raters, oneLabel),
    notDrawn: { value: 0, orEqual: true },
    lut: disagreementLut(levels),
  };
}

/** Grey levels of the ADC bar: fine enough that the bar reads as the viewer's continuous grey ramp. */
const ADC_BAR_LEVELS = 32;

/**
 * The ADC map: drawn in grey over the fixed window 0–3000 ×10⁻⁶ mm²/s (adcVolume.ts ADC_VOI), so the
 * bar is the viewer's own linear grey ramp; masked background is 0 and draws black like any 0.
 */
export function adcScale(): ColourScale {
  const lut: Rgba[] = [[0, 0, 0, 0]];
  for (let m = 1; m <= ADC_BAR_LEVELS; m++) {
    const g = Math.round((255 * (m - 0.5)) / ADC_BAR_LEVELS);
    lut.push([g, g, g, 255]);
  }
  return { id: 'adc', title: 'ADC', unit: ADC_UNIT, max: ADC_WINDOW_MAX, notDrawn: { value: 0, orEqual: false }, lut };
}
