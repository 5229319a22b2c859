// Static server for the WebGPU check: ORT's dist, the demo model (or `modelDir`), this folder;
// COOP/COEP for threads.
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';

const repo = join(import.meta.dirname, '..', '..', '..');
const rootsFor = (modelDir) => ({
  '/ort/': join(repo, 'node_modules/onnxruntime-web/dist'),
  '/model/': modelDir,
  '/': import.meta.dirname,
});
const types = { '.mjs': 'text/javascript', '.html': 'text/html', '.wasm': 'application/wasm' };

export function serve(port, modelDir = join(repo, 'models/demo-dwi-lesion')) {
  const roots = rootsFor(modelDir);
  return createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost').pathname;
    const prefix = Object.keys(roots).find((p) => url.startsWith(p));
    const file = normalize(join(roots[prefix], url.slice(prefix.length)));
    if (!file.startsWith(roots[prefix]) || !existsSync(file)) {
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
