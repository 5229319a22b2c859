/**
 * Channels for the sequences of a case (issue 12): add images on their own grids (a file, a folder,
 * or a BIDS / ISLES'22 subject folder whose `*_dwi`, `*_adc`, `*_flair`… files are recognised by
 * suffix), make a new case from a subject folder, choose the reference grid while no annotation
 * exists, and remove a sequence other than the reference. Spread into the contract. Environment-free.
 */
import { z } from '../zod';
import { caseRecordSchema, sequenceKindSchema } from '../project/schemas';

const session = z.string().min(1);
const id = z.string().min(1);

export const sequenceChannels = {
  /**
   * Add sequences to a case (reviewers, admins). `path`: one image file or DICOM folder (named
   * `name`, of kind `kind`; both default from a BIDS suffix), or a subject folder, whose recognised
   * images are all added under their suffix's name. A sequence whose field of view does not meet
   * the reference grid's is refused with both fields of view; nothing is added then.
   */
  'quorum:sequence.add': {
    request: z.object({
      session,
      caseId: id,
      path: z.string().min(1),
      name: z.string().min(1).max(40).optional(),
      kind: sequenceKindSchema.optional(),
    }),
    result: caseRecordSchema,
  },
  /**
   * A new case from a BIDS / ISLES'22 subject folder (admins): every recognised image becomes a
   * sequence, the DWI (else the CT, else the first) its reference grid. Named `name`, by default
   * the subject folder's name.
   */
  'quorum:sequence.importSubject': {
    request: z.object({ session, path: z.string().min(1), name: z.string().min(1).max(120).optional() }),
    result: caseRecordSchema,
  },
  /** Make another sequence the reference grid (admins), while the case has no annotation. */
  'quorum:sequence.setReference': {
    request: z.object({ session, caseId: id, sequenceId: id }),
    result: caseRecordSchema,
  },
  /** Remove a sequence other than the reference from a case (admins); its files are kept. */
  'quorum:sequence.remove': {
    request: z.object({ session, caseId: id, sequenceId: id }),
    result: caseRecordSchema,
  },
} as const;
