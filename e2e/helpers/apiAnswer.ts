/**
 * What the page sent and received on the API, as values a test can read: JSON, or a binary frame
 * (src-shared/api/binaryFrame.ts) decoded, each Uint8Array in it turned into one string trace
 * (`bytes:<base64>`), so a leak scan (findLeaks) can look for a whole mask as it looks for an id.
 */
import type { Request, Response } from '@playwright/test';
import { decodeFrame, FRAME_CONTENT_TYPE } from '../../src-shared/api/binaryFrame';

/** Raw bytes as a string findLeaks can look for: a whole mask, as one trace. */
export function bytesTrace(bytes: Uint8Array): string {
  return `bytes:${Buffer.from(bytes).toString('base64')}`;
}

function traced(value: unknown): unknown {
  if (value instanceof Uint8Array) return bytesTrace(value);
  if (Array.isArray(value)) return value.map(traced);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, traced(v)]));
  return value;
}

function isFrame(contentType: string | undefined): boolean {
  return (contentType ?? '').startsWith(FRAME_CONTENT_TYPE);
}

/** An API answer's value (its bytes as traces). */
export async function answerOf(res: Response): Promise<unknown> {
  return isFrame(res.headers()['content-type']) ? traced(decodeFrame(await res.body())) : await res.json();
}

/** An API request's value (its bytes as traces). */
export function requestOf(req: Request): unknown {
  const body = req.postDataBuffer() ?? Buffer.alloc(0);
  return isFrame(req.headers()['content-type']) ? traced(decodeFrame(body)) : JSON.parse(body.toString('utf8'));
}
