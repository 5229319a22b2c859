/**
 * Handlers of the model-result channels (src-shared/api/inferenceChannels.ts), spread into the one
 * handler table in api.ts. Like apiProject.ts: resolve the token, call the ProjectStore (which
 * re-resolves the session and blinds), map ProjectErrors. Payloads arrive raw, sized by the case's
 * grid (labelmapPayload.ts); the Float32 probabilities are quantised here, once, into the stored form
 * (src-shared/inference/quantise.ts).
 *
 * Plain Node; no Electron.
 */
import type { QuorumApi } from '../../src-shared/api/contract';
import { quantiseProbabilities } from '../../src-shared/inference/quantise';
import { guarded } from './projectGuard';
import { checkedLabelmap, float32Volumes } from './project/labelmapPayload';
import type { ProjectHost } from './project/projectHost';

export type InferenceResultHandlers = Pick<QuorumApi, 'quorum:inference.saveResult' | 'quorum:inference.readResult'>;

export function createInferenceResultHandlers(host: ProjectHost): InferenceResultHandlers {
  return {
    'quorum:inference.saveResult': ({ session, caseId, mask: sentMask, probabilities, probabilityVolumes, provenance }) =>
      guarded(async () => {
        const store = await host.current();
        const s = await host.sessions.resolve(session);
        const [x, y, z] = (await store.getCase(s, caseId)).series[0].geometry.dims;
        const n = x * y * z;
        const mask = checkedLabelmap(sentMask, n);
        const probability = quantiseProbabilities(float32Volumes(probabilities, n, probabilityVolumes));
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
          probabilityNifti: r.probabilityBytes,
        };
      }),
  };
}
