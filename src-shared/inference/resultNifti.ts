/**
 * An inference result as NIfTI files on the case grid, for the project store (issue 5: "stored as a
 * probability NIfTI plus a mask"): float32 probabilities (one volume per label), a uint8 mask, and
 * float32 uncertainty maps (entropy, then mutual information and variance when present).
 * The description field names the model so a file found on disk still says where it came from;
 * the full provenance is stored beside it as JSON (provenance.ts).
 */
import { writeNifti } from '../nifti/write';
import type { Geometry } from '../volume/types';
import type { ModelManifest } from './manifest';
import type { SegmentationResult } from './pipeline';

/** NIfTI intent codes (nifti1.h): an estimate of a parameter, and a label map. */
const INTENT_ESTIMATE = 1001;
const INTENT_LABEL = 1002;

export interface ResultNiftis {
  readonly probability: Uint8Array;
  readonly mask: Uint8Array;
  /** Volumes: entropy, and with several samples mutual information and one variance per label. */
  readonly uncertainty: Uint8Array;
  readonly uncertaintyVolumes: readonly string[];
}

function stack(arrays: readonly Float32Array[]): Float32Array {
  const n = arrays[0].length;
  const out = new Float32Array(n * arrays.length);
  arrays.forEach((a, i) => out.set(a, i * n));
  return out;
}

function description(m: ModelManifest, what: string): string {
  // NIfTI-1 allows 79 ASCII characters.
  return `${what} ${m.id} ${m.version}`.replace(/[^\x20-\x7e]/g, '?').slice(0, 79);
}

export function resultNiftis(result: SegmentationResult, geometry: Geometry, manifest: ModelManifest): ResultNiftis {
  const probability = writeNifti(
    {
      geometry,
      data: stack(result.probabilities),
      volumeCount: result.probabilities.length,
      description: description(manifest, 'probability'),
      intentCode: INTENT_ESTIMATE,
      calMin: 0,
      calMax: 1,
    },
    { gzip: true },
  );
  const mask = writeNifti(
    { geometry, data: result.mask, description: description(manifest, 'mask p>0.5'), intentCode: INTENT_LABEL },
    { gzip: true },
  );
  const maps = [result.entropy];
  const names = ['entropy (bits)'];
  if (result.mutualInformation) {
    maps.push(result.mutualInformation);
    names.push('mutual information (bits)');
  }
  result.variance?.forEach((v, c) => {
    maps.push(v);
    names.push(`variance of p (${manifest.output.labels[c]})`);
  });
  const uncertainty = writeNifti(
    {
      geometry,
      data: stack(maps),
      volumeCount: maps.length,
      description: description(manifest, 'uncertainty'),
      intentCode: INTENT_ESTIMATE,
    },
    { gzip: true },
  );
  return { probability, mask, uncertainty, uncertaintyVolumes: names };
}
