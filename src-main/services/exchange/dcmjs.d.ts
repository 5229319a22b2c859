/**
 * The small part of dcmjs (which ships no types) that the DICOM SEG exchange uses. Datasets are
 * "naturalized": keyword → value, sequences as arrays of datasets, PixelData as ArrayBuffers.
 */
declare module 'dcmjs' {
  export type NaturalDataset = Record<string, unknown>;
  export type DenaturalDataset = Record<string, unknown>;
  export interface DicomDictInstance {
    meta: DenaturalDataset;
    dict: DenaturalDataset;
    write(options?: { allowInvalidVRLength?: boolean }): ArrayBuffer;
  }
  interface DcmjsData {
    DicomMessage: {
      readFile(
        buffer: ArrayBuffer,
        options?: { untilTag?: string; ignoreErrors?: boolean; includeUntilTagValue?: boolean },
      ): DicomDictInstance;
    };
    DicomDict: new (meta: DenaturalDataset) => DicomDictInstance;
    DicomMetaDictionary: {
      naturalizeDataset(dataset: DenaturalDataset): NaturalDataset;
      denaturalizeDataset(dataset: NaturalDataset): DenaturalDataset;
      uid(): string;
      date(): string;
      time(): string;
    };
  }
  const dcmjs: { data: DcmjsData };
  export default dcmjs;
}
