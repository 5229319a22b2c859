/**
 * The voxel data plane (issue 15). labelmapRoundTrip(): a 512×512×300 labelmap with 30 % foreground
 * saved through the browser-mode server over real HTTP and read back, against the old wire form of
 * the same labelmap re-encoded in the same run (gzip + base64 inside JSON, which the old 1 MiB
 * request cap refused at this size). Prints bytes on the wire and latency, and fails unless the
 * labelmap reads back byte for byte.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeNifti } from '../src-shared/nifti';
import { mulberry32 } from '../src-shared/random/mulberry32';
import { createBackend } from '../src-main/server/backend';
import { startBrowserServer } from '../src-main/server/httpServer';
import { apiBody, rawRequest } from '../src-main/server/testSupport';
import { signInWithTestSecret, testSecretOf } from '../src-main/services/project/signIn.testSupport';

const DIMS = [512, 512, 300] as const;
const VOXELS = DIMS[0] * DIMS[1] * DIMS[2];
const FOREGROUND = 0.3;
const ROUNDS = 3;
/** The request cap before issue 15 (httpServer.ts). */
const OLD_CAP = 1 << 20;

const loadAverage = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(2);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * On every slice a disc covering 30 % of it (label 1) with a rim of label 2 (uncertain). `ragged`:
 * its edge jitters by up to ±3 voxels, as a hand-painted or model-made boundary does; a clean disc
 * repeated on every slice is the best case for gzip, a ragged one a more typical case.
 */
function labelmap(ragged: boolean): Uint8Array {
  const out = new Uint8Array(VOXELS);
  const [nx, ny, nz] = DIMS;
  const r = Math.sqrt((FOREGROUND * nx * ny) / Math.PI);
  const random = mulberry32(15);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const d = Math.hypot(i - nx / 2, j - ny / 2);
        if (d > r + 3) continue;
        const edge = ragged ? r + 6 * (random() - 0.5) : r;
        if (d <= edge) out[(k * ny + j) * nx + i] = d > edge - 2 ? 2 : 1;
      }
  return out;
}

async function labelmapRoundTrip(): Promise<void> {
  const shapes = [
    { name: 'clean disc per slice', lm: labelmap(false) },
    { name: 'ragged edge (±3 voxels)', lm: labelmap(true) },
  ];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'quorum-data-plane-bench-'));
  const images = path.join(dir, 'images');
  mkdirSync(images);
  const geometry = {
    dims: DIMS,
    spacingMm: [0.7, 0.7, 1] as const,
    originLps: [0, 0, 0] as const,
    direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] as const,
  };
  writeFileSync(path.join(images, 'ct.nii.gz'), writeNifti({ geometry, data: new Int16Array(VOXELS) }, { gzip: true }));
  writeFileSync(
    path.join(images, 'quorum-demo.json'),
    JSON.stringify({ name: 'bench', cases: [{ name: 'CT', path: 'ct.nii.gz', kind: 'nifti' }] }),
  );
  const backend = await createBackend({
    mode: 'browser',
    version: '0.0.0-bench',
    projectDir: images,
    rendererDir: dir,
    dataDir: path.join(dir, 'data'),
  });
  const token = 'data-plane-bench-token';
  const server = await startBrowserServer({
    dispatch: backend.dispatch,
    binaryAdmission: backend.binaryAdmission,
    routes: backend.routes,
    port: 0,
    token,
  });
  try {
    // A fresh connection per request (rawRequest): seconds of encoding between two requests would
    // outlast the server's keep-alive, and a reused socket would meet the server closing it.
    const call = async (channel: string, request: unknown): Promise<{ value: unknown; bytes: number }> => {
      const res = await rawRequest(server.port, `/api/${channel}`, { method: 'POST', headers: { 'X-Quorum-Token': token }, api: request });
      const answer = res.json<{ ok: boolean; value?: unknown; error?: { message: string } }>();
      if (!answer.ok) throw new Error(`${channel}: ${answer.error?.message ?? res.status}`);
      return { value: answer.value, bytes: res.body.length };
    };
    const json = async (channel: string, request: unknown): Promise<unknown> => (await call(channel, request)).value;
    await json('rater.create', { name: 'Bench Admin', secret: testSecretOf('Bench Admin') });
    const { token: session } = await signInWithTestSecret((channel, request) => json(channel, request), 'Bench Admin');
    const [{ caseId }] = (await json('projectCase.list', { session })) as Array<{ caseId: string }>;
    console.log(
      `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), load average ${loadAverage()}; labelmap ${DIMS.join('×')} Uint8 (${mib(VOXELS)} MiB raw); median of ${ROUNDS} save + read rounds, each read compared byte for byte\n`,
    );
    console.log('| labelmap | foreground | wire form | request bytes | read response bytes | save ms | read ms |');
    console.log('| --- | ---: | --- | ---: | ---: | ---: | ---: |');
    // Every save names the one before as its parent, as the editor's autosave does.
    let parent: string | null = null;
    for (const { name, lm } of shapes) {
      const foreground = `${((100 * lm.reduce((n, v) => n + (v === 0 ? 0 : 1), 0)) / VOXELS).toFixed(1)} %`;
      // Before: the same labelmap as the old request body (the renderer's CompressionStream was gzip level 6).
      const t0 = performance.now();
      const oldBody = JSON.stringify({ session, caseId, labelmapGzBase64: gzipSync(lm, { level: 6 }).toString('base64'), status: 'draft' });
      const oldEncodeMs = performance.now() - t0;
      const saveMs: number[] = [];
      const readMs: number[] = [];
      let frameBytes = 0;
      let readBytes = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const request = { session, caseId, labelmap: lm, status: 'draft', parentVersionId: parent };
        const s0 = performance.now();
        const saved = (await json('annotation.save', request)) as { versionId: string };
        saveMs.push(performance.now() - s0);
        frameBytes = apiBody(request).body.length;
        parent = saved.versionId;
        const r0 = performance.now();
        const read = await call('annotation.read', { session, versionId: saved.versionId });
        readMs.push(performance.now() - r0);
        readBytes = read.bytes;
        if (!Buffer.from((read.value as { labelmap: Uint8Array }).labelmap).equals(Buffer.from(lm)))
          throw new Error(`${name}, round ${round}: the labelmap read back differs from the one saved`);
      }
      const refused = oldBody.length > OLD_CAP ? ' (over the 1 MiB cap: refused)' : ' (under the 1 MiB cap)';
      console.log(
        `| ${name} | ${foreground} | before: gzip + base64 in JSON | ${mib(oldBody.length)} MiB${refused} | — | gzip + base64 alone ${oldEncodeMs.toFixed(0)} | — |`,
      );
      console.log(
        `| ${name} | ${foreground} | after: raw bytes, binary frame | ${mib(frameBytes)} MiB | ${mib(readBytes)} MiB | ${median(saveMs).toFixed(0)} | ${median(readMs).toFixed(0)} |`,
      );
    }
  } finally {
    await server.close();
    backend.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  await labelmapRoundTrip();
}
