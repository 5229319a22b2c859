/**
 * Labelmaps on the wire (src-shared/api/projectChannels.ts): gzip through the browser's own
 * CompressionStream, then base64, and back. A sparse 124×152×32 labelmap is a few KB.
 */
import { base64ToBytes, bytesToBase64 } from '../../src-shared/encoding/base64';

async function pipeThrough(bytes: Uint8Array, transform: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(transform);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export async function encodeLabelmap(labelmap: Uint8Array): Promise<string> {
  return bytesToBase64(await pipeThrough(labelmap, new CompressionStream('gzip')));
}

/** The bytes of a gzip + base64 payload (a labelmap, a mask, quantised probabilities), unchecked. */
export async function inflatePayload(b64: string): Promise<Uint8Array> {
  return pipeThrough(base64ToBytes(b64), new DecompressionStream('gzip'));
}

/** Decodes a labelmap and checks it has `voxelCount` voxels. */
export async function decodeLabelmap(b64: string, voxelCount: number): Promise<Uint8Array> {
  const out = await inflatePayload(b64);
  if (out.length !== voxelCount) throw new Error(`the stored labelmap has ${out.length} voxels, but the case has ${voxelCount}`);
  return out;
}
