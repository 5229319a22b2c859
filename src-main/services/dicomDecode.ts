/**
 * Compressed frames → plain samples, before a series is stacked: every encoded frame is decoded in
 * the decode worker pool (dicomDecodeWorker.ts), all at once so the pool's workers share the work.
 * A frame that cannot be decoded refuses the series with the file, the frame and the reason.
 *
 * Plain Node.
 */
import { COMPRESSED_SYNTAXES, type DicomFrame, type NativePixels } from '../../src-shared/dicom';
import { VolumeReadError } from '../../src-shared/volume/errors';
import { DecodeFailure, decodeInWorker } from './dicomDecodeWorker';

/** Bytes the frames take once decoded (for the memory budget, checked before any decoding). */
export function decodedBytes(frames: readonly DicomFrame[]): number {
  let total = 0;
  for (const f of frames) if (f.pixels.kind === 'encoded') total += f.rows * f.columns * (f.pixels.bitsAllocated / 8);
  return total;
}

/** Told after each compressed frame is decoded: how many are done, of how many (a case-open progress bar). */
export type DecodeProgress = (decoded: number, total: number) => void;

export async function decodeFrames(frames: readonly DicomFrame[], onProgress?: DecodeProgress): Promise<DicomFrame[]> {
  const total = frames.filter((f) => f.pixels.kind === 'encoded').length;
  let decoded = 0;
  if (total > 0) onProgress?.(0, total);
  return Promise.all(
    frames.map(async (frame) => {
      const done = await decodeFrame(frame);
      if (frame.pixels.kind === 'encoded') onProgress?.(++decoded, total);
      return done;
    }),
  );
}

async function decodeFrame(frame: DicomFrame): Promise<DicomFrame> {
  const p = frame.pixels;
  if (p.kind === 'native') return frame;
  const syntax = COMPRESSED_SYNTAXES[p.syntax];
  try {
    const bytes = await decodeInWorker({
      codec: syntax.codec,
      data: p.data,
      rows: frame.rows,
      columns: frame.columns,
      bitsAllocated: p.bitsAllocated,
    });
    const pixels: NativePixels = {
      kind: 'native',
      bitsAllocated: p.bitsAllocated,
      bitsStored: p.bitsStored,
      signed: p.signed,
      bytes,
      offset: 0,
      bigEndian: false,
    };
    return { ...frame, pixels };
  } catch (e) {
    if (!(e instanceof DecodeFailure)) throw e;
    const where = frame.frameIndex > 0 ? ` frame ${frame.frameIndex + 1}` : '';
    throw new VolumeReadError('corrupt-file', `${frame.file}${where}: its ${syntax.name} pixel data cannot be decoded: ${e.message}.`);
  }
}
