/**
 * The voxel data plane (issue 15). `brushStroke()`: "edits as slice diffs" — one brush stroke on a
 * 512×512×300 labelmap, then the autosave, through the real browser-mode server (a `cli.ts` process
 * on a SQLite project in a temp folder, over loopback HTTP):
 * - new path: annotation.saveSlices, the stroke's axial slices as raw bytes in a binary frame;
 * - baseline, in the same run on the same labelmaps: annotation.save with the whole labelmap as the
 *   renderer sent it before (gzip, then base64 inside JSON), re-encoded here with Node's zlib at the
 *   level the browser's CompressionStream uses (zlib's default, 6).
 * Bytes on the wire (the request body) and latency to a durable version (encode + request + the
 * server's write transaction, answered after its fsyncs), per stroke, alternating the two paths;
 * each diff-made version must have the same content hash as the whole save of the same labelmap.
 *
 * The case is a 512×512×300 Int16 NIfTI written into the temp folder (the synthetic CT's grid;
 * only the grid matters to a save), not data-cache/.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeFrame, FRAME_CONTENT_TYPE } from '../src-shared/api/binaryFrame';
import type { Result } from '../src-shared/api/contract';
import { slicePatchOf } from '../src-shared/project/labelmapSlices';
import { writeNifti } from '../src-shared/nifti';
import type { Geometry } from '../src-shared/volume/types';
import { signInWithTestSecret, testSecretOf } from '../src-main/services/project/signIn.testSupport';
import { rawRequest, spawnCli } from '../src-main/server/testSupport';
import { percentile } from './teamLoad';

const DIMS: [number, number, number] = [512, 512, 300];
const SPACING: [number, number, number] = [0.7, 0.7, 1];
const STROKES = Number(process.env.QUORUM_BENCH_STROKES ?? 10);
/** A 4 mm brush (the app's initial radius) dragged 30 mm across one axial slice: discs every voxel along the line. */
const BRUSH_RADIUS_MM = 4;
const STROKE_LENGTH_MM = 30;

interface Version {
  versionId: string;
  fileHash: string | null;
}

function writeCase(root: string): string {
  const images = path.join(root, 'images');
  mkdirSync(images, { recursive: true });
  const geometry: Geometry = { dims: DIMS, spacingMm: SPACING, originLps: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
  const data = new Int16Array(DIMS[0] * DIMS[1] * DIMS[2]).fill(-1000);
  writeFileSync(path.join(images, 'ct.nii.gz'), writeNifti({ geometry, data }, { gzip: true }));
  writeFileSync(
    path.join(images, 'quorum-demo.json'),
    JSON.stringify({ name: 'bench', cases: [{ name: 'ct', path: 'ct.nii.gz', kind: 'nifti' }] }),
  );
  return images;
}

/** Paints stroke `s` into `lm` (label 1) on axial slice k; returns k. */
function paintStroke(lm: Uint8Array, s: number): number {
  const [nx, ny] = DIMS;
  const k = 100 + ((s * 37) % 100);
  const r = BRUSH_RADIUS_MM / SPACING[0];
  const y0 = 150 + ((s * 53) % 200);
  const x0 = 150 + ((s * 29) % 150);
  const len = STROKE_LENGTH_MM / SPACING[0];
  for (let y = Math.floor(y0 - r); y <= Math.ceil(y0 + r); y++)
    for (let x = Math.floor(x0 - r); x <= Math.ceil(x0 + len + r); x++) {
      const dx = x < x0 ? x - x0 : x > x0 + len ? x - x0 - len : 0;
      if (dx * dx + (y - y0) * (y - y0) <= r * r) lm[k * nx * ny + y * nx + x] = 1;
    }
  return k;
}

/** The lesion already drawn before the stroke: a 90×80×60-voxel block. */
function startingLabelmap(): Uint8Array {
  const [nx, ny] = DIMS;
  const lm = new Uint8Array(DIMS[0] * DIMS[1] * DIMS[2]);
  for (let k = 120; k < 180; k++) for (let j = 200; j < 280; j++) lm.fill(1, k * nx * ny + j * nx + 200, k * nx * ny + j * nx + 290);
  return lm;
}

async function brushStroke(): Promise<void> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'quorum-bench-slices-'));
  const images = writeCase(root);
  const { child, stdout, exit } = spawnCli([
    '--port',
    '0',
    '--project',
    images,
    '--renderer',
    images,
    '--data-dir',
    path.join(root, 'data'),
  ]);
  try {
    const m = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]+)/.exec(await stdout);
    if (!m) throw new Error(`the server did not start: ${await stdout}`);
    const [port, token] = [Number(m[1]), m[2]];
    const post = async <T>(channel: string, body: Uint8Array | string, type: string): Promise<T> => {
      const res = await rawRequest(port, `/api/${channel}`, {
        method: 'POST',
        headers: { 'X-Quorum-Token': token, 'Content-Type': type },
        body,
      });
      const r = res.json<Result<T>>();
      if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
      return r.value;
    };
    const call = <T>(channel: string, request: unknown): Promise<T> => post<T>(channel, JSON.stringify(request), 'application/json');
    const name = 'Bench Rater';
    await call('rater.create', { name, secret: testSecretOf(name) });
    const session = (await signInWithTestSecret(call, name)).token;
    const [{ caseId }] = await call<Array<{ caseId: string }>>('projectCase.list', { session });

    const lm = startingLabelmap();
    let parent = await call<Version>('annotation.save', {
      session,
      caseId,
      status: 'draft',
      labelmapGzBase64: gzipSync(lm).toString('base64'),
    });
    const rows: Row[] = [];
    for (let s = 0; s < STROKES; s++) {
      const k = paintStroke(lm, s);

      let t0 = performance.now();
      const frame = encodeFrame({
        session,
        caseId,
        parentVersionId: parent.versionId,
        status: 'draft',
        slices: slicePatchOf(lm, DIMS, [k]),
      });
      const newEncodeMs = performance.now() - t0;
      const viaSlices = await post<Version>('annotation.saveSlices', frame, FRAME_CONTENT_TYPE);
      const newMs = performance.now() - t0;

      t0 = performance.now();
      const body = JSON.stringify({
        session,
        caseId,
        status: 'draft',
        parentVersionId: viaSlices.versionId,
        labelmapGzBase64: gzipSync(lm).toString('base64'),
      });
      const oldEncodeMs = performance.now() - t0;
      const whole = await post<Version>('annotation.save', body, 'application/json');
      const oldMs = performance.now() - t0;

      if (whole.fileHash !== viaSlices.fileHash)
        throw new Error(`stroke ${s}: the diff save stored ${viaSlices.fileHash}, the whole save of the same labelmap ${whole.fileHash}`);
      rows.push({ newBytes: frame.length, newMs, newEncodeMs, oldBytes: Buffer.byteLength(body), oldMs, oldEncodeMs });
      parent = whole;
    }
    report(rows, lm.length);
  } finally {
    child.kill('SIGTERM');
    await exit;
    rmSync(root, { recursive: true, force: true });
  }
}

interface Row {
  newBytes: number;
  newMs: number;
  newEncodeMs: number;
  oldBytes: number;
  oldMs: number;
  oldEncodeMs: number;
}

function report(rows: Row[], volumeBytes: number): void {
  const med = (f: (r: (typeof rows)[number]) => number) => percentile(rows.map(f), 50);
  const p95 = (f: (r: (typeof rows)[number]) => number) => percentile(rows.map(f), 95);
  const pct = (b: number) => `${((100 * b) / volumeBytes).toFixed(3)} %`;
  const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
  const out = [
    `One brush stroke (${BRUSH_RADIUS_MM} mm radius, ${STROKE_LENGTH_MM} mm long, one axial slice) on a ${DIMS.join('×')} labelmap (${(volumeBytes / 2 ** 20).toFixed(1)} MiB raw) → autosave to a durable version, ${rows.length} strokes, load average ${os.loadavg()[0].toFixed(1)}:`,
    '',
    '| path | request body (median) | of the volume | client encode p50 | latency p50 | latency p95 |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    `| annotation.saveSlices (changed slices, binary frame) | ${kib(med((r) => r.newBytes))} | ${pct(med((r) => r.newBytes))} | ${med((r) => r.newEncodeMs).toFixed(1)} ms | ${med((r) => r.newMs).toFixed(0)} ms | ${p95((r) => r.newMs).toFixed(0)} ms |`,
    `| annotation.save (whole labelmap, gzip + base64 in JSON; before) | ${kib(med((r) => r.oldBytes))} | ${pct(med((r) => r.oldBytes))} | ${med((r) => r.oldEncodeMs).toFixed(1)} ms | ${med((r) => r.oldMs).toFixed(0)} ms | ${p95((r) => r.oldMs).toFixed(0)} ms |`,
    '',
    'Latency: from encoding the request to the answer, which the server sends once the version is committed (file fsynced, then the transaction).',
    '',
    'Each diff-made version had the content hash of the whole save of the same labelmap.',
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

export async function run(): Promise<void> {
  await brushStroke();
}
