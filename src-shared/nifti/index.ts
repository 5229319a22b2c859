/** NIfTI-1/2 reading and NIfTI-1 writing, environment-free (used by main, workers and the CLI). */
export { readNifti, readNiftiHeader, isGzip, damagedGzipError, type NiftiImage, type ReadNiftiOptions } from './read';
export { writeNifti, writeNiftiHeader, type NiftiWriteInput, type NiftiWriteOptions } from './write';
export { parseNiftiHeader, type NiftiHeader, DATATYPE_CODES, BYTES_PER_VOXEL } from './header';
export { quaternionToRotation, rotationToQuaternion, type AffineSource } from './affine';
export { niftiGeometry } from './geometry';
export { splitVolumes, parseBval, splitByBValue, type LabelledVolume } from './volumes';
export { dataTypeOf } from './scaling';
export { VolumeReadError, isVolumeReadError, type VolumeReadErrorCode } from '../volume/errors';
