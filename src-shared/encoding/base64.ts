/**
 * Base64 (RFC 4648, standard alphabet, padded) for the byte payloads the API carries inside JSON
 * (gzipped labelmaps, probability maps, stored NIfTI files). One codec for main, renderer and
 * workers: src-shared sees neither Node's Buffer nor the DOM's atob/btoa, and a table codec is also
 * faster than btoa over a binary string (about 10× on an 8 MB payload in Node 20).
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const PAD = 61; // '='

const CODE = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));
/** Character code → 6-bit value, or 255 for a character outside the alphabet. */
const VALUE = new Uint8Array(256).fill(255);
CODE.forEach((code, value) => (VALUE[code] = value));

/** Characters turned into one string at a time: String.fromCharCode.apply has an argument limit. */
const CHARS_PER_CHUNK = 1 << 12;

export function bytesToBase64(bytes: Uint8Array): string {
  const n = bytes.length;
  const chunk = new Uint8Array(CHARS_PER_CHUNK);
  const parts: string[] = [];
  let c = 0;
  const flush = (): void => {
    parts.push(String.fromCharCode.apply(null, chunk.subarray(0, c) as unknown as number[]));
    c = 0;
  };
  const whole = n - (n % 3);
  for (let i = 0; i < whole; i += 3) {
    if (c === CHARS_PER_CHUNK) flush();
    const t = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    chunk[c++] = CODE[t >>> 18];
    chunk[c++] = CODE[(t >>> 12) & 63];
    chunk[c++] = CODE[(t >>> 6) & 63];
    chunk[c++] = CODE[t & 63];
  }
  if (c === CHARS_PER_CHUNK) flush();
  if (n - whole === 1) {
    const t = bytes[whole] << 16;
    chunk.set([CODE[t >>> 18], CODE[(t >>> 12) & 63], PAD, PAD], c);
    c += 4;
  } else if (n - whole === 2) {
    const t = (bytes[whole] << 16) | (bytes[whole + 1] << 8);
    chunk.set([CODE[t >>> 18], CODE[(t >>> 12) & 63], CODE[(t >>> 6) & 63], PAD], c);
    c += 4;
  }
  flush();
  return parts.join('');
}

/** Thrown for text that is not base64; the message says where. */
export class Base64Error extends Error {
  override readonly name = 'Base64Error';
}

/** Decodes base64 (padding optional); throws Base64Error at the first character outside the alphabet. */
export function base64ToBytes(text: string): Uint8Array {
  let end = text.length;
  if (end > 0 && text.charCodeAt(end - 1) === PAD) end--;
  if (end > 0 && text.charCodeAt(end - 1) === PAD) end--;
  if (end % 4 === 1) throw new Base64Error(`not base64: ${text.length} characters cannot encode whole bytes`);
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let o = 0;
  let acc = 0;
  for (let i = 0; i < end; i++) {
    const code = text.charCodeAt(i);
    const v = code < 256 ? VALUE[code] : 255;
    if (v === 255) throw new Base64Error(`not base64: character ${JSON.stringify(text[i])} at position ${i}`);
    acc = (acc << 6) | v;
    if ((i & 3) === 3) {
      out[o++] = acc >>> 16;
      out[o++] = (acc >>> 8) & 255;
      out[o++] = acc & 255;
      acc = 0;
    }
  }
  const rest = end & 3;
  if (rest === 2) out[o] = acc >>> 4;
  else if (rest === 3) {
    out[o++] = acc >>> 10;
    out[o] = (acc >>> 2) & 255;
  }
  return out;
}
