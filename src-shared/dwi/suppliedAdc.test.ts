import { describe, expect, it } from 'vitest';
import { isAdcSeries, suppliedAdcFile } from './suppliedAdc';

describe('a supplied ADC', () => {
  it('is recognised by series description or image type, as a word', () => {
    expect(isAdcSeries('ep2d_diff_3scan_trace_p2_ADC')).toBe(true);
    expect(isAdcSeries('DWI ADC map')).toBe(true);
    expect(isAdcSeries('Apparent Diffusion', 'DERIVED\\PRIMARY\\DIFFUSION\\ADC')).toBe(true);
    expect(isAdcSeries('HEADCT routine', 'ORIGINAL\\PRIMARY\\AXIAL')).toBe(false);
    expect(isAdcSeries('ep2d_diff_3scan_trace_p2_TRACEW')).toBe(false);
  });

  it('is found beside the DWI as *_adc*.nii(.gz), not in other names', () => {
    expect(suppliedAdcFile(['sub-strokecase0001_ses-0001_dwi.nii.gz', 'sub-strokecase0001_ses-0001_adc.nii.gz'])).toBe(
      'sub-strokecase0001_ses-0001_adc.nii.gz',
    );
    expect(suppliedAdcFile(['dwi.nii.gz', 'adc.nii'])).toBe('adc.nii');
    expect(suppliedAdcFile(['dwi.nii.gz', 'dwi.bval', 'radcliffe.nii.gz', 'adc.json'])).toBeNull();
  });
});
