import { describe, expect, it } from 'vitest';
import { offeredChannels, whyModelRefusesCase } from './caseFit';
import { buildChannels } from './channels';
import { dwiChannelSources } from './dwiSources';
import type { ChannelId, ChannelSpec } from './manifest';
import { isDwiVolume, sequenceChannelImages } from './sequenceSources';

/** A manifest channel as the schema fills it in (no ADC computation unless asked). */
const spec = (id: ChannelId, ifMissing: 'error' | 'computeFromB0' = 'error'): ChannelSpec => ({ id, ifMissing, clampMm2PerS: [0, 0.005] });

describe('model inputs from named sequences', () => {
  const dwi = (b: number, value: number) => ({ bValue: b, sequence: { kind: 'dwi' as const }, data: new Float32Array([value, value]) });
  // ADC as ISLES'22 stores it, in 10⁻⁶ mm²/s: 800 is 0.0008 mm²/s.
  const adc = { bValue: null, sequence: { kind: 'adc' as const }, data: new Int16Array([800, 2000]) };
  const flair = { bValue: null, sequence: { kind: 'flair' as const }, data: new Int16Array([5, 6]) };
  const volumes = [dwi(0, 100), dwi(1000, 40), flair, adc];

  it('takes the case ADC (in mm²/s) instead of computing one, and the DWI channels from its b-values', () => {
    const sources = dwiChannelSources(volumes.filter(isDwiVolume), sequenceChannelImages(volumes));
    const [b1000, adcChannel] = buildChannels([spec('dwi_b1000'), spec('adc', 'computeFromB0')], sources, 2);
    expect(Array.from(b1000)).toEqual([40, 40]);
    // Computed it would be ln(100/40)/1000 ≈ 0.000916 in both voxels; the file's values are used instead.
    expect(adcChannel[0]).toBeCloseTo(0.0008, 9);
    expect(adcChannel[1]).toBeCloseTo(0.002, 9);
  });

  it('keeps an ADC already in mm²/s', () => {
    const inMm2 = { sequence: { kind: 'adc' as const }, data: new Float32Array([0.0007, 0.0031]) };
    expect(Array.from(sequenceChannelImages([inMm2]).adc ?? [])).toEqual([Math.fround(0.0007), Math.fround(0.0031)]);
  });

  it('offers a model the sequences as channels', () => {
    const offered = offeredChannels({ modality: 'MR', volumes });
    expect([...offered.ids].sort()).toEqual(['adc', 'dwi_b0', 'dwi_b1000', 'flair']);
    expect(whyModelRefusesCase({ name: 'M', channels: [spec('flair'), spec('adc')] }, offered)).toBeNull();
    const noAdc = offeredChannels({ modality: 'MR', volumes: [flair] });
    expect(whyModelRefusesCase({ name: 'M', channels: [spec('adc')] }, noAdc)).toMatch(/M needs an ADC map; this case .*flair/);
  });
});
