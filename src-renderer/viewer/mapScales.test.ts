import { describe, expect, it } from 'vitest';
import { disagreementScale, heatScale, inferenceMapScale } from './mapScales';

describe('map colour scales', () => {
  it('bounds entropy and mutual information in bits: 1 bit per sigmoid label, log2(classes) for softmax', () => {
    expect(inferenceMapScale('probability', 'sigmoid', 1)).toMatchObject({ max: 1, unit: '' });
    expect(inferenceMapScale('entropy', 'sigmoid', 1)).toMatchObject({ max: 1, unit: 'bits' });
    expect(inferenceMapScale('mutualInformation', 'sigmoid', 2)).toMatchObject({ max: 2, unit: 'bits' });
    expect(inferenceMapScale('entropy', 'softmax', 4).max).toBe(2);
  });

  it('names the class shown of a multi-class model: its entropy is one class against the rest, at most 1 bit', () => {
    expect(inferenceMapScale('probability', 'softmax', 3, 'Core')).toMatchObject({ max: 1, title: 'Model probability: Core' });
    expect(inferenceMapScale('entropy', 'softmax', 3, 'Penumbra')).toMatchObject({ max: 1, title: 'Model entropy: Penumbra vs. the rest' });
    expect(inferenceMapScale('mutualInformation', 'softmax', 3, 'Core')).toMatchObject({
      max: Math.log2(3),
      title: 'Model mutual information (all classes)',
    });
  });

  it('says which values are not drawn: the model map’s floor, the heat map’s threshold', () => {
    expect(inferenceMapScale('probability', 'sigmoid', 1).notDrawn).toEqual({ value: 0.05, orEqual: true });
    expect(heatScale(3, 0.3).notDrawn).toEqual({ value: 0.3, orEqual: false });
    expect(heatScale(3, 0).notDrawn).toEqual({ value: 0, orEqual: true });
  });

  it('has one colour per level after the transparent entry', () => {
    expect(heatScale(3, 0).lut).toHaveLength(2 * 3 + 1);
    expect(disagreementScale('entropy', 2, 16).lut).toHaveLength(17);
  });

  it('scales disagreement to its bound: log2(min(raters, 3)) bits for entropy, ¼ for variance', () => {
    expect(disagreementScale('entropy', 2, 16)).toMatchObject({ max: 1, unit: 'bits' });
    expect(disagreementScale('entropy', 5, 16).max).toBeCloseTo(Math.log2(3), 12);
    expect(disagreementScale('variance', 5, 16)).toMatchObject({ max: 0.25, unit: '' });
  });
});
