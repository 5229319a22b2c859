import { describe, expect, it } from 'vitest';
import { isSeriesAt } from './seriesPath';

describe('isSeriesAt', () => {
  it('matches an absolute stored path as it is', () => {
    expect(isSeriesAt('/p', '/data/brain.nii.gz', '/data/brain.nii.gz')).toBe(true);
    expect(isSeriesAt('/p', '/data/brain.nii.gz', '/p/data/brain.nii.gz')).toBe(false);
  });

  it('resolves a path inside the project against the project folder, whatever the separators', () => {
    expect(isSeriesAt('/p/proj', 'archive/1.2/1.3', '/p/proj/archive/1.2/1.3')).toBe(true);
    expect(isSeriesAt('C:\\p\\proj\\', 'archive/1.2/1.3', 'C:\\p\\proj\\archive\\1.2\\1.3')).toBe(true);
    expect(isSeriesAt('/p/proj', 'archive/1.2/1.3', '/other/archive/1.2/1.3')).toBe(false);
    expect(isSeriesAt(null, 'archive/1.2/1.3', '/p/proj/archive/1.2/1.3')).toBe(false);
  });
});
