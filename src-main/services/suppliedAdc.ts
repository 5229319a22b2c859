/**
 * A DWI opened from a NIfTI file gets the ADC map its dataset supplies, when there is one: a
 * *_adc*.nii(.gz) file beside it (ISLES'22 and BIDS name it so) on the DWI's own grid is added as one
 * more volume, in ADC units, and the viewer then shows it instead of fitting one (src-renderer/viewer/
 * adcVolume.ts). An ADC on another grid is left to multi-sequence cases and noted.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { ADC_UNIT, canFitAdc } from '../../src-shared/dwi/adc';
import { suppliedAdcFile } from '../../src-shared/dwi/suppliedAdc';
import type { Geometry } from '../../src-shared/volume/types';
import type { LoadedVolumes } from './caseFiles';
import { loadNiftiCase } from './niftiCase';

/** Same voxel grid: same dims, and spacing, origin and axes within 1e-3 mm. */
function sameGrid(a: Geometry, b: Geometry): boolean {
  const close = (x: readonly number[], y: readonly number[]) => x.every((v, i) => Math.abs(v - y[i]) < 1e-3);
  return (
    a.dims.every((d, i) => d === b.dims[i]) &&
    close(a.spacingMm, b.spacingMm) &&
    close(a.originLps, b.originLps) &&
    close(a.direction, b.direction)
  );
}

export async function withSuppliedAdc(file: string, loaded: LoadedVolumes, memoryBudgetBytes: number): Promise<LoadedVolumes> {
  if (!canFitAdc(loaded.volumes.map((v) => v.bValue))) return loaded;
  const folder = path.dirname(file);
  const name = suppliedAdcFile((await readdir(folder)).filter((n) => n !== path.basename(file)));
  if (name === null) return loaded;
  const adc = (await loadNiftiCase(path.join(folder, name), memoryBudgetBytes)).volumes[0].volume;
  const dwi = loaded.volumes[0].volume.geometry;
  if (!sameGrid(adc.geometry, dwi)) {
    return { ...loaded, notes: [...loaded.notes, `${name} is on another grid than the DWI; the ADC is fitted from the DWI instead.`] };
  }
  return {
    ...loaded,
    volumes: [...loaded.volumes, { label: 'ADC', bValue: null, volume: { ...adc, unit: ADC_UNIT } }],
    notes: [...loaded.notes, `ADC from ${name}, as supplied with the data (not recomputed).`],
  };
}
