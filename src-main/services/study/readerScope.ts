/**
 * What a reader of an open study may open as a case: the study's case images and nothing else. A
 * reader who could list or open files beside the image would find the very segmentations the study
 * hides (a model's output folder, other raters' masks), so while any study they read is open their
 * session opens only these paths (api.ts, fileAccess.ts).
 *
 * Plain Node.
 */
import type { Session } from '../../../src-shared/project/types';
import type { StoreContext } from '../project/context';
import { loadStudy, studyIds } from './studyRecords';
import { caseImage } from './studySources';

/** The absolute image paths of every open study `viewer` reads; null when they read none. */
export async function readerImagePaths(ctx: StoreContext, viewer: Session): Promise<ReadonlySet<string> | null> {
  let paths: Set<string> | null = null;
  for (const id of await studyIds(ctx)) {
    const { config, state } = await loadStudy(ctx, id);
    if (state !== 'open' || !config.readerIds.includes(viewer.raterId)) continue;
    paths ??= new Set();
    for (const caseId of config.caseIds) paths.add((await caseImage(ctx, caseId)).path);
  }
  return paths;
}
