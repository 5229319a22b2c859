/**
 * scl_slope / scl_inter: stored value × slope + inter = real value.
 *
 * The result keeps an integer type when that is lossless (integer slope and intercept, and the
 * scaled range fits int16 or int32): a CT stored as uint16 with inter −1024 stays a compact Int16Array
 * of HU instead of doubling in size as float32. Otherwise float32 (float64 for 32-bit integer or
 * float64 sources, where float32 would lose digits).
 */
import { finiteRange } from '../volume/stats';
import type { VoxelArray, VoxelDataType } from '../volume/types';

export interface Scaling {
  sclSlope: number;
  sclInter: number;
}

/** The slope/intercept actually applied, with the reason for any change from the header's values. */
function effectiveScaling(h: Scaling, notes: string[]): { slope: number; inter: number } {
  const slope = h.sclSlope;
  let inter = h.sclInter;
  if (!Number.isFinite(slope) || slope === 0) {
    // NIfTI: scl_slope 0 means "no scaling"; NaN/Inf come from broken writers. Either way, read as 1,
    // and the intercept goes with it (a lone offset without a slope is not a defined scaling).
    const why = slope === 0 ? 'means no scaling in NIfTI' : 'is not a finite number';
    const interNote = inter !== 0 && !Number.isNaN(inter) ? `; scl_inter ${inter} ignored with it` : '';
    notes.push(`scl_slope ${slope} read as 1: ${why}${interNote}.`);
    return { slope: 1, inter: 0 };
  }
  if (!Number.isFinite(inter)) {
    notes.push(`scl_inter ${inter} read as 0.`);
    inter = 0;
  }
  return { slope, inter };
}

export function applyScaling(stored: VoxelArray, h: Scaling, notes: string[]): { data: VoxelArray; dataType: VoxelDataType } {
  const { slope, inter } = effectiveScaling(h, notes);
  const type = dataTypeOf(stored);
  if (slope === 1 && inter === 0) return { data: stored, dataType: type };

  const isSmallInt = type === 'uint8' || type === 'int8' || type === 'int16' || type === 'uint16';
  if (isSmallInt && Number.isInteger(slope) && Number.isInteger(inter)) {
    const { min, max } = finiteRange(stored);
    const a = min * slope + inter;
    const b = max * slope + inter;
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    if (lo >= -32768 && hi <= 32767) return { data: scaleInto(stored, new Int16Array(stored.length), slope, inter), dataType: 'int16' };
    if (lo >= -(2 ** 31) && hi < 2 ** 31)
      return { data: scaleInto(stored, new Int32Array(stored.length), slope, inter), dataType: 'int32' };
  }
  const wide = type === 'float64' || type === 'int32' || type === 'uint32';
  return wide
    ? { data: scaleInto(stored, new Float64Array(stored.length), slope, inter), dataType: 'float64' }
    : { data: scaleInto(stored, new Float32Array(stored.length), slope, inter), dataType: 'float32' };
}

function scaleInto<T extends VoxelArray>(src: VoxelArray, out: T, slope: number, inter: number): T {
  const n = src.length;
  for (let i = 0; i < n; i++) out[i] = src[i] * slope + inter;
  return out;
}

export function dataTypeOf(a: VoxelArray): VoxelDataType {
  if (a instanceof Uint8Array) return 'uint8';
  if (a instanceof Int8Array) return 'int8';
  if (a instanceof Int16Array) return 'int16';
  if (a instanceof Uint16Array) return 'uint16';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Uint32Array) return 'uint32';
  if (a instanceof Float32Array) return 'float32';
  return 'float64';
}
