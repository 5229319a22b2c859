import { describe, expect, it } from 'vitest';
import { LABEL_PRESETS } from '../project/labelTable';
import { classValues, labelForClass, remapClasses } from './classLabels';
import { classEntropy } from './uncertainty';

const corePenumbra = LABEL_PRESETS['core-penumbra'].labels;

describe("a model's classes against the project's labels", () => {
  it('match by name, ignoring case and spaces, never the "uncertain" label', () => {
    expect(labelForClass(' penumbra ', corePenumbra)?.value).toBe(2);
    expect(labelForClass('Uncertain', corePenumbra)).toBeNull();
    expect(classValues(['core', 'PENUMBRA'], corePenumbra)).toEqual({ ok: true, values: [1, 2] });
  });

  it('refuse with the unmatched classes named, and the labels there are', () => {
    const r = classValues(['Core', 'Oedema', 'Haemorrhage'], corePenumbra);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.message).toContain('no label named "Oedema", "Haemorrhage"');
      expect(r.message).toContain('"Core", "Penumbra"');
      expect(r.message).not.toContain('"Core", so');
    }
  });

  it('write each class index as its label value, background staying 0', () => {
    expect([...remapClasses(Uint8Array.from([0, 1, 2, 2, 0]), [3, 7])]).toEqual([0, 3, 7, 7, 0]);
  });
});

describe('one class’s entropy', () => {
  it('is the binary entropy of its p in bits: 1 at ½, 0 at 0 and 1', () => {
    const h = classEntropy(Float32Array.from([0, 0.5, 1, 0.25]));
    expect([...h.slice(0, 3)]).toEqual([0, 1, 0]);
    expect(h[3]).toBeCloseTo(-(0.25 * Math.log2(0.25) + 0.75 * Math.log2(0.75)), 6);
  });
});
