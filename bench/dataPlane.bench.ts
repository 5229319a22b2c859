/**
 * The voxel data plane (issue 15), through the real browser-mode server over loopback HTTP.
 *
 * `brushStroke()`: "edits as slice diffs" — one brush stroke on a 512×512×300 labelmap, then the
 * autosave (a `cli.ts` process on a SQLite project in a temp folder):
 * - new path: annotation.saveSlices, the stroke's axial slices as raw bytes in a binary frame;
 * - in the same run on the same labelmaps: annotation.save with the whole labelmap in a binary frame
 *   (what a save without slice diffs sends), and the size and encoding time of the form the renderer
 *   sent before issue 15 (gzip, then base64 inside JSON, at the level the browser's
 *   CompressionStream uses, zlib's 6); the server no longer accepts that form, so it has no latency.
 * Bytes on the wire (the request body) and latency to a durable version (encode + request + the
 * server's write transaction, answered after its fsyncs), per stroke, alternating the two saves;
 * each diff-made version must have the content hash of the whole save of the same labelmap.
 *
 * `labelmapRoundTrip()`: a 512×512×300 labelmap with 30 % foreground saved and read back, against
 * the old wire form of the same labelmap re-encoded in the same run (which the old 1 MiB request cap
 * refused at this size). Prints bytes on the wire and latency, and fails unless the labelmap reads
 * back byte for byte.
 *
 * The case is a 512×512×300 Int16 NIfTI written into a temp folder (the synthetic CT's grid; only
 * the grid matters to a save), not data-cache/.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeFrame, FRAME_CONTENT_TYPE } from '../src-shared/api/binaryFrame';
import type { Result } from '../src-shared/api/contract';
import { applySlicePatch, slicePatchOf } from '../src-shared/project/labelmapSlices';
import { labelValueSet } from '../src-shared/project/labels';
import { writeNifti } from '../src-shared/nifti';
import { mulberry32 } from '../src-shared/random/mulberry32';
import type { Geometry } from '../src-shared/volume/types';
import { storeAnnotationFile } from '../src-main/services/project/annotationFiles';
import { deflateLabelmap, gzipLabelmap, redeflateSlices } from '../src-main/services/project/labelmapGzip';
import { decodeMask, refuseUnknownLabels } from '../src-main/services/project/maskCodec';
import { signInWithTestSecret, testSecretOf } from '../src-main/services/project/signIn.testSupport';
import { createTestBackend, writeTestProject } from '../src-main/services/demoDwiBackend.testSupport';
import { apiBody, rawRequest, serveBackend, spawnCli } from '../src-main/server/testSupport';
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
  const geometry: Geometry = { dims: DIMS, spacingMm: SPACING, originLps: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
  const data = new Int16Array(DIMS[0] * DIMS[1] * DIMS[2]).fill(-1000);
  return writeTestProject(root, [{ name: 'ct', file: 'ct.nii.gz', volume: { geometry, data } }]);
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
    let parent = await post<Version>(
      'annotation.save',
      encodeFrame({ session, caseId, status: 'draft', labelmap: lm }),
      FRAME_CONTENT_TYPE,
    );
    /** One stroke painted into `lm` and autosaved as its slice on top of `on`: the version, the request bytes, encode and total ms. */
    const strokeSaved = async (on: Version, s: number) => {
      const k = paintStroke(lm, s);
      const t0 = performance.now();
      const frame = encodeFrame({ session, caseId, parentVersionId: on.versionId, status: 'draft', slices: slicePatchOf(lm, DIMS, [k]) });
      const encodeMs = performance.now() - t0;
      const version = await post<Version>('annotation.saveSlices', frame, FRAME_CONTENT_TYPE);
      return { version, bytes: frame.length, encodeMs, ms: performance.now() - t0 };
    };
    const rows: Row[] = [];
    for (let s = 0; s < STROKES; s++) {
      // The first stroke after a whole save: the server kept a copy of the whole save's labelmap.
      const afterWhole = await strokeSaved(parent, 2 * s);
      // Warm: the next stroke on top of that slice save, which the server kept.
      const warm = await strokeSaved(afterWhole.version, 2 * s + 1);

      let t0 = performance.now();
      const wholeFrame = encodeFrame({ session, caseId, status: 'draft', parentVersionId: warm.version.versionId, labelmap: lm });
      const wholeEncodeMs = performance.now() - t0;
      const whole = await post<Version>('annotation.save', wholeFrame, FRAME_CONTENT_TYPE);
      const wholeMs = performance.now() - t0;

      t0 = performance.now();
      const before = JSON.stringify({ session, caseId, status: 'draft', labelmapGzBase64: gzipSync(lm, { level: 6 }).toString('base64') });
      const beforeEncodeMs = performance.now() - t0;

      if (whole.fileHash !== warm.version.fileHash)
        throw new Error(
          `stroke ${s}: the diff save stored ${warm.version.fileHash}, the whole save of the same labelmap ${whole.fileHash}`,
        );
      rows.push({
        newBytes: warm.bytes,
        afterWholeMs: afterWhole.ms,
        warmMs: warm.ms,
        newEncodeMs: warm.encodeMs,
        wholeBytes: wholeFrame.length,
        wholeMs,
        wholeEncodeMs,
        beforeBytes: Buffer.byteLength(before),
        beforeEncodeMs,
      });
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
  /** The first slice save after a whole save (whose labelmap the server keeps a copy of). */
  afterWholeMs: number;
  /** A slice save on top of the last one (the server's kept labelmap). */
  warmMs: number;
  newEncodeMs: number;
  wholeBytes: number;
  wholeMs: number;
  wholeEncodeMs: number;
  beforeBytes: number;
  beforeEncodeMs: number;
}

function report(rows: Row[], volumeBytes: number): void {
  const med = (f: (r: (typeof rows)[number]) => number) => percentile(rows.map(f), 50);
  const p95 = (f: (r: (typeof rows)[number]) => number) => percentile(rows.map(f), 95);
  const pct = (b: number) => `${((100 * b) / volumeBytes).toFixed(3)} %`;
  const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
  const slices = `${kib(med((r) => r.newBytes))} | ${pct(med((r) => r.newBytes))} | ${med((r) => r.newEncodeMs).toFixed(1)} ms`;
  const out = [
    `One brush stroke (${BRUSH_RADIUS_MM} mm radius, ${STROKE_LENGTH_MM} mm long, one axial slice) on a ${DIMS.join('×')} labelmap (${(volumeBytes / 2 ** 20).toFixed(1)} MiB raw) → autosave to a durable version, ${rows.length} rounds of a slice save after a whole save, a slice save after that one, a whole save, load average ${os.loadavg()[0].toFixed(1)}:`,
    '',
    '| path | request body (median) | of the volume | client encode p50 | latency p50 | latency p95 |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    `| annotation.saveSlices, warm (the server kept the parent's labelmap) | ${slices} | ${med((r) => r.warmMs).toFixed(0)} ms | ${p95((r) => r.warmMs).toFixed(0)} ms |`,
    `| annotation.saveSlices, first after a whole save (the server kept a copy of it) | ${slices} | ${med((r) => r.afterWholeMs).toFixed(0)} ms | ${p95((r) => r.afterWholeMs).toFixed(0)} ms |`,
    `| annotation.save (whole labelmap, binary frame) | ${kib(med((r) => r.wholeBytes))} | ${pct(med((r) => r.wholeBytes))} | ${med((r) => r.wholeEncodeMs).toFixed(1)} ms | ${med((r) => r.wholeMs).toFixed(0)} ms | ${p95((r) => r.wholeMs).toFixed(0)} ms |`,
    `| before issue 15: whole labelmap, gzip + base64 in JSON (no longer accepted) | ${kib(med((r) => r.beforeBytes))} | ${pct(med((r) => r.beforeBytes))} | ${med((r) => r.beforeEncodeMs).toFixed(1)} ms | — | — |`,
    '',
    'Latency: from encoding the request to the answer, which the server sends once the version is committed (file fsynced, then the transaction).',
    '',
    'Each warm diff-made version had the content hash of the whole save of the same labelmap.',
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

/**
 * Where a slice save's server time goes, stage by stage in this process on the same labelmap (median
 * of STAGE_ROUNDS strokes): the path before the kept labelmap and the per-slice encoder (the parent's
 * file read, inflated and checked; the whole labelmap checked; the whole NIfTI gzipped at level 6),
 * then the cold and warm paths now. "store" is the content-addressed write (hash, temp file, fsync,
 * rename, fsync of the folder) of that path's own bytes.
 */
function serverStages(): void {
  const geometry: Geometry = { dims: DIMS, spacingMm: SPACING, originLps: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
  const allowed = labelValueSet([1, 2]);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'quorum-bench-stages-'));
  const lm = startingLabelmap();
  const oldEncode = (labelmap: Uint8Array) =>
    gzipSync(writeNifti({ geometry, data: labelmap, description: 'Quorum labelmap 0 bg 1 lesion 2 uncertain' }), { level: 6 });
  let parentFile = oldEncode(lm);
  let pieces = deflateLabelmap(geometry, lm);
  let parentNewFile = gzipLabelmap(pieces);
  const times = new Map<string, number[]>();
  const timed = <T>(name: string, f: () => T): T => {
    const t0 = performance.now();
    const out = f();
    times.set(name, [...(times.get(name) ?? []), performance.now() - t0]);
    return out;
  };
  try {
    for (let s = 0; s < STAGE_ROUNDS; s++) {
      const k = paintStroke(lm, 100 + s);
      const patch = slicePatchOf(lm, DIMS, [k]);
      // Before: read the parent, check and encode the whole labelmap.
      const parent = timed('before: read parent (gunzip, parse, label check)', () => decodeMask(parentFile, geometry, 'p.nii.gz', allowed));
      applySlicePatch(parent, DIMS, patch);
      timed('before: label check (whole labelmap)', () => refuseUnknownLabels(parent, allowed, 'labelmap'));
      const oldBytes = timed('before: encode (NIfTI copy + gzip level 6)', () => oldEncode(parent));
      timed('before: store', () => storeAnnotationFile(path.join(dir, 'before'), oldBytes));
      // Now, cold: read the parent, compress every slice; check the patch.
      const cold = timed('cold: read parent (gunzip, parse, label check)', () => decodeMask(parentNewFile, geometry, 'p.nii.gz', allowed));
      applySlicePatch(cold, DIMS, patch);
      timed('cold: compress all slices (Z_RLE)', () => deflateLabelmap(geometry, cold));
      // Now, warm: the kept labelmap; compress the changed slice, check the patch, assemble.
      timed('now: label check (changed slices)', () => refuseUnknownLabels(patch.bytes, allowed, 'labelmap'));
      pieces = timed('warm: compress the changed slices', () => redeflateSlices(pieces, geometry, lm, patch.indices));
      const newBytes = timed('now: assemble the file (CRC-32 combined from the pieces)', () => gzipLabelmap(pieces));
      timed('now: store', () => storeAnnotationFile(path.join(dir, 'now'), newBytes));
      // A whole save's extra work for the next slice save to start warm: its copy for the cache.
      timed('whole save: copy the labelmap it keeps', () => lm.slice());
      parentFile = oldBytes;
      parentNewFile = newBytes;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    `\nServer stages of one slice save (in process, median of ${STAGE_ROUNDS} strokes, load average ${os.loadavg()[0].toFixed(1)}):\n`,
  );
  console.log('| stage | ms p50 |');
  console.log('| --- | ---: |');
  for (const [name, ms] of times) console.log(`| ${name} | ${percentile(ms, 50).toFixed(1)} |`);
}

const STAGE_ROUNDS = 5;

const VOXELS = DIMS[0] * DIMS[1] * DIMS[2];
const FOREGROUND = 0.3;
const ROUNDS = 3;
/** The request cap before issue 15 (httpServer.ts). */
const OLD_CAP = 1 << 20;

const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(2);

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
  writeCase(dir);
  const backend = await createTestBackend(dir, { version: '0.0.0-bench' });
  const token = 'data-plane-bench-token';
  const server = await serveBackend(backend, { token });
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
      `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(
          ' ',
        )}; labelmap ${DIMS.join('×')} Uint8 (${mib(VOXELS)} MiB raw); median of ${ROUNDS} save + read rounds, each read compared byte for byte\n`,
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
        `| ${name} | ${foreground} | after: raw bytes, binary frame | ${mib(frameBytes)} MiB | ${mib(readBytes)} MiB | ${percentile(saveMs, 50).toFixed(0)} | ${percentile(readMs, 50).toFixed(0)} |`,
      );
    }
  } finally {
    await server.close();
    backend.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  serverStages();
  await brushStroke();
  await labelmapRoundTrip();
}
