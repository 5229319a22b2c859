/**
 * From a study configuration to the trials each reader sees, in two separate types:
 *
 * - ServerTrial holds the mapping from the labels A/B to sources. It lives only in the main
 *   process/server until the study is closed.
 * - ReaderTrial is what a reader's renderer receives: an opaque trial id, its position, the labels
 *   and the questions. It has no source, case, model or rater field at all, and readerTrialSchema is
 *   strict, so the server can parse every outgoing trial through it and an added field fails loudly
 *   instead of leaking. Overlays and images are fetched by (trialId, label); the server resolves them.
 *
 * Paired mode: one trial per case and unordered source pair; label A is on the left. Single mode:
 * one trial per case and source, label A only.
 */
import { z } from '../zod';
import { sourcePairs, type StudyConfig, type StudyMode, type StudyQuestions, studyQuestionsSchema } from './design';
import { balancedFlags, streamFor, studyOrders } from './randomisation';

export type TrialLabel = 'A' | 'B';

export interface ServerTrial {
  readonly trialId: string;
  readonly readerId: string;
  /** 0-based position in this reader's sequence. */
  readonly position: number;
  readonly caseId: string;
  readonly mode: StudyMode;
  /** Source shown as A (on the left in paired mode). */
  readonly sourceA: string;
  /** Source shown as B (on the right); null in single mode. */
  readonly sourceB: string | null;
}

export const readerTrialSchema = z.strictObject({
  trialId: z.string(),
  /** 0-based position in the reader's sequence. */
  position: z.number().int().min(0),
  total: z.number().int().min(1),
  display: z.enum(['pair', 'single']),
  labels: z.union([z.tuple([z.literal('A'), z.literal('B')]), z.tuple([z.literal('A')])]),
  questions: studyQuestionsSchema.strict(),
  allowRevisit: z.boolean(),
  /** Whether this reader has already submitted an answer for the trial. */
  submitted: z.boolean(),
});
/** The only trial shape a reader receives during a study. */
export type ReaderTrial = z.infer<typeof readerTrialSchema>;

/** The content-free key a trial is ordered by: the case and the source(s) in config order. */
function trialKey(caseId: string, sources: readonly string[]): string {
  return JSON.stringify([caseId, ...sources]);
}

/**
 * Every reader's trials, in order. Orders and placements are deterministic given the configuration
 * (seed included); see randomisation.ts for the guarantees: readers get different orders whenever
 * possible, and in paired mode each source pair's left/right placement is balanced within ±1 for
 * each reader.
 *
 * Trial ids are the one thing readers hold, so they must say nothing about the plan: they come from
 * `newTrialId`, which the server backs with crypto.randomUUID (ids drawn from the seeded stream let
 * a reader recover the generator state, and with it every trial's A/B mapping, by brute force).
 * The caller draws them in plan order, so a replay with a counter reproduces the same trials.
 */
export function planStudy(config: StudyConfig, newTrialId: () => string): ServerTrial[] {
  const keyed = new Map<string, { caseId: string; sources: string[] }>();
  const pairs = sourcePairs(config).map(([a, b]) => [a.sourceId, b.sourceId]);
  for (const caseId of config.caseIds) {
    const combos = config.mode === 'paired' ? pairs : config.sources.map((s) => [s.sourceId]);
    for (const sources of combos) keyed.set(trialKey(caseId, sources), { caseId, sources });
  }
  const orders = studyOrders(config.seed, config.readerIds, [...keyed.keys()]);
  const trials: ServerTrial[] = [];
  for (const readerId of config.readerIds) {
    const order = (orders.get(readerId) ?? []).map((k) => {
      const t = keyed.get(k);
      if (!t) throw new Error(`internal: order key ${k} has no trial`);
      return t;
    });
    const firstOnLeft = new Array<boolean>(order.length).fill(true);
    if (config.mode === 'paired') {
      for (const [first, second] of pairs) {
        const positions = order.flatMap((t, i) => (t.sources[0] === first && t.sources[1] === second ? [i] : []));
        const rng = streamFor(config.seed, readerId, `placement\u0000${first}\u0000${second}`);
        balancedFlags(positions.length, rng).forEach((flag, k) => (firstOnLeft[positions[k]] = flag));
      }
    }
    order.forEach((t, position) => {
      const [first, second] = t.sources;
      const paired = config.mode === 'paired';
      trials.push({
        trialId: newTrialId(),
        readerId,
        position,
        caseId: t.caseId,
        mode: config.mode,
        sourceA: paired && !firstOnLeft[position] ? second : first,
        sourceB: paired ? (firstOnLeft[position] ? second : first) : null,
      });
    });
  }
  return trials;
}

/** The source behind a label of a trial, or null for B in single mode. Server side only. */
export function sourceOfLabel(trial: ServerTrial, label: TrialLabel): string | null {
  return label === 'A' ? trial.sourceA : trial.sourceB;
}

/**
 * The blinded view of a trial for its reader. Built field by field (never by spreading a
 * ServerTrial) and checked against the strict schema before it leaves the server.
 */
export function toReaderTrial(
  trial: ServerTrial,
  config: Pick<StudyConfig, 'questions' | 'allowRevisit'>,
  total: number,
  submitted: boolean,
): ReaderTrial {
  const questions: StudyQuestions = {
    preference: config.questions.preference,
    acceptability: config.questions.acceptability,
    whichIsAi: config.questions.whichIsAi,
    comment: config.questions.comment,
  };
  return readerTrialSchema.parse({
    trialId: trial.trialId,
    position: trial.position,
    total,
    display: trial.mode === 'paired' ? 'pair' : 'single',
    labels: trial.mode === 'paired' ? ['A', 'B'] : ['A'],
    questions,
    allowRevisit: config.allowRevisit,
    submitted,
  });
}
