import { describe, expect, it } from 'vitest';
// eslint-disable-next-line no-restricted-imports -- zod's own settings, read without src-shared/zod.ts configuring them
import { config as zodSettings } from 'zod';
import { parseSeriesChoices } from './seriesChoices';

describe('parseSeriesChoices', () => {
  it('builds its schema with zod configured, though nothing imported the contract first', () => {
    expect(zodSettings().jitless).toBe(true);
  });
  it('reads { series: [...] } with descriptions and counts', () => {
    expect(
      parseSeriesChoices({
        series: [
          { seriesInstanceUid: '1.2.3', description: 'T1 axial', seriesNumber: 4, fileCount: 20 },
          { uid: '1.2.4' },
          { seriesInstanceUid: '1.2.5', seriesNumber: 2, rows: 8, columns: 16, plane: 'sagittal', sliceCount: 1, count: 1 },
        ],
      }),
    ).toEqual([
      { seriesInstanceUid: '1.2.3', description: '#4 T1 axial', details: ['20 files'] },
      { seriesInstanceUid: '1.2.4', description: '1.2.4', details: [] },
      { seriesInstanceUid: '1.2.5', description: '#2', details: ['16 × 8', 'sagittal', '1 slice', '1 file'] },
    ]);
  });
  it('returns nothing for detail it cannot read', () => {
    expect(parseSeriesChoices(undefined)).toEqual([]);
    expect(parseSeriesChoices({ series: 'no' })).toEqual([]);
    expect(parseSeriesChoices([{ description: 'no uid' }])).toEqual([]);
  });
});
