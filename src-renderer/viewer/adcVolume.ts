/**
 * The ADC map as one more volume of a DWI case. When the case has two or more distinct b-values and
 * no ADC of its own (a volume in ADC units, which the dataset supplied), the viewer offers a derived
 * "ADC" volume after the b-values: it is not in the server's descriptor (inference, studies and
 * exports see only the file's volumes), it has the DWI's grid, and its voxels are fitted on first
 * show, in a worker, from the DWI volumes.
 */
import type { CaseDescriptor, VolumeInfo } from '../../src-shared/api/contract';
import { ADC_UNIT, ADC_WINDOW_MAX, canFitAdc } from '../../src-shared/dwi/adc';
import { isDwiVolume } from '../../src-shared/inference/sequenceSources';
import type { AdcRequest, AdcTasks } from '../workers/adc.worker';
import { createTaskWorker } from '../workers/taskWorker';
import type { LoadedVolume } from './createCaseVolume';
import type { VoiRange } from './windowPresets';

const DERIVED_ADC_ID = 'adc-fit';

/** The fixed window of ADC maps: grey from 0 to 3000 ×10⁻⁶ mm²/s, so maps of different cases compare. */
export const ADC_VOI: VoiRange = { lower: 0, upper: ADC_WINDOW_MAX };

const viewable = new WeakMap<CaseDescriptor, readonly VolumeInfo[]>();

/** The volumes the viewer offers: the case's own, then a derived ADC where one can be fitted. */
export function viewableVolumes(c: CaseDescriptor): readonly VolumeInfo[] {
  let list = viewable.get(c);
  if (!list) {
    const fit = canFitAdc(c.volumes.filter(isDwiVolume).map((v) => v.bValue)) && !c.volumes.some(isAdcVolume);
    const first = c.volumes[0];
    list = fit
      ? [
          ...c.volumes,
          {
            ...first,
            volumeId: DERIVED_ADC_ID,
            label: 'ADC',
            bValue: null,
            dataType: 'float32',
            min: 0,
            max: ADC_WINDOW_MAX,
            unit: ADC_UNIT,
            url: '',
            // In a case of several sequences the fitted map is one more sequence (the A key reaches it).
            ...(first.sequence ? { sequence: { name: 'adc', kind: 'adc' as const, resampled: false } } : {}),
          },
        ]
      : c.volumes;
    viewable.set(c, list);
  }
  return list;
}

export function isAdcVolume(info: VolumeInfo): boolean {
  return info.unit === ADC_UNIT || info.sequence?.kind === 'adc';
}

export function isDerivedAdc(info: VolumeInfo): boolean {
  return info.volumeId === DERIVED_ADC_ID;
}

/** Fits the ADC of the DWI volumes in a worker of its own. */
export async function fitAdcOffThread(dwi: readonly LoadedVolume[]): Promise<Float32Array> {
  const tasks = createTaskWorker<AdcTasks>(() => new Worker(new URL('../workers/adc.worker.ts', import.meta.url), { type: 'module' }), {
    idOf: (reply) => reply.id,
    isFinal: () => true,
    failure: (id, message) => ({ id, error: `the ADC worker failed: ${message}` }),
  });
  // The volumes are copied (the viewer keeps showing them); the map comes back transferred.
  const request: AdcRequest = { id: 'adc', volumes: dwi.map((v) => ({ bValue: v.info.bValue ?? 0, data: v.data })) };
  const reply = await tasks.run('fit', request.id, request);
  tasks.stop('The ADC fit is over.');
  if ('adc' in reply) return reply.adc;
  throw new Error(reply.error);
}
