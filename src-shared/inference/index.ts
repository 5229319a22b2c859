/** Local segmentation inference (issue 5): manifests, model folders, the pipeline, provenance. */
export { parseManifest, ModelManifestError, type ModelManifest, type ChannelId, type ChannelSpec, type Normalisation } from './manifest';
export { loadModelFolder, type LoadedModel, type LoadedMember, type ReadModelFile } from './modelFolder';
export { readOnnxGraph, type OnnxGraphInfo } from './onnxGraph';
export { checkWebGpu, type WebGpuCheck } from './webgpuSupport';
export {
  runSegmentation,
  labelMask,
  type SegmentationRequest,
  type SegmentationResult,
  type InferenceProgress,
  type StageTimings,
} from './pipeline';
export { labelVolumes, type LabelVolume } from './outputs';
export { classEntropy } from './uncertainty';
export { InferenceCancelledError, type ModelRunner, type AbortSignalLike } from './predict';
export { ortRunner, type OrtSessionLike, type OrtTensorFactory } from './ortRunner';
export { buildChannels, computeAdc, type ChannelSources } from './channels';
export { dwiChannelSources, type DwiVolume } from './dwiSources';
export { inferenceProvenance, inferenceProvenanceSchema, type InferenceProvenance, type ExecutionProvider } from './provenance';
export { sha256Hex } from './sha256';
export { openMembers, type BrowserEp, type OpenedMembers, type OpenMembersOptions } from './executionProvider';
export type { InferenceWorkerRequest, InferenceWorkerEvent } from './workerProtocol';
export { resultNiftis, type ResultNiftis } from './resultNifti';
