// Static server for the WebGPU checks and the pipeline bench: COOP/COEP (for WASM threads), one
// folder per URL prefix, `/` → index.html, and an optional POST /result handler (the bench page
// posts its results there when no Playwright drives it).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';

const repo = join(import.meta.dirname, '..', '..', '..');
const types = {
  '.mjs': 'text/javascript',
  '.js': 'text/javascript',
  '.html': 'text/html',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

/** `roots`: URL prefix → folder, longest prefix first wins; `onResult(text)` receives POST /result bodies. */
export function serveRoots(port, roots, onResult = undefined) {
  const prefixes = Object.keys(roots).sort((a, b) => b.length - a.length);
  return createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost').pathname;
    if (req.method === 'POST' && url === '/result' && onResult) {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        res.writeHead(204).end();
        onResult(body);
      });
      return;
    }
    const prefix = prefixes.find((p) => url.startsWith(p));
    let file = prefix === undefined ? '' : normalize(join(roots[prefix], url.slice(prefix.length)));
    if (file && existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!file || !file.startsWith(roots[prefix]) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'Content-Type': types[extname(file)] ?? 'application/octet-stream',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
    });
    res.end(readFileSync(file));
  }).listen(port, '127.0.0.1');
}

/** The ORT-only check page (index.html here): ORT's dist, one model folder, this folder. */
export function serve(port, modelDir = join(repo, 'models/demo-dwi-lesion')) {
  return serveRoots(port, { '/ort/': join(repo, 'node_modules/onnxruntime-web/dist'), '/model/': modelDir, '/': import.meta.dirname });
}

/** Waits until `server` listens; its URL and a close() that resolves once it has closed. */
export async function listening(server) {
  await new Promise((resolve, reject) => {
    if (server.listening) resolve(undefined);
    server.once('listening', resolve);
    server.once('error', reject);
  });
  return {
    url: `http://localhost:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(() => resolve(undefined))),
  };
}
