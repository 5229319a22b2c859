/**
 * Quorum labelmap → binary DICOM Segmentation (SEG IOD, Segmentation Storage 1.2.840.10008.5.1.4.1.1.66.4),
 * written with dcmjs's dataset writer. One segment per label of the project's table present in the
 * labelmap, named after it and coded as segLabels.ts says (a Quorum voxel has one value, so one
 * segment per value is exact), numbered 1, 2, … in table order among the labels present (segment
 * numbers start at 1 with no gaps, as dcmjs's own SEG writer numbers them, so a reader that expects
 * that is not surprised). Frames: for each segment, each slice k that holds at least
 * one voxel of it, in k order; every frame carries its plane position (the source slice's own
 * ImagePositionPatient), its segment number, dimension index values (segment, k + 1) and a
 * reference to the source instance, so a reader can place frames by geometry or by reference
 * without trusting frame order. Pixels: 1 bit each, i (column) fastest within a row, rows top to
 * bottom, frames concatenated without padding (PS3.5 8.1.1), LSB first.
 *
 * Voxel axis 0 of the grid is the DICOM row direction (increasing column index) and axis 1 the
 * column direction, as in the case loader (src-shared/dicom), so frame pixel (row j, column i) is
 * labelmap voxel (i, j, k).
 *
 * Plain Node.
 */
import dcmjs, { type NaturalDataset } from 'dcmjs';
import type { LabelEntry, LabelTable } from '../../../src-shared/project/labelTable';
import type { Geometry } from '../../../src-shared/volume/types';
import type { DicomSource } from './dicomSource';
import { dicomPersonName } from './personName';
import { segmentTypeCode } from './segLabels';

export const SEG_SOP_CLASS_UID = '1.2.840.10008.5.1.4.1.1.66.4';
const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
/** A UID root for Quorum's implementation class (2.25 = UUID-derived, PS3.5 B.2). */
const IMPLEMENTATION_CLASS_UID = '2.25.302218104437437066283016236104226372785';

interface SegSegment {
  label: LabelEntry;
  description: string;
}

function segmentsOf(labels: LabelTable): SegSegment[] {
  return labels.map((l) => ({
    label: l,
    description: `Quorum label ${l.value}: ${l.name}${l.uncertain ? ', a region the rater marked as uncertain' : ''}`.slice(0, 64),
  }));
}

const code = (value: string, scheme: string, meaning: string): NaturalDataset => ({
  CodeValue: value,
  CodingSchemeDesignator: scheme,
  CodeMeaning: meaning,
});

/** The model that made a mask (a saved inference result), from its provenance. */
export interface SegAlgorithm {
  name: string;
  version: string;
  /** Free text for AlgorithmParameters: the threshold and member files the result came from. */
  parameters: string;
}

export interface SegWriteOptions {
  /** The project's label table: one segment per label present. */
  labels: LabelTable;
  seriesDescription: string;
  /** Who made it, e.g. the rater's name: ContentCreatorName, in PN form (personName.ts). */
  creator: string;
  softwareVersion: string;
  seriesNumber?: number;
  /** Set for a model's result: its segments are AUTOMATIC and name the model; absent, a person drew them (MANUAL). */
  algorithm?: SegAlgorithm;
}

/**
 * How each segment says who or what drew it (PS3.3 C.8.20.2, Segment Sequence): a person's segments
 * are MANUAL; a model's are AUTOMATIC with SegmentAlgorithmName (required when not MANUAL) the model's
 * name, and the Segmentation Algorithm Identification Sequence (0062,0007), whose Algorithm
 * Identification Macro is where the standard puts the version (AlgorithmVersion) beside the name,
 * the family (DCM 123110 "Artificial Intelligence", CID 7162) and the parameters. SoftwareVersions
 * stays Quorum's: it describes the equipment that wrote the SEG, not the model.
 */
function algorithmAttributes(algorithm: SegAlgorithm | undefined): NaturalDataset {
  if (!algorithm) return { SegmentAlgorithmType: 'MANUAL' };
  return {
    SegmentAlgorithmType: 'AUTOMATIC',
    SegmentAlgorithmName: algorithm.name.slice(0, 64),
    SegmentationAlgorithmIdentificationSequence: [
      {
        AlgorithmFamilyCodeSequence: [code('123110', 'DCM', 'Artificial Intelligence')],
        AlgorithmName: algorithm.name.slice(0, 64),
        AlgorithmVersion: algorithm.version.slice(0, 64),
        AlgorithmParameters: algorithm.parameters.slice(0, 10240),
      },
    ],
  };
}

/** DS values are at most 16 characters: keep 10 significant digits. */
const ds = (x: number): number => Number(x.toPrecision(10));

/** Slices holding at least one voxel of `value`. */
function slicesWith(labelmap: Uint8Array, g: Geometry, value: number): number[] {
  const plane = g.dims[0] * g.dims[1];
  const out: number[] = [];
  for (let k = 0; k < g.dims[2]; k++) {
    const base = k * plane;
    for (let p = 0; p < plane; p++) {
      if (labelmap[base + p] === value) {
        out.push(k);
        break;
      }
    }
  }
  return out;
}

export function encodeDicomSeg(labelmap: Uint8Array, g: Geometry, source: DicomSource, options: SegWriteOptions): Uint8Array {
  const [nx, ny, nz] = g.dims;
  const plane = nx * ny;
  if (labelmap.length !== plane * nz) throw new Error(`labelmap has ${labelmap.length} voxels, the grid ${nx}×${ny}×${nz}`);
  if (source.slices.length !== nz) throw new Error(`the source series has ${source.slices.length} slices, the grid ${nz}`);
  const segments = segmentsOf(options.labels);
  let frames = segments
    .map((s) => ({ segment: s, ks: slicesWith(labelmap, g, s.label.value) }))
    .filter((f) => f.ks.length > 0)
    .map((f, i) => ({ ...f, number: i + 1 }));
  // An all-zero mask (a "no lesion" answer): one empty frame of segment 1, since a SEG needs a frame.
  const empty = frames.length === 0;
  if (empty) frames = [{ segment: segments[0], number: 1, ks: [0] }];
  const frameList = frames.flatMap((f) => f.ks.map((k) => ({ segNumber: f.number, value: empty ? -1 : f.segment.label.value, k })));

  // OB values have even length: pad the packed bits with one zero byte when needed.
  const packedBytes = Math.ceil((frameList.length * plane) / 8);
  const bits = new Uint8Array(packedBytes + (packedBytes & 1));
  frameList.forEach((f, n) => {
    const src = f.k * plane;
    const dst = n * plane;
    for (let p = 0; p < plane; p++) {
      if (labelmap[src + p] === f.value) {
        const bit = dst + p;
        bits[bit >> 3] |= 1 << (bit & 7);
      }
    }
  });

  const dim = dcmjs.data.DicomMetaDictionary;
  const sopInstanceUid = dim.uid();
  const dimensionOrganizationUid = dim.uid();
  const now = { date: dim.date(), time: dim.time() };
  const sharedSpacing = g.spacingMm[2];
  const dataset: NaturalDataset = {
    _vrMap: { PixelData: 'OB' },
    // dcmjs writes every text value as UTF-8 (names, labels, and the source's patient attributes,
    // which it decoded from their own character set), so the SEG must say so.
    SpecificCharacterSet: 'ISO_IR 192',
    SOPClassUID: SEG_SOP_CLASS_UID,
    SOPInstanceUID: sopInstanceUid,
    ...source.common,
    Modality: 'SEG',
    SeriesInstanceUID: dim.uid(),
    SeriesNumber: options.seriesNumber ?? 300,
    SeriesDescription: options.seriesDescription,
    SeriesDate: now.date,
    SeriesTime: now.time,
    InstanceNumber: 1,
    ContentDate: now.date,
    ContentTime: now.time,
    ContentLabel: 'QUORUM',
    ContentDescription: options.seriesDescription,
    ContentCreatorName: dicomPersonName(options.creator),
    Manufacturer: 'Quorum',
    ManufacturerModelName: 'Quorum',
    DeviceSerialNumber: '0',
    SoftwareVersions: options.softwareVersion,
    ImageType: ['DERIVED', 'PRIMARY'],
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    Rows: ny,
    Columns: nx,
    BitsAllocated: 1,
    BitsStored: 1,
    HighBit: 0,
    PixelRepresentation: 0,
    LossyImageCompression: '00',
    SegmentationType: 'BINARY',
    NumberOfFrames: frameList.length,
    ReferencedSeriesSequence: [
      {
        SeriesInstanceUID: source.seriesInstanceUid,
        ReferencedInstanceSequence: source.slices.map((s) => ({
          ReferencedSOPClassUID: s.sopClassUid,
          ReferencedSOPInstanceUID: s.sopInstanceUid,
        })),
      },
    ],
    DimensionOrganizationSequence: [{ DimensionOrganizationUID: dimensionOrganizationUid }],
    DimensionIndexSequence: [
      {
        DimensionOrganizationUID: dimensionOrganizationUid,
        DimensionIndexPointer: 0x0062000b,
        FunctionalGroupPointer: 0x0062000a,
        DimensionDescriptionLabel: 'ReferencedSegmentNumber',
      },
      {
        DimensionOrganizationUID: dimensionOrganizationUid,
        DimensionIndexPointer: 0x00200032,
        FunctionalGroupPointer: 0x00209113,
        DimensionDescriptionLabel: 'ImagePositionPatient',
      },
    ],
    SegmentSequence: frames.map((f) => ({
      SegmentNumber: f.number,
      SegmentLabel: f.segment.label.name.slice(0, 64),
      SegmentDescription: f.segment.description,
      ...algorithmAttributes(options.algorithm),
      SegmentedPropertyCategoryCodeSequence: [code('49755003', 'SCT', 'Morphologically abnormal structure')],
      SegmentedPropertyTypeCodeSequence: [{ ...segmentTypeCode(f.segment.label) }],
    })),
    SharedFunctionalGroupsSequence: [
      {
        PlaneOrientationSequence: [{ ImageOrientationPatient: source.imageOrientationPatient }],
        PixelMeasuresSequence: [
          {
            PixelSpacing: source.pixelSpacing,
            SliceThickness: ds(source.sliceThickness ?? sharedSpacing),
            SpacingBetweenSlices: ds(sharedSpacing),
          },
        ],
      },
    ],
    PerFrameFunctionalGroupsSequence: frameList.map((f) => {
      const s = source.slices[f.k];
      return {
        DerivationImageSequence: [
          {
            SourceImageSequence: [
              {
                ReferencedSOPClassUID: s.sopClassUid,
                ReferencedSOPInstanceUID: s.sopInstanceUid,
                PurposeOfReferenceCodeSequence: [code('121322', 'DCM', 'Source image for image processing operation')],
              },
            ],
            DerivationCodeSequence: [code('113076', 'DCM', 'Segmentation')],
          },
        ],
        FrameContentSequence: [{ DimensionIndexValues: [f.segNumber, f.k + 1] }],
        PlanePositionSequence: [{ ImagePositionPatient: s.imagePositionPatient }],
        SegmentIdentificationSequence: [{ ReferencedSegmentNumber: f.segNumber }],
      };
    }),
    PixelData: [bits.buffer],
  };
  const meta: NaturalDataset = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: SEG_SOP_CLASS_UID,
    MediaStorageSOPInstanceUID: sopInstanceUid,
    TransferSyntaxUID: EXPLICIT_VR_LITTLE_ENDIAN,
    ImplementationClassUID: IMPLEMENTATION_CLASS_UID,
    ImplementationVersionName: 'QUORUM',
  };
  const dict = new dcmjs.data.DicomDict(dim.denaturalizeDataset(meta));
  dict.dict = dim.denaturalizeDataset(dataset);
  return new Uint8Array(dict.write());
}
