/**
 * Small hostile files against the real browser-mode server (issue 18, findings 11, 12 and 14): the
 * CLI runs as a child process on a project folder holding them, with its heap capped so that a
 * regression crashes it in seconds instead of eating the machine's memory. Every file is made here
 * from a few bytes of header and a highly compressible body; nothing big is committed.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../src-shared/api/contract';
import { handmadeHeader } from '../../src-shared/testdata/handmadeNifti';
import { rawRequest, spawnCli, type SpawnedCli } from './testSupport';

const LINE = /^Quorum browser mode: http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]{43})$/;
/** Far below what the regressions need (the 5-D file alone took several GiB), far above a healthy server. */
const HEAP_MB = 384;

let tmp: string;
let project: string;

/** A uint8 NIfTI-1 with the given dims, its voxels all zero (so the .nii.gz is tiny), gzipped. */
function zeroNiftiGz(dim: number[]): Buffer {
  const header = handmadeHeader({
    dim,
    datatype: 2,
    bitpix: 8,
    pixdim: dim.map(() => 1),
    sformCode: 1,
    srow: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0],
  });
  const voxels = dim.slice(1, dim[0] + 1).reduce((a, b) => a * b, 1);
  return gzipSync(Buffer.concat([header, Buffer.alloc(voxels)]));
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
  stop(): Promise<void>;
}

async function startServer(): Promise<Running> {
  const cli = spawnCli(['--port', '0', '--project', project, '--renderer', tmp, '--data-dir', path.join(tmp, 'data')], {
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
        const good = await server.post('case.open', { path: path.join(project, 'good.nii.gz') });
        expect(good.result.ok).toBe(true);
      } finally {
        await server.stop();
      }
    }
  });

  it('is refused as too large, saying why, and the server stays up', async () => {
    const server = await startServer();
    try {
      const opened = await server.post('case.open', { path: path.join(project, 'many-volumes.nii.gz') });
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
