/**
 * Volumes as plain data: a typed array in the file's own axis order (i fastest) plus its geometry.
 * World coordinates are DICOM patient LPS in millimetres, the frame Cornerstone3D uses; NIfTI's RAS
 * is converted on read. No DOM, no Node: this module is shared by main, renderer, workers and CLI.
 */

export type Vec3 = readonly [number, number, number];

/**
 * Row-major 3×3: row r is the unit LPS direction of voxel axis r (row 0 = i, row 1 = j, row 2 = k).
 * This is Cornerstone3D's `direction` layout, so it passes through unchanged.
 */
export type Direction = readonly [number, number, number, number, number, number, number, number, number];

export type VoxelDataType = 'uint8' | 'int8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64';

export type VoxelArray = Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

/**
 * The one grid geometry of Quorum (readers, project store, CLI, workers, viewer): where a volume's
 * voxels lie. These four fields are the single source of truth; the 4×4 index→LPS matrix (and the
 * NIfTI index→RAS affine) are derived from them (geometry.ts indexToWorldMatrix / affineRasFromGeometry),
 * never stored beside them. A module that needs only part takes `Pick<Geometry, …>`.
 */
export interface Geometry {
  /** Voxel counts along i, j, k. */
  readonly dims: Vec3;
  /** Voxel size along i, j, k in mm; always finite and > 0 once a reader has accepted the file. */
  readonly spacingMm: Vec3;
  /** LPS position in mm of the centre of voxel (0, 0, 0). */
  readonly originLps: Vec3;
  readonly direction: Direction;
}

/** Voxels with their geometry: the geometry travels with the data, as in vtk.js ImageData. */
export interface Volume<T extends VoxelArray = VoxelArray> {
  readonly geometry: Geometry;
  /** Voxel values with any rescale (NIfTI scl_slope/inter, DICOM RescaleSlope/Intercept) applied. */
  readonly data: T;
  /** Physical unit of the values where known, e.g. 'HU' for CT. */
  readonly unit?: string;
  /** Low values are meant to display bright (DICOM MONOCHROME1); the values themselves are as stored. */
  readonly displayInverted?: true;
}
