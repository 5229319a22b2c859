import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { handmadeFile, handmadeHeader, handmadeNifti2, int16Bytes, noiseBytes } from '../testdata/handmadeNifti';
import { VolumeReadError } from '../volume/errors';
import { readNifti } from './read';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

function expectError(fn: () => unknown, code: string, messagePart: RegExp): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(VolumeReadError);
    expect((e as VolumeReadError).code).toBe(code);
    expect((e as Error).message).toMatch(messagePart);
    return;
  }
  throw new Error('expected a VolumeReadError');
}

describe('readNifti geometry', () => {
  it('reads the sform and converts RAS to LPS (x and y flipped)', () => {
    // An LAS-stored grid: i runs right→left in RAS terms (negative x column), spacing 2×2×3 mm.
    const file = handmadeFile(
      { dim: [3, 2, 3, 4], datatype: 4, bitpix: 16, pixdim: [1, 2, 2, 3], sformCode: 1, srow: [-2, 0, 0, 90, 0, 2, 0, -126, 0, 0, 3, -72] },
      int16Bytes(range(24)),
    );
    const img = readNifti(file);
    expect(img.affineSource).toBe('sform');
    expect(img.geometry.dims).toEqual([2, 3, 4]);
    expect(img.geometry.spacingMm).toEqual([2, 2, 3]);
    // RAS column (-2,0,0) is LPS (2,0,0): +i points to patient left. RAS (0,2,0) → LPS (0,-2,0): +j anterior.
    expect(img.geometry.direction).toEqual([1, 0, 0, 0, -1, 0, 0, 0, 1]);
    expect(img.geometry.originLps).toEqual([-90, 126, -72]);
    expect(Array.from(img.affineRas)).toEqual([-2, 0, 0, 90, 0, 2, 0, -126, 0, 0, 3, -72, 0, 0, 0, 1]);
    expect(img.data).toBeInstanceOf(Int16Array);
    expect(Array.from(img.data)).toEqual(range(24));
  });

  it('builds the affine from the qform quaternion when sform_code is 0', () => {
    // b=c=0, d=sin(45°): a 90° rotation about z, R = [[0,-1,0],[1,0,0],[0,0,1]].
    const s = Math.SQRT1_2;
    const file = handmadeFile(
      { dim: [3, 2, 2, 2], datatype: 2, bitpix: 8, pixdim: [1, 2, 3, 4], qformCode: 1, quatern: [0, 0, s], qoffset: [10, 20, 30] },
      new Uint8Array(8),
    );
    const img = readNifti(file);
    expect(img.affineSource).toBe('qform');
    const g = img.geometry;
    // RAS columns: R·diag(2,3,4) = (0,2,0), (-3,0,0), (0,0,4); LPS: (0,-2,0), (3,0,0), (0,0,4).
    expect(g.spacingMm[0]).toBeCloseTo(2, 5);
    expect(g.spacingMm[1]).toBeCloseTo(3, 5);
    expect(g.spacingMm[2]).toBeCloseTo(4, 5);
    const expected = [0, -1, 0, 1, 0, 0, 0, 0, 1];
    g.direction.forEach((d, i) => expect(d).toBeCloseTo(expected[i], 6));
    expect(g.originLps).toEqual([-10, -20, 30]);
  });

  it('applies qfac = -1 (pixdim[0]) by flipping the k axis', () => {
    const file = handmadeFile({ dim: [3, 1, 1, 2], datatype: 2, bitpix: 8, pixdim: [-1, 1, 1, 5], qformCode: 1 }, new Uint8Array(2));
    const g = readNifti(file).geometry;
    // Identity rotation, third column negated: RAS (0,0,-5) → LPS (0,0,-5).
    expect(g.direction.slice(6)).toEqual([0, 0, -1]);
    expect(g.spacingMm[2]).toBe(5);
  });

  it('falls back to pixdim scaling with a note when neither transform is set', () => {
    const img = readNifti(handmadeFile({ dim: [3, 1, 1, 1], datatype: 2, bitpix: 8, pixdim: [1, 0.5, 0.5, 2] }, new Uint8Array(1)));
    expect(img.affineSource).toBe('pixdim');
    expect(img.geometry.spacingMm).toEqual([0.5, 0.5, 2]);
    expect(img.notes.join(' ')).toMatch(/orientation is unknown/);
  });

  it('converts metre units to mm', () => {
    const img = readNifti(
      handmadeFile(
        { dim: [3, 1, 1, 1], datatype: 2, bitpix: 8, xyztUnits: 1, sformCode: 1, srow: [0.001, 0, 0, 0.1, 0, 0.002, 0, 0, 0, 0, 0.003, 0] },
        new Uint8Array(1),
      ),
    );
    expect(img.geometry.spacingMm[0]).toBeCloseTo(1, 4);
    expect(img.geometry.spacingMm[1]).toBeCloseTo(2, 4);
    expect(img.geometry.spacingMm[2]).toBeCloseTo(3, 4);
    expect(img.geometry.originLps[0]).toBeCloseTo(-100, 3);
  });
});

describe('readNifti data', () => {
  const base = {
    dim: [4, 2, 2, 1, 3],
    datatype: 4,
    bitpix: 16,
    pixdim: [1, 1, 1, 1, 1],
    sformCode: 1,
    srow: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0],
  };

  it('reads .nii and .nii.gz to the same values, 4D volume count from dim[4]', () => {
    const body = int16Bytes([1, 2, 3, 4, -5, -6, -7, -8, 100, 200, 300, 400]);
    const a = readNifti(handmadeFile(base, body));
    const b = readNifti(handmadeFile(base, body, true));
    expect(a.volumeCount).toBe(3);
    expect(a.header.dim.slice(0, 5)).toEqual([4, 2, 2, 1, 3]);
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
    expect(Array.from(a.data)).toEqual([1, 2, 3, 4, -5, -6, -7, -8, 100, 200, 300, 400]);
  });

  it('reads big-endian files', () => {
    const img = readNifti(handmadeFile({ ...base, bigEndian: true }, int16Bytes([1, -2, 300, -400, 5, 6, 7, 8, 9, 10, 11, 12], true)));
    expect(img.header.littleEndian).toBe(false);
    expect(Array.from(img.data.subarray(0, 4))).toEqual([1, -2, 300, -400]);
  });

  it('reads an uncompressed file handed over as a Node Buffer (a view into a larger pool)', () => {
    // readFileSync and zlib return Buffers whose slice() is a view; the voxels must still come from
    // vox_offset, not from the start of the underlying ArrayBuffer.
    const values = [1, 2, 3, 4, -5, -6, -7, -8, 100, 200, 300, 400];
    const file = handmadeFile(base, int16Bytes(values));
    const pool = Buffer.alloc(file.length + 13);
    const view = pool.subarray(13);
    view.set(file);
    expect(Array.from(readNifti(view).data)).toEqual(values);
    expect(Array.from(readNifti(Buffer.from(file)).data)).toEqual(values);
  });

  it("swaps a big-endian file's voxels in a copy, leaving the caller's Buffer unchanged", () => {
    const values = [1, -2, 300, -400, 5, 6, 7, 8, 9, 10, 11, 12];
    const bytes = Buffer.from(handmadeFile({ ...base, bigEndian: true }, int16Bytes(values, true)));
    const before = Buffer.from(bytes);
    expect(Array.from(readNifti(bytes).data)).toEqual(values);
    expect(bytes.equals(before)).toBe(true);
  });

  it('applies an integer slope/intercept and keeps an integer type', () => {
    // uint16 stored 0..3 with slope 2, inter -1024 (a CT-like encoding): 2·v − 1024 fits int16.
    const body = new Uint8Array(new Uint16Array([0, 1, 2, 3]).buffer);
    const img = readNifti(handmadeFile({ ...base, dim: [3, 2, 2, 1], datatype: 512, bitpix: 16, sclSlope: 2, sclInter: -1024 }, body));
    expect(img.dataType).toBe('int16');
    expect(Array.from(img.data)).toEqual([-1024, -1022, -1020, -1018]);
    expect(img.header.dataType).toBe('uint16');
  });

  it('promotes to float32 for a fractional slope', () => {
    const img = readNifti(handmadeFile({ ...base, dim: [3, 2, 2, 1], sclSlope: 0.5, sclInter: 0.25 }, int16Bytes([0, 1, -3, 10])));
    expect(img.dataType).toBe('float32');
    expect(Array.from(img.data)).toEqual([0.25, 0.75, -1.25, 5.25]);
  });

  it('reads zero and NaN slopes as 1, with a note', () => {
    for (const slope of [0, Number.NaN]) {
      const img = readNifti(handmadeFile({ ...base, dim: [3, 2, 2, 1], sclSlope: slope, sclInter: 7 }, int16Bytes([1, 2, 3, 4])));
      expect(img.dataType).toBe('int16');
      expect(Array.from(img.data)).toEqual([1, 2, 3, 4]);
      expect(img.notes.join(' ')).toMatch(/scl_slope (0|NaN) read as 1/);
    }
  });
});

describe('readNifti refuses bad input with a clear error', () => {
  const ok = {
    dim: [3, 16, 16, 16],
    datatype: 4,
    bitpix: 16,
    pixdim: [1, 1, 1, 1],
    sformCode: 1,
    srow: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0],
  };

  it('truncated .nii.gz', () => {
    const gz = handmadeFile(ok, noiseBytes(16 * 16 * 16 * 2), true);
    expectError(
      () => readNifti(gz.subarray(0, Math.floor(gz.length / 2)), { fileName: 'cut.nii.gz' }),
      'corrupt-file',
      /cut\.nii\.gz is truncated or damaged/,
    );
  });

  it('truncated .nii', () => {
    const nii = handmadeFile(ok, noiseBytes(16 * 16 * 16 * 2));
    expectError(() => readNifti(nii.subarray(0, nii.length - 100)), 'corrupt-file', /truncated: the header promises 8192 bytes/);
  });

  it('a gzip stream that is shorter than the header promises', () => {
    const gz = gzipSync(handmadeFile(ok, noiseBytes(100)));
    expectError(() => readNifti(gz), 'corrupt-file', /truncated/);
  });

  it('a header claiming 2^31 voxels, refused from the header before the body is inflated', () => {
    // 1024·1024·2048 = 2^31 uint8 voxels. The body after the first 64 KiB is garbage: a reader that
    // inflated (or allocated) before checking would fail on it, or on memory, instead of 'too-large'.
    const header = handmadeHeader({ dim: [3, 1024, 1024, 2048], datatype: 2, bitpix: 8, pixdim: [1, 1, 1, 1] });
    const gz = gzipSync(new Uint8Array([...header, ...noiseBytes(200_000)]));
    const damaged = gz.slice();
    damaged.fill(0xff, 65_536);
    const t0 = performance.now();
    expectError(
      () => readNifti(damaged, { fileName: 'huge.nii.gz' }),
      'too-large',
      /huge\.nii\.gz claims 1024×1024×2048 = 2\.147e\+9 voxels/,
    );
    expect(performance.now() - t0).toBeLessThan(500);
    expectError(() => readNifti(header), 'too-large', /2\^31 voxels/);
  });

  it('a 4D header whose volumes multiply past 2^31', () => {
    const header = handmadeHeader({ dim: [4, 512, 512, 512, 16], datatype: 4, bitpix: 16, pixdim: [1, 1, 1, 1, 1] });
    expectError(() => readNifti(header), 'too-large', /refuses/);
  });

  it('a 5-D header of 2×10^7 one-voxel volumes, refused from the header by its volume count', () => {
    // dim4 · dim5 = 1000 · 20000: 20 MB of voxels, under the voxel and byte caps, but one volume
    // object, value range and descriptor entry each would exhaust the heap.
    const header = handmadeHeader({ dim: [5, 1, 1, 1, 1000, 20_000], datatype: 2, bitpix: 8, pixdim: [1, 1, 1, 1, 1, 1] });
    expectError(
      () => readNifti(header, { fileName: 'many.nii' }),
      'too-large',
      /many\.nii claims 1×1×1×1000×20000: 20000000 volumes of 1 voxels; Quorum opens at most 4096 volumes/,
    );
  });

  it('NaN spacing, even when an sform is present', () => {
    expectError(
      () => readNifti(handmadeFile({ ...ok, pixdim: [1, Number.NaN, 1, 1] }, noiseBytes(8192))),
      'bad-geometry',
      /invalid voxel spacing \(pixdim = NaN × 1 × 1\)/,
    );
    expectError(
      () => readNifti(handmadeFile({ ...ok, sformCode: 0, qformCode: 1, pixdim: [1, 1, 1, Number.NaN] }, noiseBytes(8192))),
      'bad-geometry',
      /invalid voxel spacing/,
    );
  });

  it('zero or negative spacing when pixdim defines the grid', () => {
    expectError(
      () => readNifti(handmadeFile({ ...ok, sformCode: 0, qformCode: 1, pixdim: [1, 1, 0, 1] }, noiseBytes(8192))),
      'bad-geometry',
      /zero voxel spacing/,
    );
    expectError(
      () => readNifti(handmadeFile({ ...ok, sformCode: 0, pixdim: [1, 1, 1, -2] }, noiseBytes(8192))),
      'bad-geometry',
      /negative voxel spacing/,
    );
  });

  it('a degenerate sform', () => {
    const srow = [1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0]; // third column zero
    expectError(() => readNifti(handmadeFile({ ...ok, srow }, noiseBytes(8192))), 'bad-geometry', /degenerate sform/);
  });

  it('non-image files, plain and gzipped', () => {
    const text = new TextEncoder().encode('patient notes, not an image\n'.repeat(40));
    expectError(() => readNifti(text, { fileName: 'notes.txt' }), 'unsupported-file', /notes\.txt does not start with a NIfTI header/);
    expectError(() => readNifti(gzipSync(text)), 'unsupported-file', /not a NIfTI image/);
    expectError(() => readNifti(new Uint8Array(0)), 'unsupported-file', /not a NIfTI image/);
  });

  it('wrong magic and .hdr/.img pairs', () => {
    expectError(() => readNifti(handmadeFile({ ...ok, magic: 'xyz' }, noiseBytes(8192))), 'unsupported-file', /magic "xyz"/);
    expectError(() => readNifti(handmadeFile({ ...ok, magic: 'ni1' }, noiseBytes(8192))), 'unsupported-file', /\.hdr\/\.img pair/);
  });

  it('unsupported and unknown datatypes', () => {
    expectError(() => readNifti(handmadeFile({ ...ok, datatype: 32, bitpix: 64 }, noiseBytes(8192 * 4))), 'unsupported-file', /complex64/);
    expectError(() => readNifti(handmadeFile({ ...ok, datatype: 128, bitpix: 24 }, noiseBytes(8192 * 2))), 'unsupported-file', /RGB24/);
    expectError(
      () => readNifti(handmadeFile({ ...ok, datatype: 3, bitpix: 8 }, noiseBytes(8192))),
      'corrupt-file',
      /unknown NIfTI datatype code 3/,
    );
  });

  it('invalid dims', () => {
    expectError(() => readNifti(handmadeFile({ ...ok, dim: [3, 16, 0, 16] }, noiseBytes(8192))), 'corrupt-file', /dim\[2\] = 0/);
    expectError(() => readNifti(handmadeFile({ ...ok, dim: [9, 16, 16, 16] }, noiseBytes(8192))), 'corrupt-file', /dim\[0\] = 9/);
  });
});

describe('readNifti notes', () => {
  it('notes a sheared sform', () => {
    // Column j leans 0.2 toward x: axes 78.7° apart (cos = 0.2/√1.04 ≈ 0.196).
    const img = readNifti(
      handmadeFile(
        { dim: [3, 1, 1, 1], datatype: 2, bitpix: 8, sformCode: 1, srow: [1, 0.2, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0] },
        new Uint8Array(1),
      ),
    );
    expect(img.notes.join(' ')).toMatch(/shears the voxel grid \(axes 78\.7° apart/);
  });
});

describe('NIfTI-2', () => {
  it('reads 64-bit dims, double pixdim/sform and scaling', () => {
    const bytes = handmadeNifti2(
      {
        dim: [3, 2, 1, 2],
        datatype: 4,
        bitpix: 16,
        pixdim: [1, 0.7, 0.8, 0.9],
        srow: [0.7, 0, 0, -10, 0, 0.8, 0, -20, 0, 0, 0.9, 5],
        sclSlope: 3,
        sclInter: 1,
      },
      int16Bytes([1, 2, 3, 4]),
    );
    for (const input of [bytes, gzipSync(bytes)]) {
      const img = readNifti(input);
      expect(img.header.version).toBe(2);
      expect(img.geometry.dims).toEqual([2, 1, 2]);
      expect(img.geometry.spacingMm).toEqual([0.7, 0.8, 0.9]);
      expect(img.geometry.originLps).toEqual([10, 20, 5]);
      expect(img.dataType).toBe('int16');
      expect(Array.from(img.data)).toEqual([4, 7, 10, 13]);
    }
  });
});
