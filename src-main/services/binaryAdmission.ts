/**
 * How many bytes of voxels a request may carry (issue 15). Voxels travel as raw bytes in a binary
 * frame (src-shared/api/binaryFrame.ts), with no flat cap: the limit is the case's grid, voxel count
 * × bytes per voxel of what the channel carries. The HTTP server asks before it reads a frame's
 * binary part, with only the frame's JSON in hand, so a caller without access to the case (or
 * claiming more bytes than its grid can hold) is refused without its body ever being buffered.
 *
 * A channel missing from the table takes no binary fields: its limit is 0.
 *
 * Plain Node; no Electron.
 */
import type { Channel, Result } from '../../src-shared/api/contract';
import type { Session } from '../../src-shared/project/types';
import { admittedSession, isChannel, type SessionOf } from './apiDispatch';
import { fail, ok } from './apiResult';

/** Bytes per voxel of all the binary fields of one request together; null when the JSON that says so is malformed. */
type BytesPerVoxel = (request: Readonly<Record<string, unknown>>) => number | null;

const UINT8 = 1;
const FLOAT32 = 4;

/** The channels whose requests carry voxels of their `caseId`'s grid. */
const BINARY_REQUESTS: Partial<Record<Channel, BytesPerVoxel>> = {
  // The Uint8 labelmap.
  'quorum:annotation.save': () => UINT8,
  // The Uint8 mask and the Float32 probabilities of 1 or 2 volumes (inferenceChannels.ts).
  'quorum:inference.saveResult': ({ probabilityVolumes: n }) =>
    typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 2 ? UINT8 + FLOAT32 * n : null,
};

/** The voxel count of a case's grid, as `session` may see it (not-found for an annotator not assigned to it). */
export type CaseVoxels = (session: Session, caseId: string) => Promise<Result<number>>;

/** The byte limit of a request's binary part, or why the request is refused before its body is read. */
export type BinaryAdmission = (channel: string, rawRequest: unknown) => Promise<Result<number>>;

export function createBinaryAdmission(sessionOf: SessionOf, caseVoxels: CaseVoxels): BinaryAdmission {
  return async (channel, rawRequest) => {
    if (!isChannel(channel)) return fail('bad-request', `Unknown API channel "${channel}".`);
    const admitted = await admittedSession(channel, rawRequest, sessionOf);
    if (!admitted.ok) return admitted;
    const bytesPerVoxel = BINARY_REQUESTS[channel];
    if (bytesPerVoxel === undefined) return ok(0);
    const request = typeof rawRequest === 'object' && rawRequest !== null ? (rawRequest as Record<string, unknown>) : {};
    const perVoxel = bytesPerVoxel(request);
    const { caseId } = request;
    if (perVoxel === null || typeof caseId !== 'string' || caseId.length === 0 || admitted.value === null) {
      return fail('bad-request', `Malformed ${channel} request: its JSON does not say which case and how many voxel bytes.`);
    }
    const voxels = await caseVoxels(admitted.value, caseId);
    return voxels.ok ? ok(voxels.value * perVoxel) : voxels;
  };
}
