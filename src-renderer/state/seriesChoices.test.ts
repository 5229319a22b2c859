import { describe, expect, it } from 'vitest';
import '../../src-shared/api/zodSetup';
import { parseSeriesChoices } from './seriesChoices';

describe('parseSeriesChoices', () => {
  it('reads { series: [...] } with descriptions and counts', () => {
    expect(
      parseSeriesChoices({
        series: [{ seriesInstanceUid: '1.2.3', description: 'T1 axial', seriesNumber: 4, fileCount: 20 }, { uid: '1.2.4' }],
      }),
    ).toEqual([
      { seriesInstanceUid: '1.2.3', description: '#4 T1 axial', fileCount: 20 },
      { seriesInstanceUid: '1.2.4', description: '1.2.4', fileCount: null },
    ]);
  });
  it('returns nothing for detail it cannot read', () => {
    expect(parseSeriesChoices(undefined)).toEqual([]);
    expect(parseSeriesChoices({ series: 'no' })).toEqual([]);
    expect(parseSeriesChoices([{ description: 'no uid' }])).toEqual([]);
  });
});
