import { describe, expect, it } from 'vitest';
import { LABEL_PRESETS, labelsEvaluated } from './labelTable';

describe('labelsEvaluated: which labels metrics and consensus take one by one', () => {
  it('the stroke table has one certain label, so the binary reading stays (null)', () => {
    expect(labelsEvaluated(LABEL_PRESETS.stroke.labels)).toBeNull();
  });

  it('core/penumbra and COVID-19 CT: every label but the uncertain one, in table order', () => {
    expect(labelsEvaluated(LABEL_PRESETS['core-penumbra'].labels)).toEqual([1, 2]);
    expect(labelsEvaluated(LABEL_PRESETS['covid-ct'].labels)).toEqual([1, 2, 3]);
  });

  it('follows the table’s order and values, wherever the uncertain entry sits', () => {
    const table = [
      { value: 7, name: 'Uncertain', colour: '#f0e442', uncertain: true },
      { value: 5, name: 'B', colour: '#000000', uncertain: false },
      { value: 3, name: 'A', colour: '#ffffff', uncertain: false },
    ];
    expect(labelsEvaluated(table)).toEqual([5, 3]);
    expect(labelsEvaluated(table.slice(0, 2))).toBeNull();
  });
});
