/**
 * multipart/related bodies, as DICOMweb uses them: WADO-RS answers a series as one part per
 * instance, STOW-RS takes instances the same way. Parsing works on the bytes (DICOM is binary, so
 * no text decoding of part bodies) and refuses anything malformed with the reason rather than
 * returning a truncated list.
 *
 * Plain Node.
 */

export class MultipartError extends Error {
  override readonly name = 'MultipartError';
}

/** The `boundary` parameter of a multipart Content-Type (quoted or not), or a MultipartError. */
export function boundaryOf(contentType: string): string {
  if (!/^\s*multipart\/related\s*;/i.test(contentType)) {
    throw new MultipartError(`expected a multipart/related answer, got "${contentType.slice(0, 100)}"`);
  }
  const m = /;\s*boundary\s*=\s*(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary) throw new MultipartError(`multipart answer without a boundary: "${contentType.slice(0, 100)}"`);
  return boundary;
}

const CRLF2 = Buffer.from('\r\n\r\n');

interface Part {
  /** Header names in lower case. */
  headers: Map<string, string>;
  body: Uint8Array;
}

/** Splits a multipart body into its parts; views into `body`, nothing copied. */
export function parseMultipart(body: Uint8Array, boundary: string): Part[] {
  const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  // The first delimiter may open the body without a preceding CRLF; later ones always have it.
  const first = Buffer.from(`--${boundary}`);
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  let at = buf.indexOf(first);
  if (at < 0) throw new MultipartError('the multipart body has no boundary line');
  at += first.length;
  const parts: Part[] = [];
  for (;;) {
    if (buf[at] === 0x2d && buf[at + 1] === 0x2d) return parts; // "--": the closing delimiter
    // The rest of the delimiter line (transport padding) up to its CRLF.
    const lineEnd = buf.indexOf('\r\n', at);
    if (lineEnd < 0) throw new MultipartError('the multipart body ends inside a boundary line');
    // Headers run from the line after the delimiter to the first blank line (none: the blank line comes at once).
    const headerEnd = buf.indexOf(CRLF2, lineEnd);
    if (headerEnd < 0) throw new MultipartError(`part ${parts.length + 1} has no end of headers`);
    const bodyStart = headerEnd + 4;
    const next = buf.indexOf(delimiter, bodyStart);
    if (next < 0) throw new MultipartError(`part ${parts.length + 1} is cut short (no closing boundary): the answer is incomplete`);
    const headers = new Map<string, string>();
    if (headerEnd > lineEnd) {
      for (const line of buf.toString('latin1', lineEnd + 2, headerEnd).split('\r\n')) {
        const colon = line.indexOf(':');
        if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
      }
    }
    parts.push({ headers, body: body.subarray(bodyStart, next) });
    at = next + delimiter.length;
  }
}

/** A multipart/related body of DICOM instances (for STOW-RS), and its Content-Type. */
export function buildMultipart(
  instances: readonly Uint8Array[],
  partType = 'application/dicom',
): { body: Uint8Array; contentType: string } {
  const boundary = `quorum-${crypto.randomUUID()}`;
  const chunks: Uint8Array[] = [];
  for (const inst of instances) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Type: ${partType}\r\n\r\n`), inst, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/related; type="${partType}"; boundary=${boundary}` };
}
