/**
 * Binary DICOM SEG → Quorum labelmap on a case's grid. Frames are placed by geometry: each frame's
 * ImagePositionPatient (per frame, else shared) is projected on the grid to find its slice, and its
 * orientation, pixel spacing, rows and columns must match the grid — so frame order, dimension
 * organisation and the writer's slice sorting do not matter, and a SEG drawn on another series (or
 * resampled) is refused with the reason instead of being misplaced.
 *
 * Segments map to the project's labels by label, code or number (segLabels.ts). A voxel in two
 * segments is refused, with the count of such voxels: a labelmap holds one label a voxel, and no rule
 * for which segment should win (the later one, the smaller one) is right for every source — nested
 * structures, a rater's overlapping edits and a resampled atlas overlap for different reasons.
 * Fractional SEGs are refused (Quorum masks are labels, not probabilities). Every refusal is a
 * ProjectError naming the file, thrown before anything is stored.
 *
 * Plain Node.
 */
import type { LabelTable } from '../../../src-shared/project/labelTable';
import type { Geometry } from '../../../src-shared/volume/types';
import { fail } from '../project/errors';
import { firstItem, items, nestedText, num, numbers, planeOnGrid, readDicom, str, type NaturalDataset } from './dicomNatural';
import { SEG_SOP_CLASS_UID } from './dicomSegWrite';
import { matchSegments, type SegCode, type SegmentFound } from './segLabels';

export interface DecodedSeg {
  labelmap: Uint8Array;
  /** Segment number → label value used, with the segment's label, for the import report. */
  segments: Array<{ number: number; label: string; value: number }>;
  frames: number;
}

const NATIVE_SYNTAXES = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1']);

/** A functional-group item: per frame first, then shared. */
function group(perFrame: NaturalDataset | undefined, shared: NaturalDataset | undefined, key: string): NaturalDataset | undefined {
  return (perFrame && firstItem(perFrame, key)) ?? (shared && firstItem(shared, key));
}

function pixelBytes(ds: NaturalDataset, fileName: string): Uint8Array {
  const parts = Array.isArray(ds.PixelData) ? ds.PixelData : [ds.PixelData];
  const buffers = parts.filter((p): p is ArrayBuffer => p instanceof ArrayBuffer);
  if (buffers.length !== 1) fail('corrupt-file', `${fileName} has no readable PixelData`);
  return new Uint8Array(buffers[0]);
}

function codeOf(ds: NaturalDataset, item: NaturalDataset | undefined): SegCode | null {
  const value = str(item?.CodeValue);
  const scheme = str(item?.CodingSchemeDesignator);
  return value && scheme
    ? { CodeValue: value, CodingSchemeDesignator: scheme, CodeMeaning: nestedText(ds, item?.CodeMeaning) ?? '' }
    : null;
}

/** Decodes the SEG onto the grid `g`, its segments mapped onto the project's `labels`. */
export function decodeDicomSeg(bytes: Uint8Array, g: Geometry, labels: LabelTable, fileName: string): DecodedSeg {
  let parsed: { meta: NaturalDataset; dataset: NaturalDataset };
  try {
    parsed = readDicom(bytes);
  } catch (err) {
    return fail('corrupt-file', `${fileName} cannot be read as DICOM: ${(err as Error).message}`);
  }
  const { meta, dataset: ds } = parsed;
  if (str(ds.SOPClassUID) !== SEG_SOP_CLASS_UID && str(ds.Modality) !== 'SEG') {
    fail(
      'bad-request',
      `${fileName} is DICOM but not a Segmentation (SOP class ${str(ds.SOPClassUID) ?? 'missing'}, modality ${str(ds.Modality) ?? 'missing'})`,
    );
  }
  const syntax = str(meta.TransferSyntaxUID) ?? '';
  if (!NATIVE_SYNTAXES.has(syntax))
    fail('bad-request', `${fileName} uses transfer syntax ${syntax}; Quorum reads uncompressed (native) DICOM SEG only`);
  if (str(ds.SegmentationType) !== 'BINARY') {
    fail(
      'bad-labels',
      `${fileName} is a ${str(ds.SegmentationType) ?? 'untyped'} segmentation; Quorum imports binary DICOM SEG only (labels, not probabilities or occupancy)`,
    );
  }
  if (num(ds.BitsAllocated) !== 1)
    fail('corrupt-file', `${fileName} is a binary SEG with BitsAllocated ${String(num(ds.BitsAllocated))}, not 1`);
  const [nx, ny, nz] = g.dims;
  if (num(ds.Rows) !== ny || num(ds.Columns) !== nx) {
    fail(
      'bad-geometry',
      `${fileName} has frames of ${String(num(ds.Columns))}×${String(num(ds.Rows))} pixels (columns × rows), but the case image slices are ${nx}×${ny}`,
    );
  }

  const found: SegmentFound[] = items(ds.SegmentSequence).map((s) => ({
    number: num(s.SegmentNumber) ?? -1,
    label: nestedText(ds, s.SegmentLabel) ?? '',
    code: codeOf(ds, firstItem(s, 'SegmentedPropertyTypeCodeSequence')),
  }));
  const valueOf = matchSegments(found, labels, fileName);
  const segments = found.map((s) => ({ number: s.number, label: s.label, value: valueOf.get(s.number) ?? 0 }));
  const shared = items(ds.SharedFunctionalGroupsSequence)[0];
  const perFrame = items(ds.PerFrameFunctionalGroupsSequence);
  const frames = num(ds.NumberOfFrames) ?? 1;
  if (perFrame.length !== frames) fail('corrupt-file', `${fileName} declares ${frames} frames but describes ${perFrame.length}`);
  const plane = nx * ny;
  const pixels = pixelBytes(ds, fileName);
  if (pixels.length * 8 < frames * plane)
    fail(
      'corrupt-file',
      `${fileName} is truncated: ${frames} frames need ${Math.ceil((frames * plane) / 8)} bytes of pixels, it has ${pixels.length}`,
    );
  const spacing = numbers(group(undefined, shared, 'PixelMeasuresSequence')?.PixelSpacing);

  const labelmap = new Uint8Array(plane * nz);
  // Voxels already counted as overlapping, allocated at the first overlap (most SEGs have none).
  let overlapping: Uint8Array | null = null;
  let overlaps = 0;
  for (let f = 0; f < frames; f++) {
    const fg = perFrame[f];
    const segNumber = num(group(fg, shared, 'SegmentIdentificationSequence')?.ReferencedSegmentNumber);
    const value = segNumber === undefined ? undefined : valueOf.get(segNumber);
    if (value === undefined)
      fail(
        'corrupt-file',
        `${fileName}: frame ${f + 1} refers to segment ${String(segNumber)}, which the SegmentSequence does not describe`,
      );
    const ipp = numbers(group(fg, shared, 'PlanePositionSequence')?.ImagePositionPatient);
    const iop = numbers(group(fg, shared, 'PlaneOrientationSequence')?.ImageOrientationPatient);
    const frameSpacing = numbers(group(fg, shared, 'PixelMeasuresSequence')?.PixelSpacing);
    const ps = frameSpacing.length === 2 ? frameSpacing : spacing;
    // PixelSpacing is (between rows, between columns) = (axis 1, axis 0).
    if (
      ps.length !== 2 ||
      Math.abs(ps[0] - g.spacingMm[1]) > 1e-3 * g.spacingMm[1] ||
      Math.abs(ps[1] - g.spacingMm[0]) > 1e-3 * g.spacingMm[0]
    ) {
      fail(
        'bad-geometry',
        `${fileName}: frame ${f + 1} has pixel spacing [${ps.join(', ')}] mm, the case image [${g.spacingMm[1]}, ${g.spacingMm[0]}] mm (rows, columns)`,
      );
    }
    const at = planeOnGrid(g, ipp, iop);
    if (at.k === null)
      fail(
        'bad-geometry',
        `${fileName}: frame ${f + 1} is not a slice of the case image: ${at.why}. The SEG was drawn on another series or grid.`,
      );
    const src = f * plane;
    const dst = at.k * plane;
    for (let p = 0; p < plane; p++) {
      const bit = src + p;
      if (!(pixels[bit >> 3] & (1 << (bit & 7)))) continue;
      const v = dst + p;
      if (labelmap[v] === 0 || labelmap[v] === value) labelmap[v] = value;
      else {
        overlapping ??= new Uint8Array(plane * nz);
        if (!overlapping[v]) overlaps++;
        overlapping[v] = 1;
      }
    }
  }
  if (overlaps > 0)
    fail(
      'bad-labels',
      `${fileName}: ${overlaps} voxel(s) lie in more than one segment; a Quorum labelmap holds one label a voxel, so importing would drop one of them. Nothing was imported.`,
    );
  return { labelmap, segments, frames };
}
