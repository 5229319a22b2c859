/** DICOM series reading on plain bytes (environment-free): parse files, group by series, stack into volumes. */
export {
  parseDicomFrames,
  MAX_INFLATED_DATASET_BYTES,
  parseDataSet,
  deflatedDataSetStart,
  inflatesPastCap,
  readSeriesHeader,
  hasDicomPreamble,
  type DataSetInflater,
  type DicomFrame,
  type NativePixels,
  type PixelSource,
  type SeriesHeader,
} from './parse';
export { groupBySeries, summarizeSeries, assembleSeries, type DicomSeries, type DicomVolume, type SeriesSummary } from './series';
export { readBValue } from './bvalue';
export { readCsaImageHeader } from './csa';
export { COMPRESSED_SYNTAXES, type Codec } from './transferSyntax';
