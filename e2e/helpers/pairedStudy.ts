/**
 * The set-up the reader-study report specs share: on the demo cohort, the admin (signed in on the
 * spec's page too) creates two readers and opens a 4-case paired study of the demo model against the
 * rater "Dr. Anna Jansen", asking the questions given, all through the API (the set-up screen is
 * covered by readerStudy.spec.ts).
 */
import { expect } from '@playwright/test';
import type { StudyDraft, StudyOptions, StudySummary } from '../../src-shared/api/studyChannels';
import { signInAs } from './annotate';
import type { SpecServer } from './specServer';

/** The study's readers, in the order of `readerIds`. */
export const STUDY_READERS = ['Reader One', 'Reader Two'] as const;
const RATER = 'Dr. Anna Jansen';

export interface OpenedStudy {
  /** The admin's API session. */
  readonly admin: string;
  readonly studyId: string;
  readonly readerIds: readonly string[];
  /** The study's two sources: the demo model's and the rater's. */
  readonly sourceIds: { readonly model: string; readonly rater: string };
}

export async function openPairedStudy(
  { api, page }: SpecServer,
  draft: Pick<StudyDraft, 'title' | 'questions'> & { seed: string },
): Promise<OpenedStudy> {
  await signInAs(page, 'Ada Admin');
  const admin = await api.signInAs('Ada Admin');
  for (const name of STUDY_READERS) await api.call('rater.create', { name, role: 'annotator', session: admin });

  const options = await api.call<StudyOptions>('study.options', { session: admin });
  const model = options.sources.find((s) => s.source.ref.kind === 'model');
  const rater = options.sources.find((s) => s.source.ref.kind === 'rater' && s.source.label === RATER);
  if (!model || !rater) throw new Error('the demo project lacks the model or the rater');
  const caseIds = options.cases
    .map((c) => c.caseId)
    .filter((id) => model.caseIds.includes(id) && rater.caseIds.includes(id))
    .slice(0, 4);
  expect(caseIds).toHaveLength(4);
  const readerIds = STUDY_READERS.map((name) => options.readers.find((r) => r.name === name)?.raterId ?? '');
  const { studyId } = await api.call<StudySummary>('study.create', {
    session: admin,
    draft: { ...draft, mode: 'paired', caseIds, sources: [model.source, rater.source], readerIds, allowRevisit: false },
  });
  await api.call('study.open', { session: admin, studyId });
  return { admin, studyId, readerIds, sourceIds: { model: model.source.sourceId, rater: rater.source.sourceId } };
}
