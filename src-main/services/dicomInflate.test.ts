/**
 * The server inflates a deflated DICOM data set in the inflate worker, not on the thread that
 * answers requests (issue 18, finding 12), and the parser then reads the same file and gives the
 * same refusals as with its own in-thread inflater.
 */
import { describe, expect, it } from 'vitest';
import { parseDicomFrames } from '../../src-shared/dicom';
import { deflatedSliceFile } from '../../src-shared/testdata/makeDicom';
import { inflateInWorker } from './dicomInflate';

/** The message `run` throws, to compare refusals made by the two inflaters. */
function thrown(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('deflated DICOM inflated in the worker', () => {
  it('keeps the event loop turning while a deflate bomb inflates, and refuses it past the cap as the parser does', async () => {
    // 2048×2048 int16 zeros: an 8 MiB data set in a few KB, against a 1 MiB cap.
    const bomb = deflatedSliceFile(2048, 2048, new Int16Array(2048 * 2048));
    const cap = 2 ** 20;
    // Inflating on this thread would settle without a single turn of the event loop in between.
    let turns = 0;
    let inflating = true;
    const spin = () => {
      if (!inflating) return;
      turns++;
      setImmediate(spin);
    };
    setImmediate(spin);
    const inflater = await inflateInWorker(bomb, cap).finally(() => {
      inflating = false;
    });
    expect(turns).toBeGreaterThan(0);

    const inWorker = thrown(() => parseDicomFrames(bomb, 'bomb.dcm', inflater));
    expect(inWorker).toMatch(/^bomb\.dcm: its deflated data set inflates to more than 1 MiB/);
    expect(inWorker).toBe(thrown(() => parseDicomFrames(bomb, 'bomb.dcm', cap)));
  });

  it('reads the same pixels as the in-thread inflater', async () => {
    const pixels = Int16Array.from({ length: 256 * 256 }, (_, n) => (n * 7919) % 3001);
    const file = deflatedSliceFile(256, 256, pixels);
    const [viaWorker] = parseDicomFrames(file, 'noise.dcm', await inflateInWorker(file, 2 ** 20));
    const [inThread] = parseDicomFrames(file, 'noise.dcm');
    const frameBytes = 256 * 256 * 2;
    const bytesOf = ({ pixels: p }: typeof viaWorker) => {
      if (p.kind !== 'native') throw new Error('a deflated file holds plain samples');
      return p.bytes.subarray(p.offset, p.offset + frameBytes);
    };
    expect(Buffer.from(bytesOf(viaWorker)).equals(Buffer.from(bytesOf(inThread)))).toBe(true);
    expect(Buffer.from(bytesOf(viaWorker)).equals(Buffer.from(pixels.buffer))).toBe(true);
  });

  it('refuses a damaged deflate stream as a damaged DICOM file', async () => {
    const whole = deflatedSliceFile(
      64,
      64,
      Int16Array.from({ length: 64 * 64 }, (_, n) => n),
    );
    const cut = whole.subarray(0, whole.length - 100);
    const inflater = await inflateInWorker(cut, 2 ** 20);
    expect(thrown(() => parseDicomFrames(cut, 'cut.dcm', inflater))).toMatch(/^cut\.dcm is a damaged DICOM file: \S/);
  });
});
