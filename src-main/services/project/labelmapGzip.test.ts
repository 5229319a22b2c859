/**
 * The labelmap file put together from per-slice deflate pieces: an ordinary gzip of the NIfTI the
 * shared writer writes, the same bytes whether compressed whole or by re-compressing the changed
 * slices of an earlier labelmap, and read back by the store's decoder. Files stored before this
 * encoder (one gzip of the whole NIfTI) stay readable.
 */
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { writeNifti } from '../../../src-shared/nifti';
import { labelValueSet } from '../../../src-shared/project/labels';
import { deflateLabelmap, gzipLabelmap, redeflateSlices } from './labelmapGzip';
import { decodeMask, encodeLabelmap } from './maskCodec';
import { GRID, labelmapWith } from './testSupport';

const [NX, NY] = GRID.dims;
const SLICE = NX * NY;
const ALLOWED = labelValueSet([1, 2]);
const rawNifti = (lm: Uint8Array) => writeNifti({ geometry: GRID, data: lm, description: 'Quorum labelmap 0 bg 1 lesion 2 uncertain' });

describe('labelmap gzip from slice pieces', () => {
  it('is one gzip member of exactly the NIfTI the shared writer writes', () => {
    const lm = labelmapWith([0, 7, SLICE + 3], 1, labelmapWith([2 * SLICE + 5, 3 * SLICE + 29], 2));
    const file = encodeLabelmap(GRID, lm);
    expect(Buffer.from(zlib.gunzipSync(file))).toEqual(Buffer.from(rawNifti(lm)));
    expect(decodeMask(file, GRID, 'x.nii.gz', ALLOWED)).toEqual(lm);
    // mtime 0 and OS 3 on every platform: the same labelmap, the same bytes, the same hash.
    expect([...file.subarray(4, 10)]).toEqual([0, 0, 0, 0, 0, 3]);
  });

  it('re-compressing only the changed slices gives the bytes of compressing the edited labelmap whole', () => {
    const before = labelmapWith([1, 2, 2 * SLICE + 4]);
    const pieces = deflateLabelmap(GRID, before);
    const after = labelmapWith([2 * SLICE + 4], 0, labelmapWith([3 * SLICE + 7, 3 * SLICE + 8], 2, before));
    const edited = redeflateSlices(pieces, GRID, after, [2, 3]);
    expect(Buffer.from(gzipLabelmap(edited))).toEqual(Buffer.from(encodeLabelmap(GRID, after)));
    // The pieces of the labelmap before are left as they were: a failed save can drop its copy.
    expect(Buffer.from(gzipLabelmap(pieces))).toEqual(Buffer.from(encodeLabelmap(GRID, before)));
  });

  it('combines the checksum right for slices of a real grid (512×512), before and after an edit', () => {
    const geometry = { ...GRID, dims: [512, 512, 3] as [number, number, number] };
    const lm = new Uint8Array(512 * 512 * 3);
    lm.fill(1, 1000, 5000);
    const pieces = deflateLabelmap(geometry, lm);
    lm.fill(2, 512 * 512 + 7, 512 * 512 + 900);
    const edited = gzipLabelmap(redeflateSlices(pieces, geometry, lm, [1]));
    // gunzip checks the trailer's CRC-32 and length against what it inflated.
    expect(Buffer.from(zlib.gunzipSync(edited)).subarray(352)).toEqual(Buffer.from(lm));
  });

  it('still reads a file stored by the encoder before it (one gzip of the whole NIfTI, level 6)', () => {
    const lm = labelmapWith([5, SLICE + 9], 2, labelmapWith([3, 4]));
    const old = zlib.gzipSync(rawNifti(lm), { level: 6 });
    expect(decodeMask(old, GRID, 'old.nii.gz', ALLOWED)).toEqual(lm);
  });
});
