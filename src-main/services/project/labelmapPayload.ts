/**
 * Labelmaps on the wire between renderer and main. A 512×512×300 Uint8 labelmap is 78 MB raw but
 * ~0.1 MB gzipped (mostly background), so the API carries it gzipped — the renderer compresses with
 * CompressionStream('gzip'), this side inflates with a hard cap of exactly the case's voxel count,
 * so a malformed or hostile payload cannot make main allocate more than one labelmap.
 */
import zlib from 'node:zlib';
import { gunzipCapped, PastCapError } from '../gunzipCapped';
import { fail } from './errors';

export function inflateLabelmapPayload(gz: Uint8Array, voxelCount: number): Uint8Array {
  let out: Uint8Array;
  try {
    out = gunzipCapped(gz, voxelCount);
  } catch (err) {
    const tooBig = err instanceof PastCapError;
    return fail(
      tooBig ? 'bad-geometry' : 'bad-request',
      tooBig
        ? `labelmap payload inflates to more than the case's ${voxelCount} voxels`
        : `labelmap payload is not valid gzip (${(err as Error).message})`,
    );
  }
  if (out.length !== voxelCount) fail('bad-geometry', `labelmap payload has ${out.length} voxels but the case grid has ${voxelCount}`);
  return out;
}

export function deflateLabelmapPayload(labelmap: Uint8Array): Uint8Array {
  const out = zlib.gzipSync(labelmap, { level: 1 });
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
