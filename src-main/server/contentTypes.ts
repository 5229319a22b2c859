/**
 * Content types by file name. Chosen deliberately rather than guessed by a library: `.wasm` must be
 * application/wasm for streaming compilation, module scripts must be a JavaScript type, and
 * `.nii.gz` is served as the gzip file it is (application/gzip, no Content-Encoding), so the browser
 * does not inflate it behind the loader's back and the URL keeps its suffix.
 */
const BY_EXTENSION: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.bval': 'text/plain; charset=utf-8',
  '.bvec': 'text/plain; charset=utf-8',
  '.nii': 'application/octet-stream',
  '.gz': 'application/gzip',
  '.dcm': 'application/dicom',
  '.onnx': 'application/octet-stream',
};

export const OCTET_STREAM = 'application/octet-stream';

export function contentTypeOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  if (dot < 0) return OCTET_STREAM;
  return BY_EXTENSION[fileName.slice(dot).toLowerCase()] ?? OCTET_STREAM;
}
