/**
 * Who made a stored version, as a DICOM SEG states it (dicomSegWrite.ts): the rater's name as the
 * content creator, and for a model's rater (a saved inference result, project/modelResults.ts) the
 * model's name, version and settings from the result's provenance, so its segments are written
 * AUTOMATIC. Shared by the case export and "Store in archive".
 *
 * Plain Node.
 */
import type { Rater, Session } from '../../../src-shared/project/types';
import type { ProjectStore } from '../project/ProjectStore';
import type { SegWriteOptions } from './dicomSegWrite';

export async function segAuthor(
  store: ProjectStore,
  s: Session,
  rater: Rater | undefined,
  version: { raterId: string; versionId: string },
): Promise<Pick<SegWriteOptions, 'creator' | 'algorithm'>> {
  const creator = rater?.name ?? version.raterId;
  if (rater?.kind !== 'model') return { creator };
  const { provenance: p, threshold } = await store.readModelResult(s, version.versionId);
  return {
    creator,
    algorithm: {
      name: p.modelName,
      version: p.modelVersion,
      parameters: [
        `model ${p.modelId}`,
        `threshold ${threshold}`,
        ...p.members.map((m) => `${m.file} sha256 ${m.sha256}`),
        `execution provider ${p.executionProvider}`,
      ].join('; '),
    },
  };
}
