import { describe, expect, it } from 'vitest';
import { bidsSuffix, defaultPair, defaultReferenceIndex, kindFromFileName, stepSequence, type SequencedVolume } from './sequences';

describe('sequence kinds from BIDS names', () => {
  it('reads the suffix of ISLES22 files, any case', () => {
    expect(bidsSuffix('sub-strokecase0001_ses-0001_dwi.nii.gz')).toBe('dwi');
    expect(kindFromFileName('sub-strokecase0001_ses-0001_adc.nii.gz')).toBe('adc');
    expect(kindFromFileName('sub-strokecase0001_ses-0001_FLAIR.nii.gz')).toBe('flair');
    expect(kindFromFileName('sub-01_T1w.nii')).toBe('t1');
    expect(kindFromFileName('sub-01_ses-1_msk.nii.gz')).toBeNull();
    expect(kindFromFileName('brain.nii.gz')).toBeNull();
  });

  it('takes the DWI as reference, else the CT, else the first', () => {
    expect(defaultReferenceIndex(['flair', 'adc', 'dwi'])).toBe(2);
    expect(defaultReferenceIndex(['ct-perfusion', 'ct'])).toBe(1);
    expect(defaultReferenceIndex(['flair', 't1'])).toBe(0);
  });
});

describe('sequences in the viewer', () => {
  const dwi = (b: number): SequencedVolume => ({ bValue: b, sequence: { name: 'dwi', kind: 'dwi' } });
  const volumes: SequencedVolume[] = [
    dwi(0),
    dwi(1000),
    { bValue: null, sequence: { name: 'flair', kind: 'flair' } },
    { bValue: null, sequence: { name: 'adc', kind: 'adc' } },
  ];

  it('pairs the DWI b1000 (not b0) with the ADC', () => {
    expect(defaultPair(volumes)).toEqual([1, 3]);
    expect(defaultPair([dwi(0), dwi(1000)])).toBeNull();
  });

  it('steps from sequence to sequence, wrapping, landing on the reading volume', () => {
    expect(stepSequence(volumes, 0, 1)).toBe(2);
    expect(stepSequence(volumes, 2, 1)).toBe(3);
    expect(stepSequence(volumes, 3, 1)).toBe(1);
    expect(stepSequence(volumes, 1, -1)).toBe(3);
    expect(stepSequence([dwi(0), dwi(1000)], 0, 1)).toBe(0);
  });
});
