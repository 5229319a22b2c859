/**
 * Small hostile files against the real browser-mode server (issue 18, findings 11, 12 and 14): the
 * CLI runs as a child process on a project folder holding them, with its heap capped so that a
 * regression crashes it in seconds instead of eating the machine's memory. Every file is made here
 * from a few bytes of header and a highly compressible body; nothing big is committed.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { constants as zlibConstants, crc32, deflateRawSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseDescriptor, Result } from '../../src-shared/api/contract';
import { handmadeHeader } from '../../src-shared/testdata/handmadeNifti';
import { DEFLATED_LE, dicomFile, sliceFile } from '../../src-shared/testdata/makeDicom';
import { rawRequest, spawnCli, type SpawnedCli } from './testSupport';
import { signInWithTestSecret, testSecretOf } from '../services/project/signIn.testSupport';

const LINE = /^Quorum browser mode: http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]{43})$/;
/** Far below what the regressions need (the 5-D file alone took several GiB), far above a healthy server. */
const HEAP_MB = 384;

let tmp: string;
let project: string;

/** A uint8 NIfTI-1 with the given dims, its voxels all zero (so the .nii.gz is tiny), gzipped. */
function zeroNiftiGz(dim: number[]): Buffer {
  return gzipSync(zeroNifti(dim));
}

function zeroNifti(dim: number[]): Buffer {
  const header = handmadeHeader({
    dim,
    datatype: 2,
    bitpix: 8,
    pixdim: dim.map(() => 1),
    sformCode: 1,
    srow: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0],
  });
  const voxels = dim.slice(1, dim[0] + 1).reduce((a, b) => a * b, 1);
  return Buffer.concat([header, Buffer.alloc(voxels)]);
}

const MiB = 2 ** 20;
const SYNC = { finishFlush: zlibConstants.Z_SYNC_FLUSH };

/**
 * Raw deflate of `prefix` then `zeroMiB` MiB of zeros, without ever holding the zeros inflated:
 * each piece is flushed to a byte boundary, so one deflated MiB of zeros can be repeated.
 */
function deflatedWithZeroTail(prefix: Uint8Array, zeroMiB: number): Buffer {
  const zeroBlock = deflateRawSync(Buffer.alloc(MiB), SYNC);
  return Buffer.concat([deflateRawSync(prefix, SYNC), ...Array<Buffer>(zeroMiB).fill(zeroBlock), deflateRawSync(Buffer.alloc(0))]);
}

/** The same as a valid gzip file (header, CRC-32 and size of everything it inflates to). */
function gzipWithZeroTail(prefix: Uint8Array, zeroMiB: number): Buffer {
  const zeros = Buffer.alloc(MiB);
  let crc = crc32(prefix);
  for (let i = 0; i < zeroMiB; i++) crc = crc32(zeros, crc);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE((prefix.length + zeroMiB * MiB) % 2 ** 32, 4);
  return Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]), deflatedWithZeroTail(prefix, zeroMiB), trailer]);
}

/** A deflated DICOM slice of rows × columns int16 zeros, written without holding its pixels. */
function deflatedDicomBomb(rows: number, columns: number): Buffer {
  // The pixel element is written empty (it sorts last) and its length then set to the real size.
  const empty = sliceFile({ seriesUid: '1.2.3', instance: 1, rows, columns, pixels: new Int16Array(0), transferSyntax: DEFLATED_LE });
  const pixelBytes = rows * columns * 2;
  new DataView(empty.buffer, empty.byteOffset, empty.byteLength).setUint32(empty.length - 4, pixelBytes, true);
  const metaEnd = dicomFile([], DEFLATED_LE).length;
  return Buffer.concat([empty.subarray(0, metaEnd), deflatedWithZeroTail(empty.subarray(metaEnd), pixelBytes / MiB)]);
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'quorum-hostile-'));
  project = path.join(tmp, 'project');
  await mkdir(project);
  await writeFile(path.join(project, 'good.nii.gz'), zeroNiftiGz([3, 8, 8, 4]));
  // 1×1×1×1000×20000: 2×10⁷ one-voxel volumes in about 20 KB.
  await writeFile(path.join(project, 'many-volumes.nii.gz'), zeroNiftiGz([5, 1, 1, 1, 1000, 20_000]));
});

afterAll(() => rm(tmp, { recursive: true, force: true }));

interface Running {
  cli: SpawnedCli;
  post<T>(channel: string, body: unknown): Promise<{ status: number; result: Result<T> }>;
  /** The status of a HEAD request to a relative URL such as a volume's. */
  head(url: string): Promise<number>;
  stop(): Promise<void>;
}

/** Signs a person in over HTTP (created with their test secret on first use): opening cases needs a session. */
async function signIn(server: Running, name = 'Hana Hostile'): Promise<string> {
  const call = async (channel: string, request: unknown): Promise<unknown> => {
    const { result } = await server.post(channel, request);
    if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
    return result.value;
  };
  const people = (await call('rater.identities', {})) as Array<{ name: string }>;
  if (!people.some((p) => p.name === name)) await call('rater.create', { name, secret: testSecretOf(name) });
  return (await signInWithTestSecret(call, name)).token;
}

async function startServer(extraArgs: string[] = []): Promise<Running> {
  const cli = spawnCli(['--port', '0', '--project', project, '--renderer', tmp, '--data-dir', path.join(tmp, 'data'), ...extraArgs], {
    NODE_OPTIONS: `--max-old-space-size=${HEAP_MB}`,
  });
  const match = LINE.exec((await cli.stdout).trim());
  if (!match) throw new Error(`the server did not start: ${await cli.stdout}`);
  const [port, token] = [Number(match[1]), match[2]];
  return {
    cli,
    async post<T>(channel: string, body: unknown) {
      const res = await rawRequest(port, `/api/${channel}`, {
        method: 'POST',
        headers: { 'X-Quorum-Token': token, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, result: res.json<Result<T>>() };
    },
    async head(url: string) {
      return (await rawRequest(port, `/${url}`, { method: 'HEAD', headers: { 'X-Quorum-Token': token } })).status;
    },
    async stop() {
      cli.child.kill('SIGTERM');
      await cli.exit;
    },
  };
}

describe('a NIfTI header claiming 2×10⁷ volumes (finding 11)', () => {
  it('does not stop the project from opening, at this start or the next', async () => {
    for (let start = 0; start < 2; start++) {
      const server = await startServer();
      try {
        // The first project request opens the app's project and registers the folder's cases.
        const identities = await server.post('rater.identities', {});
        expect(identities.result.ok, server.cli.stderr()).toBe(true);
        const listed = await server.post<{ cases: { name: string; description: string }[] }>('project.listCases', {});
        expect(listed.result.ok && listed.result.value.cases.map((c) => c.name).sort()).toEqual(['good.nii.gz', 'many-volumes.nii.gz']);
        const good = await server.post('case.open', { session: await signIn(server), path: path.join(project, 'good.nii.gz') });
        expect(good.result.ok).toBe(true);
      } finally {
        await server.stop();
      }
    }
  });

  it('is refused as too large, saying why, and the server stays up', async () => {
    const server = await startServer();
    try {
      const opened = await server.post('case.open', { session: await signIn(server), path: path.join(project, 'many-volumes.nii.gz') });
      expect(opened.status).toBe(413);
      expect(!opened.result.ok && opened.result.error.code).toBe('too-large');
      const message = !opened.result.ok ? opened.result.error.message : '';
      expect(message).toMatch(/claims 1×1×1×1000×20000: 20000000 volumes .* at most 4096 volumes/);
      expect(message).not.toMatch(/call stack/i);
      expect((await server.post('app.info', {})).result.ok).toBe(true);
    } finally {
      await server.stop();
    }
  });
});

describe('gzip and deflate bombs, a memory budget and a case cache by bytes (findings 12 and 14)', () => {
  /** Small enough that the files below cross it with a few MB of gzip, large enough for a real case. */
  const BUDGET_MB = 48;
  let server: Running;
  let session: string;
  let outside: string;

  beforeAll(async () => {
    outside = path.join(tmp, 'outside');
    await mkdir(outside);
    // 8×8×8 promised, 256 MiB in the stream.
    await writeFile(path.join(outside, 'longer.nii.gz'), gzipWithZeroTail(zeroNifti([3, 8, 8, 8]), 256));
    // 512×512×256 uint8 = 64 MiB, over the budget.
    await writeFile(path.join(outside, 'over-budget.nii.gz'), zeroNiftiGz([3, 512, 512, 256]));
    // Two cases of 30 MiB: both fit the budget, not together.
    await writeFile(path.join(outside, 'first.nii.gz'), zeroNiftiGz([3, 512, 512, 120]));
    await writeFile(path.join(outside, 'second.nii.gz'), zeroNiftiGz([3, 512, 512, 120]));
    await mkdir(path.join(outside, 'dicom-bomb'));
    // 8192×4096 int16: a 64 MiB data set in about 70 KB.
    await writeFile(path.join(outside, 'dicom-bomb', 'bomb.dcm'), deflatedDicomBomb(8192, 4096));
    await mkdir(path.join(outside, 'dicom-cut'));
    const whole = sliceFile({ seriesUid: '1.2.3', instance: 1, rows: 4, columns: 4, pixels: new Int16Array(16) });
    await writeFile(path.join(outside, 'dicom-cut', 'cut.dcm'), whole.subarray(0, 300));
    execFileSync('mkfifo', [path.join(outside, 'pipe.nii.gz')]);
    server = await startServer(['--memory-budget-mb', String(BUDGET_MB)]);
    session = await signIn(server);
  });

  afterAll(() => server?.stop());

  const open = (file: string) => server.post<CaseDescriptor>('case.open', { session, path: path.join(outside, file) });

  it('stops inflating a gzip stream past what the header promises, and says so', async () => {
    const opened = await open('longer.nii.gz');
    expect(opened.result.ok, JSON.stringify(opened.result)).toBe(true);
    const notes = opened.result.ok ? opened.result.value.notes : [];
    expect(notes.join(' ')).toMatch(/holds more than the \d+ bytes the header promises; the rest was left unread/);
  });

  it('refuses a case whose header needs more than the memory budget, before inflating it', async () => {
    const opened = await open('over-budget.nii.gz');
    expect(opened.status).toBe(413);
    expect(!opened.result.ok && opened.result.error.message).toMatch(
      new RegExp(`over-budget\\.nii\\.gz needs 0\\.06 GiB in memory, more than this server's budget of 0\\.05 GiB`),
    );
  });

  it('keeps two cases that do not fit the budget together serving, one at a time in the cache', async () => {
    const first = await open('first.nii.gz');
    if (!first.result.ok) throw new Error(first.result.error.message);
    expect(await server.head(first.result.value.volumes[0].url)).toBe(200);
    const second = await open('second.nii.gz');
    if (!second.result.ok) throw new Error(second.result.error.message);
    expect(await server.head(second.result.value.volumes[0].url)).toBe(200);
    // The first left the cache for the second (the cache's weight rule: smallServices.test.ts); its URL,
    // granted to this session in the database, loads it again, within the same budget, instead of failing.
    expect(await server.head(first.result.value.volumes[0].url)).toBe(200);
    expect(await server.head(second.result.value.volumes[0].url)).toBe(200);
  });

  it('stops inflating a deflated DICOM data set at the budget', async () => {
    const opened = await open('dicom-bomb/bomb.dcm');
    expect(opened.status).toBe(413);
    expect(!opened.result.ok && opened.result.error.message).toMatch(/bomb\.dcm: its deflated data set inflates to more than 48 MiB/);
  });

  it('refuses a named pipe posing as a .nii.gz at once, instead of waiting for a writer forever', async () => {
    const opened = await open('pipe.nii.gz');
    expect(!opened.result.ok && opened.result.error.code).toBe('unsupported-file');
    expect(!opened.result.ok && opened.result.error.message).toMatch(/pipe\.nii\.gz is a named pipe; Quorum reads only regular files/);
  });

  it('reports a damaged DICOM file with the parser\'s reason, not "[object Object]"', async () => {
    const opened = await open('dicom-cut/cut.dcm');
    expect(!opened.result.ok && opened.result.error.code).toBe('corrupt-file');
    const message = !opened.result.ok ? opened.result.error.message : '';
    expect(message).toMatch(/cut\.dcm is a damaged DICOM file: \S/);
    expect(message).not.toMatch(/object Object/);
    expect((await server.post('app.info', {})).result.ok).toBe(true);
  });
});
