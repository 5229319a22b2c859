/**
 * The ADC Web Worker: fits the ADC map (src-shared/dwi/adc.ts) off the UI thread, one request per
 * worker (the viewer starts one when the ADC is first shown and ends it after). The DWI volumes
 * arrive as copies and the map is transferred back, so nothing is shared.
 */
import { computeAdc, type AdcInputVolume } from '../../src-shared/dwi/adc';

export interface AdcRequest {
  readonly id: string;
  readonly volumes: readonly AdcInputVolume[];
}
type AdcReply = { readonly id: string; readonly adc: Float32Array } | { readonly id: string; readonly error: string };
/** The worker's one task (src-renderer/workers/taskWorker.ts): the fit, which reports no progress. */
export type AdcTasks = { fit: { request: AdcRequest; progress: never; result: AdcReply } };

interface WorkerScope {
  postMessage(message: AdcReply, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<AdcRequest>) => void): void;
}
const scope = self as unknown as WorkerScope;

scope.addEventListener('message', (e) => {
  const { id, volumes } = e.data;
  try {
    const { adc } = computeAdc(volumes);
    scope.postMessage({ id, adc }, [adc.buffer]);
  } catch (error) {
    scope.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
