/**
 * Small study configurations shared by this folder's tests (and usable by later API/e2e tests).
 * Pure data; nothing here is used by the study logic itself.
 */
import type { StudyConfig, StudySource } from './design';

export const MODEL_SOURCE: StudySource = {
  sourceId: 'src-demo-model',
  ref: { kind: 'model', modelId: 'demo-unet', version: '2024.1' },
  label: 'Demo U-Net',
};

export const RATER_SOURCE: StudySource = {
  sourceId: 'src-alice',
  ref: { kind: 'rater', raterId: 'alice' },
  label: 'Dr. Alice Example',
};

export const CONSENSUS_SOURCE: StudySource = {
  sourceId: 'src-staple',
  ref: { kind: 'consensus', consensusId: 'staple-3' },
  label: 'STAPLE consensus',
};

/** A 4-case paired study of the demo model against one rater, two readers. */
export function pairedStudy(overrides: Partial<StudyConfig> = {}): StudyConfig {
  return {
    studyId: 'study-1',
    title: 'Turing test',
    seed: 'seed-42',
    mode: 'paired',
    caseIds: ['case-1', 'case-2', 'case-3', 'case-4'],
    sources: [MODEL_SOURCE, RATER_SOURCE],
    readerIds: ['reader-1', 'reader-2'],
    questions: { preference: true, acceptability: true, whichIsAi: true, comment: true },
    allowRevisit: false,
    createdAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/** The value, or a thrown error naming what was missing (tests use it instead of `!`). */
export function must<T>(value: T | undefined | null, what = 'value'): T {
  if (value === undefined || value === null) throw new Error(`expected a ${what}`);
  return value;
}

/** Trial ids for planStudy in tests: "trial-1", "trial-2", … in plan order (the server draws UUIDs). */
export function countingTrialIds(): () => string {
  let n = 0;
  return () => `trial-${++n}`;
}
