/**
 * Labelmap ↔ NIfTI bytes, through the shared NIfTI reader/writer (src-shared/nifti). Decoding is
 * also validation: a mask is accepted only if it parses, is one 3D volume, matches the case's
 * reference grid within tolerance and holds only 0 and the project's label values. Every refusal is
 * a ProjectError whose message says what is wrong and what was expected.
 */
import zlib from 'node:zlib';
import { isGzip, readNifti, writeNifti, type NiftiImage } from '../../../src-shared/nifti';
import { geometryMismatches } from '../../../src-shared/project/geometryMatch';
import { findInvalidLabels, type LabelValueSet } from '../../../src-shared/project/labels';
import type { Geometry, VoxelArray } from '../../../src-shared/volume/types';
import { gunzipCapped, PastCapError } from '../gunzipCapped';
import { fail } from './errors';
import { deflateLabelmap, gzipLabelmap } from './labelmapGzip';

/**
 * gzip with Node's native zlib, for the maps that are not labelmaps (labelmaps: labelmapGzip.ts):
 * ~8× faster than fflate on a 512×512×300 grid (160 vs 1200 ms at level 6 on our 2-core machine),
 * which matters in the main process. Deterministic: zlib writes mtime 0, and the OS byte
 * (platform-dependent) is pinned to 3 so the same content gets the same bytes, hence the same hash
 * and the same stored file. (writeNifti's own gzip option stamps the current time, so it is not
 * used here.)
 */
function gzipDeterministic(raw: Uint8Array): Uint8Array {
  const out = zlib.gzipSync(raw, { level: 6 });
  out[9] = 3;
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** Uint8 labelmap → gzipped NIfTI-1, compressed slice by slice (labelmapGzip.ts) as a slice save compresses it. */
export function encodeLabelmap(geometry: Geometry, labelmap: Uint8Array): Uint8Array {
  return gzipLabelmap(deflateLabelmap(geometry, labelmap));
}

/** Float32 map (e.g. the soft consensus) → gzipped NIfTI-1, deterministic like encodeLabelmap. */
export function encodeFloatMap(geometry: Geometry, data: Float32Array, description: string): Uint8Array {
  return gzipDeterministic(writeNifti({ geometry, data, description, calMin: 0, calMax: 1 }, { gzip: false }));
}

/**
 * A model's quantised probabilities (uint8, p × 255, label-major; src-shared/inference/quantise.ts)
 * → gzipped NIfTI-1 with scl_slope 1/255, so readers get p in [0, 1]; intent 1001 (estimate).
 */
export function encodeQuantisedProbability(geometry: Geometry, q: Uint8Array, volumeCount: number, description: string): Uint8Array {
  return gzipDeterministic(
    writeNifti(
      { geometry, data: q, volumeCount, sclSlope: 1 / 255, sclInter: 0, description, calMin: 0, calMax: 1, intentCode: 1001 },
      { gzip: false },
    ),
  );
}

/**
 * Inflates with native zlib (several times faster than the shared reader's fflate) but capped: a
 * mask on the expected grid is at most 8 bytes a voxel plus header and extensions, so a gzip bomb
 * or a wildly wrong file stops there instead of filling memory.
 */
function inflateCapped(bytes: Uint8Array, expected: Geometry, fileName: string): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  const cap = expected.dims[0] * expected.dims[1] * expected.dims[2] * 8 + (1 << 20);
  try {
    return gunzipCapped(bytes, cap);
  } catch (err) {
    const tooBig = err instanceof PastCapError;
    return fail(
      tooBig ? 'bad-geometry' : 'corrupt-file',
      tooBig
        ? `${fileName} inflates to more than ${cap} bytes, far more than a mask on the case grid ${JSON.stringify(expected.dims)} can hold`
        : `${fileName} cannot be read as NIfTI: its gzip stream is damaged or truncated (${(err as Error).message})`,
    );
  }
}

function parse(bytes: Uint8Array, expected: Geometry, fileName: string): NiftiImage {
  const raw = inflateCapped(bytes, expected, fileName);
  try {
    return readNifti(raw, { fileName });
  } catch (err) {
    return fail('corrupt-file', `${fileName} cannot be read as NIfTI: ${(err as Error).message}`);
  }
}

/**
 * A mask file's voxels as the file holds them, validated against the case grid but not yet against
 * any label values (an import maps them first: exchange/maskValues.ts).
 */
export function decodeMaskVoxels(bytes: Uint8Array, expected: Geometry, fileName: string): VoxelArray {
  const img = parse(bytes, expected, fileName);
  if (img.volumeCount !== 1) {
    fail(
      'bad-geometry',
      `${fileName} holds ${img.volumeCount} volumes; a mask must be one 3D volume on the image grid ${JSON.stringify(expected.dims)}`,
    );
  }
  const problems = geometryMismatches(expected, img.geometry);
  if (problems.length > 0) {
    fail(
      'bad-geometry',
      `${fileName} does not match the case image: ${problems.join('; ')}. Resample the mask onto the image grid before importing.`,
    );
  }
  return img.data;
}

/**
 * Validates mask bytes against the case grid and the values `allowed` (the project's label table);
 * returns the labelmap as Uint8. Throws before anything is written.
 */
export function decodeMask(bytes: Uint8Array, expected: Geometry, fileName: string, allowed: LabelValueSet): Uint8Array {
  const data = decodeMaskVoxels(bytes, expected, fileName);
  refuseUnknownLabels(data, allowed, fileName);
  return data instanceof Uint8Array ? data : Uint8Array.from(data);
}

/** Refuses (`bad-labels`) a mask holding a value outside `allowed`, naming the values found; `name` says which mask. */
export function refuseUnknownLabels(data: VoxelArray, allowed: LabelValueSet, name: string): void {
  const bad = findInvalidLabels(data, allowed);
  if (bad) {
    fail(
      'bad-labels',
      `${name} has ${bad.count} voxel(s) with values outside ${bad.allowed} (found ${bad.examples.join(', ')}); ` +
        "a mask of this project holds 0 background and the values of the project's label table",
    );
  }
}
