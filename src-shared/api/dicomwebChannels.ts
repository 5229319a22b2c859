/**
 * Images from a DICOMweb archive (issue 13): the server searches the archive (QIDO-RS) and copies a
 * series into the project (WADO-RS) on the browser's behalf; the browser never talks to the archive.
 * The archive is the one named by the server's `--dicomweb <url>`; without it these channels answer
 * 'not-found' with that reason.
 *
 * - dicomweb.search: series matching patient name (DICOM wildcards * and ?), patient ID, study date
 *   (YYYYMMDD or a range), modality and accession number. Admin only: it lists patient identities.
 * - dicomweb.addCase: retrieves one series into the project's archive/ folder and adds it as a case
 *   (a DICOM folder case, opened like any other). Admin only, as adding cases is.
 * - dicomweb.addProgress / dicomweb.cancelAdd: how far this session's running addCase has got
 *   retrieving its series (bytes received, of the total when the archive says), and a cancel that
 *   aborts it: the add then fails as cancelled and no case is added. Per session, as
 *   case.decodeProgress is.
 * - dicomweb.storeSeg: one annotation version as a DICOM SEG (the export's encoder) referencing its
 *   case's source series, stored in the archive (STOW-RS) in the source's study; answers the SEG's
 *   UIDs (its SOP Instance UID is what the user can look it up by). Reviewers and admins, as
 *   exporting a SEG is.
 *
 * Environment-free.
 */
import { z } from '../zod';
import { caseRecordSchema } from '../project/schemas';

const session = z.string().min(1);
/** Digits and dots, at most 64 characters: also what makes it safe in a URL and a folder name. */
const uid = z
  .string()
  .max(64)
  .regex(/^[0-9]+(\.[0-9]+)*$/, 'not a DICOM UID');

const dicomwebSeriesSchema = z.object({
  studyInstanceUid: z.string(),
  seriesInstanceUid: z.string(),
  patientName: z.string(),
  patientId: z.string(),
  studyDate: z.string(),
  accessionNumber: z.string(),
  modality: z.string(),
  seriesDescription: z.string(),
  instances: z.number().int().optional(),
});

export const dicomwebChannels = {
  'quorum:dicomweb.search': {
    request: z.object({
      session,
      query: z.object({
        patientName: z.string().max(64).optional(),
        patientId: z.string().max(64).optional(),
        studyDate: z
          .string()
          .regex(/^(\d{8})?(-(\d{8})?)?$/, 'a study date is YYYYMMDD or a range YYYYMMDD-YYYYMMDD')
          .optional(),
        modality: z.string().max(16).optional(),
        accessionNumber: z.string().max(16).optional(),
      }),
    }),
    result: z.object({ archive: z.string(), series: z.array(dicomwebSeriesSchema) }),
  },
  'quorum:dicomweb.addCase': {
    request: z.object({ session, name: z.string().min(1), studyInstanceUid: uid, seriesInstanceUid: uid }),
    /** `folder`: the project's copy, absolute, for case.open. */
    result: z.object({ record: caseRecordSchema, folder: z.string() }),
  },
  'quorum:dicomweb.addProgress': {
    request: z.object({ session }),
    /** Null while this session has no addCase running. */
    result: z.object({
      progress: z.object({ receivedBytes: z.number().int(), totalBytes: z.number().int().nullable() }).nullable(),
    }),
  },
  'quorum:dicomweb.cancelAdd': {
    request: z.object({ session }),
    /** False when this session had no addCase running (it had already finished). */
    result: z.object({ cancelled: z.boolean() }),
  },
  'quorum:dicomweb.storeSeg': {
    request: z.object({ session, versionId: z.string().min(1) }),
    result: z.object({ studyInstanceUid: z.string(), seriesInstanceUid: z.string(), sopInstanceUid: z.string() }),
  },
} as const;

export type DicomWebChannel = keyof typeof dicomwebChannels;
