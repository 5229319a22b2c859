import { describe, expect, it } from 'vitest';
import { archiveSeriesOf } from './archiveSource';

const GRID = { dims: [1, 1, 1], spacingMm: [1, 1, 1], originLps: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
const at = (source: 'dicom' | 'nifti', path: string) => ({ source, series: [{ label: 'x', path, geometry: GRID }] });

describe('archiveSeriesOf', () => {
  it('reads the study and series UIDs from the project copy of an archive series', () => {
    expect(archiveSeriesOf(at('dicom', 'archive/1.2.3/1.2.3.4'))).toEqual({ studyInstanceUid: '1.2.3', seriesInstanceUid: '1.2.3.4' });
  });

  it('finds none for local images, NIfTI cases or paths that only look similar', () => {
    expect(archiveSeriesOf(at('dicom', '/data/brain'))).toBeNull();
    expect(archiveSeriesOf(at('nifti', 'archive/1.2/1.3'))).toBeNull();
    expect(archiveSeriesOf(at('dicom', 'archive/1.2/1.3/extra'))).toBeNull();
    expect(archiveSeriesOf(at('dicom', 'x/archive/1.2/1.3'))).toBeNull();
    expect(archiveSeriesOf(at('dicom', 'archive/../1.3'))).toBeNull();
  });
});
