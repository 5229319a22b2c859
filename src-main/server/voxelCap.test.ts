/**
 * The voxel byte limit over real HTTP (issue 15), on a 256×256×108 CT grid: no flat 1 MiB cap for
 * voxels, but a limit from the case's grid (binaryAdmission.ts), applied after the caller's access
 * is checked and before the voxels are read.
 */
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeFrame, FRAME_CONTENT_TYPE } from '../../src-shared/api/binaryFrame';
import type { Result } from '../../src-shared/api/contract';
import { quantiseProbabilities } from '../../src-shared/inference/quantise';
import { mulberry32 } from '../../src-shared/random/mulberry32';
import { signedInRaterOn } from '../services/demoDwiBackend.testSupport';
import { modelProvenance } from '../services/project/testSupport';
import { openRequest, useServedTestProject } from './testSupport';
import { axisAlignedGeometry } from '../../src-shared/volume/geometry';

const TOKEN = 'voxel-cap-token-0123456789';
const DIMS = [256, 256, 108] as const;
const VOXELS = DIMS[0] * DIMS[1] * DIMS[2];
/** The old flat cap on a request body (httpServer.ts before issue 15). */
const OLD_CAP = 1 << 20;

const geometry = axisAlignedGeometry(DIMS, [0.9, 0.9, 1.5]);
const served = useServedTestProject(
  'quorum-voxel-cap-',
  [{ name: 'CT', file: 'ct.nii.gz', volume: { geometry, data: new Int16Array(VOXELS) } }],
  {
    token: TOKEN,
  },
);
const call = served.call;
let admin: string;
/** An annotator assigned to no case. */
let outsider: string;
let caseId: string;

beforeAll(async () => {
  const { backend } = served;
  admin = (await signedInRaterOn(backend.dispatch, 'Ada Admin')).token;
  // A study's project: an admin assigns cases, so a new annotator sees none.
  await (await backend.projects.current()).setOpenEnrolment(false);
  outsider = (await signedInRaterOn(backend.dispatch, 'Olga Outsider')).token;
  [{ caseId }] = (await call('projectCase.list', { session: admin })) as Array<{ caseId: string }>;
});

/**
 * Sends the first `sent` bytes of `body` and never the rest: the answer must come from what the
 * server read so far (a refusal before the voxels), or the test times out.
 */
async function sendOnly(channel: string, body: Uint8Array, sent: number): Promise<{ status: number; result: Result<unknown> }> {
  const headers = { 'X-Quorum-Token': TOKEN, 'Content-Type': FRAME_CONTENT_TYPE };
  const { request, response } = openRequest(served.server.port, `/api/${channel}`, { method: 'POST', headers });
  request.write(body.subarray(0, sent));
  const res = await response;
  return { status: res.status, result: res.json<Result<unknown>>() };
}

/** Where a frame's voxels start (its head and JSON, padded to 8): all a server needs to refuse it. */
function headAndJsonBytes(frame: Uint8Array): number {
  const view = new DataView(frame.buffer, frame.byteOffset);
  return Math.ceil((12 + 4 * view.getUint32(8, true) + view.getUint32(4, true)) / 8) * 8;
}

describe('voxel byte limit from the case grid', () => {
  it('refuses an annotator without access to the case before reading the voxels', async () => {
    const frame = encodeFrame({ session: outsider, caseId, labelmap: new Uint8Array(VOXELS), status: 'draft' });
    const { status, result } = await sendOnly('annotation.save', frame, headAndJsonBytes(frame));
    expect(status).toBe(404);
    expect(!result.ok && result.error.message).toContain(`no case ${caseId} for this rater`);
  });

  it('refuses with 413 a labelmap one voxel over the grid, and a body claiming 10^9 bytes, without buffering them', async () => {
    const over = encodeFrame({ session: admin, caseId, labelmap: new Uint8Array(VOXELS + 1), status: 'draft' });
    const first = await sendOnly('annotation.save', over, headAndJsonBytes(over));
    expect(first.status).toBe(413);
    expect(!first.result.ok && first.result.error.message).toContain(`allows ${VOXELS}`);
    const claim = encodeFrame({ session: admin, caseId, labelmap: new Uint8Array(8), status: 'draft' });
    new DataView(claim.buffer).setUint32(12, 1_000_000_000, true);
    const second = await sendOnly('annotation.save', claim, headAndJsonBytes(claim));
    expect(second.status).toBe(413);
  });

  it('saves a 256×256×108 two-class model result that the 1 MiB cap refused, and reads back what was sent', async () => {
    // Two classes in two blobs; background probabilities are noise below the threshold, as a real
    // model's are: they do not compress, which is what broke the old gzip+base64 request.
    const random = mulberry32(15);
    const mask = new Uint8Array(VOXELS);
    const p = [new Float32Array(VOXELS), new Float32Array(VOXELS)];
    for (let v = 0; v < VOXELS; v++) {
      p[0][v] = random() * 0.3;
      p[1][v] = random() * 0.3;
    }
    const blob = (label: 1 | 2, start: number): void => {
      for (let v = start; v < start + 50_000; v++) {
        mask[v] = label;
        p[label - 1][v] = 0.9;
      }
    };
    blob(1, 1_000_000);
    blob(2, 4_000_000);
    const oldBody = gzipSync(mask).toString('base64').length + gzipSync(quantiseProbabilities(p)).toString('base64').length;
    expect(oldBody, 'the old request was over its cap').toBeGreaterThan(OLD_CAP);

    const probabilities = new Float32Array(2 * VOXELS);
    probabilities.set(p[0]);
    probabilities.set(p[1], VOXELS);
    const saved = (await call('inference.saveResult', {
      session: admin,
      caseId,
      mask,
      probabilities: new Uint8Array(probabilities.buffer),
      probabilityVolumes: 2,
      provenance: modelProvenance(0.5),
    })) as { version: { versionId: string } };
    const read = (await call('annotation.read', { session: admin, versionId: saved.version.versionId })) as { labelmap: Uint8Array };
    expect(Buffer.from(read.labelmap).equals(Buffer.from(mask))).toBe(true);
  }, 180_000);
});
