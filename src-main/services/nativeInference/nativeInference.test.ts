/**
 * Native CPU inference (issue 16) through the real browser-mode server over HTTP: a signed-in
 * annotator opens the demo DWI, starts the demo ensemble on onnxruntime-node, polls its progress and
 * fetches the result arrays from their URLs. The probability map must equal the WASM path's (the
 * same pipeline on onnxruntime-web, run here on the file read here) within 1e-4. Cancel stops a run
 * between patches; a job is its starter's alone; a worker that fails says why.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ortWeb from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NativeJobStatus } from '../../../src-shared/api/nativeInferenceChannels';
import { TOKEN_HEADER } from '../../../src-shared/api/transport';
import { dwiChannelSources, loadModelFolder, ortRunner, runSegmentation } from '../../../src-shared/inference';
import { parseBval, readNifti, splitByBValue } from '../../../src-shared/nifti';
import { isLoopbackAddress, type BrowserServer } from '../../server/httpServer';
import { rawRequest, serveBackend } from '../../server/testSupport';
import { repoRoot, useDemoDwiBackend } from '../demoDwiBackend.testSupport';
import { createNativeInference } from './nativeInference';

const demo = useDemoDwiBackend('quorum-native-', { withModels: true });
const TOKEN = 'native-inference-test-token';
const modelDir = path.join(repoRoot, 'models', 'demo-dwi-lesion');
const dwiFile = path.join(repoRoot, 'demo', 'dwi', 'dwi.nii.gz');
let server: BrowserServer;

beforeAll(async () => {
  server = await serveBackend(demo.backend, {
    token: TOKEN,
  });
});
afterAll(async () => {
  await server.close();
});

async function call<T>(
  channel: string,
  request: unknown,
): Promise<{ ok: true; value: T } | { ok: false; error: { code: string; message: string } }> {
  const res = await rawRequest(server.port, `/api/${channel}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', [TOKEN_HEADER]: TOKEN, Host: `127.0.0.1:${server.port}` },
    body: JSON.stringify(request),
  });
  return res.json();
}

async function must<T>(channel: string, request: unknown): Promise<T> {
  const r = await call<T>(channel, request);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`);
  return r.value;
}

async function getBytes(url: string): Promise<Buffer> {
  const res = await rawRequest(server.port, `/${url}`, { headers: { [TOKEN_HEADER]: TOKEN, Host: `127.0.0.1:${server.port}` } });
  expect(res.status).toBe(200);
  return res.body;
}

/** Polls until the job leaves 'running', collecting every progress seen. */
async function waitForEnd(session: string, jobId: string, seen: number[] = []): Promise<NativeJobStatus> {
  for (;;) {
    const s = await must<NativeJobStatus>('inference.nativeStatus', { session, jobId });
    if (s.state !== 'running') return s;
    if (s.progress) seen.push(s.progress.runsDone);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function openDwi(session: string): Promise<string> {
  const opened = await must<{ caseId: string }>('case.open', { session, path: dwiFile });
  return opened.caseId;
}

/** The WASM path: the same pipeline on onnxruntime-web (1 thread), on the file as read here. */
async function wasmReference(): Promise<Float32Array> {
  const model = await loadModelFolder(async (name) => new Uint8Array(readFileSync(path.join(modelDir, name))));
  ortWeb.env.wasm.numThreads = 1;
  const runners = [];
  for (const m of model.members) {
    const s = await ortWeb.InferenceSession.create(m.bytes, { executionProviders: ['wasm'] });
    runners.push(ortRunner(s, (d, dims) => new ortWeb.Tensor('float32', d, dims), m.inputName, m.outputName));
  }
  const image = readNifti(new Uint8Array(readFileSync(dwiFile)), { fileName: 'dwi.nii.gz' });
  const vols = splitByBValue(image, parseBval(readFileSync(dwiFile.replace('.nii.gz', '.bval'), 'utf8')), []);
  const r = await runSegmentation({
    manifest: model.manifest,
    runners,
    dims: image.geometry.dims,
    spacingMm: image.geometry.spacingMm,
    sources: dwiChannelSources(vols.map((v) => ({ bValue: v.bValue, data: v.volume.data }))),
  });
  return r.probabilities[0];
}

describe('native CPU inference over HTTP', () => {
  it('runs the demo ensemble with progress and stage times; its probability map equals the WASM path within 1e-4', async () => {
    // First: it keeps this process busy for a minute, and the server's idle sockets would not wait.
    const wasm = await wasmReference();
    const { token } = await demo.signedInRater('Native Annotator');
    const caseId = await openDwi(token);
    const started = await must<{ jobId: string; threads: number }>('inference.nativeStart', {
      session: token,
      caseId,
      modelKey: 'bundled/demo-dwi-lesion',
    });
    expect(started.threads).toBeGreaterThanOrEqual(1);
    const seen: number[] = [];
    const done = await waitForEnd(token, started.jobId, seen);
    if (done.state !== 'done') throw new Error(`the job ended ${JSON.stringify(done)}`);
    // 12 windows × 2 TTA variants × 3 members, as the manifest and the grid say.
    expect(done.grid.runs).toBe(72);
    expect(seen.length).toBeGreaterThan(0);
    expect(Math.max(...seen)).toBeLessThanOrEqual(72);
    expect(done.provenance.executionProvider).toBe('cpu-native');
    expect(done.timings.totalMs).toBeGreaterThan(done.timings.slidingWindowMs);
    expect(done.sessionRunMs).toBeGreaterThan(0);
    expect(done.sessionRunMs).toBeLessThanOrEqual(done.timings.modelRunMs);

    const bytes = await getBytes(done.arrays.probabilities[0]);
    const native = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const mask = await getBytes(done.arrays.mask);
    expect(mask.length).toBe(native.length);
    expect(done.arrays.mutualInformation).not.toBeNull();
    await must('inference.nativeCancel', { session: token, jobId: started.jobId });
    expect(native.length).toBe(wasm.length);
    let maxDiff = 0;
    for (let v = 0; v < wasm.length; v++) maxDiff = Math.max(maxDiff, Math.abs(native[v] - wasm[v]));
    expect(maxDiff).toBeLessThan(1e-4);

    // Cancel on a finished job has freed its arrays.
    const gone = await rawRequest(server.port, `/${done.arrays.mask}`, {
      headers: { [TOKEN_HEADER]: TOKEN, Host: `127.0.0.1:${server.port}` },
    });
    expect(gone.status).toBe(404);
  }, 600_000);

  it('cancel stops a run between patches', async () => {
    const { token } = await demo.signedInRater('Native Canceller');
    const caseId = await openDwi(token);
    const { jobId } = await must<{ jobId: string }>('inference.nativeStart', {
      session: token,
      caseId,
      modelKey: 'bundled/demo-dwi-lesion',
    });
    for (;;) {
      const s = await must<NativeJobStatus>('inference.nativeStatus', { session: token, jobId });
      if (s.state !== 'running') throw new Error(`ended before it could be cancelled: ${s.state}`);
      if (s.progress && s.progress.runsDone >= 1) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await must('inference.nativeCancel', { session: token, jobId });
    expect((await waitForEnd(token, jobId)).state).toBe('cancelled');
  }, 300_000);

  it("a job is its starter's alone, and the channels need a session", async () => {
    const { token } = await demo.signedInRater('Native Owner');
    const other = await demo.signedInRater('Native Other');
    const caseId = await openDwi(token);
    const { jobId } = await must<{ jobId: string }>('inference.nativeStart', {
      session: token,
      caseId,
      modelKey: 'bundled/demo-dwi-lesion',
    });
    const foreign = await call('inference.nativeStatus', { session: other.token, jobId });
    expect(foreign).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await call('inference.nativeCancel', { session: other.token, jobId })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
    expect(await call('inference.nativeStart', { session: 'nobody', caseId, modelKey: 'bundled/demo-dwi-lesion' })).toMatchObject({
      ok: false,
      error: { code: 'unauthorized' },
    });
    // A case id the server never handed out, and a model that is not listed.
    expect(
      await call('inference.nativeStart', { session: token, caseId: 'f'.repeat(32), modelKey: 'bundled/demo-dwi-lesion' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
    expect(await call('inference.nativeStart', { session: token, caseId, modelKey: 'bundled/../x' })).toMatchObject({ ok: false });
    await must('inference.nativeCancel', { session: token, jobId });
  }, 300_000);
});

describe('who gets native inference in browser mode', () => {
  it('a client on this computer (loopback) only; the server listens on 127.0.0.1 anyway', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) expect(isLoopbackAddress(a), a).toBe(true);
    for (const a of ['192.168.1.20', '::ffff:10.0.0.1', 'fe80::1', '128.0.0.1', undefined])
      expect(isLoopbackAddress(a), String(a)).toBe(false);
  });
});

describe('a native worker that fails', () => {
  it('ends its job as failed with the reason (the page then runs WASM)', async () => {
    const tmp = mkdtempSync(path.join(tmpdir(), 'quorum-native-broken-'));
    const entry = path.join(tmp, 'broken.ts');
    writeFileSync(entry, "throw new Error('onnxruntime-node could not be loaded (no add-on for this platform)');\n");
    const native = createNativeInference({ worker: { kind: 'typescript', path: entry }, threads: 1 });
    try {
      const model = await loadModelFolder(async (name) => new Uint8Array(readFileSync(path.join(modelDir, name))));
      const started = native.start('owner', {
        model,
        dims: [2, 2, 2],
        spacingMm: [1, 1, 1],
        direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
        sources: { images: {} },
      });
      if (!started.ok) throw new Error(started.error.message);
      let status = native.status('owner', started.value.jobId);
      while (status.ok && status.value.state === 'running') {
        await new Promise((r) => setTimeout(r, 20));
        status = native.status('owner', started.value.jobId);
      }
      expect(status.ok && status.value).toMatchObject({ state: 'failed', message: expect.stringContaining('no add-on for this platform') });
    } finally {
      await native.close();
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
