/**
 * Response headers shared by the browser-mode server and Electron's quorum:// protocol handler.
 *
 * Cross-origin isolation (COOP same-origin + COEP require-corp) is what unlocks SharedArrayBuffer,
 * and with it WASM threads for onnxruntime-web and Cornerstone's codecs. Under COEP every
 * subresource must opt in, so our own responses also carry CORP same-origin.
 */

const isolationHeaders: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const hardeningHeaders: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

/**
 * The Content-Security-Policy of the renderer document, one directive per entry so each carries its
 * reason:
 * - script-src 'self' 'wasm-unsafe-eval': only our bundled scripts; 'wasm-unsafe-eval' permits
 *   WebAssembly.compile/instantiate (onnxruntime-web, Cornerstone's image codecs) and nothing else —
 *   eval() and new Function stay blocked (zod runs jitless for that reason).
 * - worker-src 'self' blob:: Cornerstone/vtk.js and onnxruntime start workers from bundled files and,
 *   for WASM threads, from blob: URLs.
 * - style-src 'self' 'unsafe-inline': vtk.js and Cornerstone tools inject <style> elements; styles
 *   cannot run code, scripts stay strict.
 * - img-src 'self' data: blob:: tool cursors are data: SVGs; screenshots and thumbnails are blobs.
 * - connect-src 'self' blob: data:: API calls and voxel/file fetches go to our own origin only.
 * - everything else is denied: no plugins, no framing, no forms, no <base> tricks.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self' blob: data:",
  "media-src 'self' blob:",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Every response: isolation + hardening, plus the CSP on HTML documents. */
export function baseHeaders(contentType: string): Record<string, string> {
  const headers: Record<string, string> = { ...isolationHeaders, ...hardeningHeaders, 'Content-Type': contentType };
  if (contentType.startsWith('text/html')) headers['Content-Security-Policy'] = CONTENT_SECURITY_POLICY;
  return headers;
}
