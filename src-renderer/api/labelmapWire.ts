/**
 * Labelmaps on the wire (src-shared/api/projectChannels.ts): gzip through the browser's own
 * CompressionStream, then base64, and back. A sparse 124×152×32 labelmap is a few KB.
 */

async function pipeThrough(bytes: Uint8Array, transform: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(transform);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function toBase64(bytes: Uint8Array): string {
  // Chunked: String.fromCharCode(...bytes) overflows the argument limit for large arrays.
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

function fromBase64(b64: string): Uint8Array {
  const text = atob(b64);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

export async function encodeLabelmap(labelmap: Uint8Array): Promise<string> {
  return toBase64(await pipeThrough(labelmap, new CompressionStream('gzip')));
}

/** Decodes a labelmap and checks it has `voxelCount` voxels. */
export async function decodeLabelmap(b64: string, voxelCount: number): Promise<Uint8Array> {
  const out = await pipeThrough(fromBase64(b64), new DecompressionStream('gzip'));
  if (out.length !== voxelCount) throw new Error(`the stored labelmap has ${out.length} voxels, but the case has ${voxelCount}`);
  return out;
}
