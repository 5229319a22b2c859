/**
 * Fetch one volume's voxels from the backend and register it with Cornerstone as a local volume.
 *
 * The server has already read the file (NIfTI or DICOM), split 4D data and resolved geometry, so
 * the renderer deliberately does not use Cornerstone's NIfTI or DICOM loaders: it receives the raw
 * bytes as they stream in (voxelArrays.ts) and hands Cornerstone the geometry as is (direction rows
 * = voxel axes in LPS, the layout createLocalVolume expects).
 */
import { cache, volumeLoader, type Types } from '@cornerstonejs/core';
import type { CaseDescriptor, VolumeInfo } from '../../src-shared/api/contract';
import type { VoxelArray } from '../../src-shared/volume/types';
import { timeStage, timeStageAsync } from '../state/timing';
import { displayTypeFor, VoxelReceiver, type DisplayVoxelArray } from './voxelArrays';
import { createWorldToIndex, type WorldToIndex } from './voxelGeometry';

export interface LoadedVolume {
  readonly info: VolumeInfo;
  /** Cornerstone's cache id for this volume. */
  readonly volumeId: string;
  /**
   * The file's values exactly, for the readout and the automatic window: the file's own type, or
   * the Float32 display array when that holds every value exactly (int8).
   */
  readonly data: VoxelArray;
  readonly worldToIndex: WorldToIndex;
}

/** Streams a VolumeInfo.url's bytes to `onChunk` (api/index.ts streamVolumeBytes). */
export type StreamVolumeBytes = (url: string, onChunk: (chunk: Uint8Array) => void) => Promise<void>;

/** One serial number per opened case descriptor, so reopening a file gets fresh volume ids. */
const openSerials = new WeakMap<CaseDescriptor, number>();
let nextSerial = 1;

/**
 * Cornerstone's volume id for a case volume. Unique per open: the old case's volumes are removed
 * from the cache only after the new one is on screen, and a reopened file has the same caseId.
 * No ':' in it: Cornerstone reads the text before a colon as a loader scheme, and for a
 * scheme-prefixed id it would try to load the slices through an image loader instead of using the
 * local images already in its cache.
 */
function cornerstoneVolumeIdOf(caseDescriptor: CaseDescriptor, info: VolumeInfo): string {
  let serial = openSerials.get(caseDescriptor);
  if (serial === undefined) {
    serial = nextSerial++;
    openSerials.set(caseDescriptor, serial);
  }
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '_');
  return `quorum-${serial}-${safe(caseDescriptor.caseId)}-${safe(info.volumeId)}`;
}

export async function createCaseVolume(
  caseDescriptor: CaseDescriptor,
  info: VolumeInfo,
  streamBytes: StreamVolumeBytes,
): Promise<LoadedVolume> {
  const voxelCount = info.dims[0] * info.dims[1] * info.dims[2];
  const receiver = new VoxelReceiver(info.dataType, voxelCount, displayTypeFor(info.dataType));
  await timeStageAsync('volume.fetch', () => streamBytes(info.url, (chunk) => receiver.push(chunk)));
  const { data, display: scalarData } = timeStage('volume.finish', () => receiver.finish());
  return registerVolume(caseDescriptor, info, data, scalarData);
}

/** A volume whose voxels were computed here (the fitted ADC map), registered like a fetched one. */
export function createComputedVolume(caseDescriptor: CaseDescriptor, info: VolumeInfo, data: Float32Array): LoadedVolume {
  return registerVolume(caseDescriptor, info, data, data);
}

function registerVolume(caseDescriptor: CaseDescriptor, info: VolumeInfo, data: VoxelArray, scalarData: DisplayVoxelArray): LoadedVolume {
  const volumeId = cornerstoneVolumeIdOf(caseDescriptor, info);
  const worldToIndex = createWorldToIndex(info);
  if (!cache.getVolume(volumeId)) {
    timeStage('volume.create', () =>
      volumeLoader.createLocalVolume(volumeId, {
        scalarData,
        dimensions: [...info.dims] as Types.Point3,
        spacing: [...info.spacingMm] as Types.Point3,
        origin: [...info.originLps] as Types.Point3,
        direction: [...info.direction] as Types.Mat3,
        metadata: volumeMetadata(caseDescriptor, info, scalarData),
      }),
    );
  }
  return { info, volumeId, data, worldToIndex };
}

/**
 * Removes a volume and the per-slice images it is backed by from Cornerstone's cache: removing the
 * volume alone leaves those images there (5.14 only clears their shared key), holding every voxel
 * until the cache fills.
 */
export function decacheVolume(volumeId: string): void {
  const imageIds = cache.getVolume(volumeId)?.imageIds ?? [];
  cache.removeVolumeLoadObject(volumeId);
  for (const imageId of imageIds) if (cache.getImageLoadObject(imageId)) cache.removeImageLoadObject(imageId, { force: true });
}

/** Removes a case's volumes from Cornerstone's cache when another case is opened. */
export function removeCaseVolumes(volumes: readonly LoadedVolume[]): void {
  for (const v of volumes) cache.removeVolumeLoadObject(v.volumeId);
}

function volumeMetadata(caseDescriptor: CaseDescriptor, info: VolumeInfo, scalarData: DisplayVoxelArray): Types.Metadata {
  const bits = scalarData instanceof Uint8Array ? 8 : scalarData instanceof Float32Array ? 32 : 16;
  return {
    BitsAllocated: bits,
    BitsStored: bits,
    HighBit: bits - 1,
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    PixelRepresentation: scalarData instanceof Int16Array || scalarData instanceof Float32Array ? 1 : 0,
    Modality: caseDescriptor.modality,
    SeriesInstanceUID: `${caseDescriptor.caseId}.${info.volumeId}`,
    ImageOrientationPatient: info.direction.slice(0, 6),
    PixelSpacing: [info.spacingMm[1], info.spacingMm[0]],
    // Crosshairs link viewports that share a frame of reference; all volumes of a case do.
    FrameOfReferenceUID: caseDescriptor.caseId,
    Columns: info.dims[0],
    Rows: info.dims[1],
    voiLut: [],
    VOILUTFunction: 'LINEAR',
  };
}
