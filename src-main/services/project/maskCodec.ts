/**
 * Labelmap ↔ NIfTI bytes, through the shared NIfTI reader/writer (src-shared/nifti). Decoding is
 * also validation: a mask is accepted only if it parses, is one 3D volume, matches the case's
 * reference grid within tolerance and holds only 0, 1, 2. Every refusal is a ProjectError whose
 * message says what is wrong and what was expected.
 */
import { gzipSync } from 'fflate';
import { readNifti, writeNifti, type NiftiImage } from '../../../src-shared/nifti';
import { geometryMismatches } from '../../../src-shared/project/geometryMatch';
import { findInvalidLabels } from '../../../src-shared/project/labels';
import type { SeriesGeometry } from '../../../src-shared/project/types';
import { fail } from './errors';

/**
 * Uint8 labelmap → gzipped NIfTI-1. Gzip is done here with mtime 0 (not through writeNifti's
 * option, which stamps the current time) so identical content always gives identical bytes, hence
 * the same content hash, hence the same stored file.
 */
export function encodeLabelmap(geometry: SeriesGeometry, labelmap: Uint8Array): Uint8Array {
  const raw = writeNifti({ geometry, data: labelmap, description: 'Quorum labelmap 0 bg 1 lesion 2 uncertain' }, { gzip: false });
  return gzipSync(raw, { level: 6, mtime: 0 });
}

/** Float32 map (e.g. the soft consensus) → gzipped NIfTI-1, deterministic like encodeLabelmap. */
export function encodeFloatMap(geometry: SeriesGeometry, data: Float32Array, description: string): Uint8Array {
  const raw = writeNifti({ geometry, data, description, calMin: 0, calMax: 1 }, { gzip: false });
  return gzipSync(raw, { level: 6, mtime: 0 });
}

function parse(bytes: Uint8Array, fileName: string): NiftiImage {
  try {
    return readNifti(bytes, { fileName });
  } catch (err) {
    return fail('corrupt-file', `${fileName} cannot be read as NIfTI: ${(err as Error).message}`);
  }
}

/** Validates mask bytes against the case grid; returns the labelmap as Uint8. Throws before anything is written. */
export function decodeMask(bytes: Uint8Array, expected: SeriesGeometry, fileName: string): Uint8Array {
  const img = parse(bytes, fileName);
  if (img.volumeCount !== 1) {
    fail('bad-geometry', `${fileName} holds ${img.volumeCount} volumes; a mask must be one 3D volume on the image grid ${JSON.stringify(expected.dims)}`);
  }
  const problems = geometryMismatches(expected, img.geometry);
  if (problems.length > 0) {
    fail('bad-geometry', `${fileName} does not match the case image: ${problems.join('; ')}. Resample the mask onto the image grid before importing.`);
  }
  const bad = findInvalidLabels(img.data);
  if (bad) {
    fail(
      'bad-labels',
      `${fileName} has ${bad.count} voxel(s) with values outside {0, 1, 2} (found ${bad.examples.join(', ')}); ` +
        'a Quorum mask uses 0 background, 1 lesion, 2 uncertain lesion',
    );
  }
  return img.data instanceof Uint8Array ? img.data : Uint8Array.from(img.data);
}
