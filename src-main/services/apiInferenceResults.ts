/**
 * Handlers of the model-result channels (src-shared/api/inferenceChannels.ts), spread into the one
 * handler table in api.ts. Like apiProject.ts: resolve the token, call the ProjectStore (which
 * re-resolves the session and blinds), map ProjectErrors. The mask is inflated with a cap of the
 * case's voxel count, so a hostile payload cannot make main allocate more; the Float32
 * probabilities must be exactly the case's voxels × volumes, and are quantised here, once, for the
 * store (src-shared/inference/quantise.ts).
 *
 * Plain Node; no Electron.
 */
import type { QuorumApi } from '../../src-shared/api/contract';
import { base64ToBytes, bytesToBase64 } from '../../src-shared/encoding/base64';
import { quantiseProbabilities } from '../../src-shared/inference/quantise';
import { guarded } from './projectGuard';
import { fail } from './project/errors';
import { inflateLabelmapPayload } from './project/labelmapPayload';
import type { ProjectHost } from './project/projectHost';

export type InferenceResultHandlers = Pick<QuorumApi, 'quorum:inference.saveResult' | 'quorum:inference.readResult'>;

/** `volumes` Float32 maps of `n` voxels each from their little-endian bytes, label-major. */
function float32Maps(bytes: Uint8Array, n: number, volumes: number): Float32Array[] {
  if (bytes.byteLength !== n * volumes * 4)
    fail(
      'bad-geometry',
      `the probabilities have ${bytes.byteLength} bytes but ${volumes} Float32 map(s) of the case grid have ${n * volumes * 4}`,
    );
  // A view where the bytes are 4-aligned (a decoded frame's are), else one copy.
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const all = new Float32Array(aligned.buffer, aligned.byteOffset, n * volumes);
  return Array.from({ length: volumes }, (_, c) => all.subarray(c * n, (c + 1) * n));
}

export function createInferenceResultHandlers(host: ProjectHost): InferenceResultHandlers {
  return {
    'quorum:inference.saveResult': ({ session, caseId, maskGzBase64, probabilities, probabilityVolumes, provenance }) =>
      guarded(async () => {
        const store = await host.current();
        const s = await host.sessions.resolve(session);
        const [x, y, z] = (await store.getCase(s, caseId)).series[0].geometry.dims;
        const n = x * y * z;
        const mask = inflateLabelmapPayload(base64ToBytes(maskGzBase64), n);
        const probability = quantiseProbabilities(float32Maps(probabilities, n, probabilityVolumes));
        const saved = await store.saveModelResult(s, { caseId, mask, probability, probabilityVolumes, provenance });
        return { version: saved.version, rater: saved.rater, threshold: saved.threshold, probabilityHash: saved.probabilityHash };
      }),
    'quorum:inference.readResult': ({ session, versionId }) =>
      guarded(async () => {
        const store = await host.current();
        const r = await store.readModelResult(await host.sessions.resolve(session), versionId);
        return {
          version: r.version,
          rater: r.rater,
          provenance: r.provenance,
          threshold: r.threshold,
          probabilityFileName: r.probabilityFileName,
          probabilityNiftiBase64: bytesToBase64(r.probabilityBytes),
        };
      }),
  };
}
