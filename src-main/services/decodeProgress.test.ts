/**
 * case.decodeProgress: while case.open decodes a compressed DICOM series, the session that opened it
 * can watch frames decoded of the total climb; another session sees nothing, and nothing is left
 * once the open has answered. Runs the real dispatcher and backend (demoDwiBackend.testSupport.ts).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useDemoDwiBackend } from './demoDwiBackend.testSupport';
import { convertSeries, hasTool, writeSeries } from './dicomCorpus.testSupport';

const SLICES = 40;
const demo = useDemoDwiBackend('quorum-decode-progress-');

type Frames = { decoded: number; total: number } | null;
const progressOf = async (session: string): Promise<Frames> =>
  (await demo.call<{ frames: Frames }>('quorum:case.decodeProgress', { session })).frames;

describe.skipIf(!hasTool('dcmcrle'))('decode progress while a compressed series opens', () => {
  it('the opening session sees frames decoded climb to the total; another session sees none', async () => {
    const plain = path.join(demo.tmp, 'plain');
    const rle = path.join(demo.tmp, 'rle');
    const pixels = Uint16Array.from({ length: 256 * 256 * SLICES }, (_, i) => (i * 7919) % 4096);
    writeSeries(plain, { columns: 256, rows: 256, pixels, modality: 'CT', bitsStored: 12, spacingMm: [1, 1, 2] });
    convertSeries(plain, rle, ['dcmcrle']);
    const opener = await demo.signedInRater('opener');
    const other = await demo.signedInRater('bystander');

    let answered = false;
    const opening = demo.call('quorum:case.open', { session: opener.token, path: rle }).finally(() => {
      answered = true;
    });
    const seen: Frames[] = [];
    const seenByOther: Frames[] = [];
    while (!answered) {
      seen.push(await progressOf(opener.token));
      seenByOther.push(await progressOf(other.token));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await opening;

    const reports = seen.filter((f): f is NonNullable<Frames> => f !== null);
    expect(reports.every((f) => f.total === SLICES)).toBe(true);
    // Some report caught the decode part-way, and the counts never went back.
    expect(reports.some((f) => f.decoded > 0 && f.decoded < SLICES)).toBe(true);
    expect(reports.map((f) => f.decoded)).toEqual([...reports.map((f) => f.decoded)].sort((a, b) => a - b));
    expect(seenByOther.every((f) => f === null)).toBe(true);
    expect(await progressOf(opener.token)).toBeNull();
  });
});
