/**
 * Handlers of the label-table channels (src-shared/api/labelChannels.ts), spread into the one
 * handler table in api.ts: resolve the token and let the store apply the roles and the rules.
 *
 * Plain Node; no Electron.
 */
import type { QuorumApi } from '../../src-shared/api/contract';
import type { LabelChannel } from '../../src-shared/api/labelChannels';
import type { ProjectHost } from './project/projectHost';
import { guarded } from './projectGuard';

export function createLabelHandlers(host: ProjectHost): Pick<QuorumApi, LabelChannel> {
  return {
    'quorum:labels.get': ({ session }) => guarded(async () => (await host.current()).labels(await host.sessions.resolve(session))),
    'quorum:labels.set': ({ session, labels }) =>
      guarded(async () => (await host.current()).setLabels(await host.sessions.resolve(session), labels)),
  };
}
