/**
 * Where a case added from the DICOMweb archive keeps its images: the project's copy of the series in
 * `<project>/archive/<study UID>/<series UID>/`. The case record keeps that path relative to the
 * project, so the path itself is the case's archive address (the archive is the server's
 * `--dicomweb`): the server writes it (apiDicomWeb.ts) and the renderer reads it to offer
 * "Store in archive" only for cases that came from there.
 *
 * Environment-free.
 */
import type { CaseRecord, SeriesRecord } from './types';

/** The project folder that holds the archive copies. */
export const ARCHIVE_FOLDER = 'archive';

export interface ArchiveSeries {
  readonly studyInstanceUid: string;
  readonly seriesInstanceUid: string;
}

const UID = '[0-9]+(?:\\.[0-9]+)*';
const ARCHIVE_PATH = new RegExp(`^${ARCHIVE_FOLDER}[/\\\\](${UID})[/\\\\](${UID})[/\\\\]?$`);

/** The archive series a case was copied from, or null for a case from local files. */
export function archiveSeriesOf(record: {
  readonly source: CaseRecord['source'];
  readonly series: readonly Pick<SeriesRecord, 'path'>[];
}): ArchiveSeries | null {
  if (record.source !== 'dicom' || record.series.length === 0) return null;
  const m = ARCHIVE_PATH.exec(record.series[0].path);
  return m ? { studyInstanceUid: m[1], seriesInstanceUid: m[2] } : null;
}
