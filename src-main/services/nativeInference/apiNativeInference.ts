/**
 * The native inference channels (src-shared/api/nativeInferenceChannels.ts). Who may call them is
 * decided before any work by the dispatcher (channelAccess.ts: everyone who may open a case and
 * list models, as for a run in the browser); a start then needs the caller's case still in the
 * server's cache and a model that passes loadModelFolder's checks (hashes, graphs) once more on
 * disk, and refuses a model the case cannot feed before a worker starts.
 *
 * Plain Node; no Electron.
 */
import type { CaseDescriptor, QuorumApi } from '../../../src-shared/api/contract';
import { offeredChannels, whyModelRefusesCase } from '../../../src-shared/inference/caseFit';
import { caseChannelSources } from '../../../src-shared/inference/caseSources';
import type { Direction, Volume } from '../../../src-shared/volume/types';
import { fail } from '../apiResult';
import type { ModelsService } from '../models';
import type { NativeInference } from './nativeInference';

type NativeChannels = Pick<QuorumApi, 'quorum:inference.nativeStart' | 'quorum:inference.nativeStatus' | 'quorum:inference.nativeCancel'>;

interface NativeInferenceDeps {
  /** The jobs, or why this server does not run models natively (the caller runs WASM). */
  readonly native: NativeInference | { readonly unavailable: string };
  readonly models: Pick<ModelsService, 'load'>;
  /** An opened case of the server's cache, by its case.open id. */
  readonly openedCase: (caseId: string) => { descriptor: CaseDescriptor; volumes: ReadonlyMap<string, Volume> } | undefined;
}

export function createNativeInferenceHandlers(deps: NativeInferenceDeps): NativeChannels {
  const { native } = deps;
  if ('unavailable' in native) {
    const refuse = async () => fail<never>('bad-request', `Native CPU inference is not available here: ${native.unavailable}`);
    return { 'quorum:inference.nativeStart': refuse, 'quorum:inference.nativeStatus': refuse, 'quorum:inference.nativeCancel': refuse };
  }
  return {
    'quorum:inference.nativeStart': async ({ session, caseId, modelKey, ttaFlipAxes }) => {
      const opened = deps.openedCase(caseId);
      if (!opened)
        return fail('not-found', `Case ${caseId} is not open on the server (it keeps the last few opened cases); open it again.`);
      const { descriptor, volumes } = opened;
      const model = await deps.models.load(modelKey);
      if (!model.ok) return model;
      const m = model.value.manifest;
      const refused = whyModelRefusesCase({ name: m.name, channels: m.channels }, offeredChannels(descriptor));
      if (refused) return fail('bad-request', refused);
      const inputs = descriptor.volumes.flatMap((v) => {
        const volume = volumes.get(v.volumeId);
        return volume ? [{ bValue: v.bValue, ...(v.sequence ? { sequence: v.sequence } : {}), data: volume.data }] : [];
      });
      let sources;
      try {
        sources = caseChannelSources(descriptor.modality, inputs);
      } catch (e) {
        return fail('bad-request', e instanceof Error ? e.message : String(e));
      }
      const first = descriptor.volumes[0];
      return native.start(session, {
        model: model.value,
        dims: first.dims,
        spacingMm: first.spacingMm,
        direction: first.direction as unknown as Direction,
        sources,
        ...(ttaFlipAxes ? { ttaFlipAxes } : {}),
      });
    },
    'quorum:inference.nativeStatus': async ({ session, jobId }) => native.status(session, jobId),
    'quorum:inference.nativeCancel': async ({ session, jobId }) => native.cancel(session, jobId),
  };
}
