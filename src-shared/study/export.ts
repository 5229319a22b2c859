/**
 * What a closed study exports: a CSV of every answer (with its timestamps and time taken, and the
 * now-unblinded sources), and the study configuration as JSON, seed included, from which planStudy
 * regenerates every reader's trials exactly.
 */
import type { StoredAnswer } from './answers';
import { decodeAnswers } from './decode';
import { type StudyConfig, studyConfigSchema, type StudyState } from './design';
import { RANDOMISATION_ALGORITHM } from './randomisation';
import type { ServerTrial } from './trials';

export const ANSWER_CSV_COLUMNS = [
  'study_id',
  'reader_id',
  'trial_id',
  'position',
  'case_id',
  'mode',
  'source_a',
  'source_b',
  'source_a_kind',
  'source_b_kind',
  'preference',
  'preferred_source',
  'acceptability_a',
  'acceptability_b',
  'ai_choice',
  'ai_judgement',
  'ai_rating',
  'ai_picked_source',
  'ai_correct',
  'comment',
  'started_at',
  'submitted_at',
  'time_taken_ms',
  'revision',
] as const;

type Cell = string | number | boolean | null | undefined;

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break, quotes doubled.
 * Text that a spreadsheet would run as a formula (leading =, +, -, @, tab or CR) gets a leading
 * apostrophe (OWASP's CSV-injection advice): comments are typed by readers. Numbers are written as
 * numbers and never prefixed.
 */
export function csvField(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvLine(cells: readonly Cell[]): string {
  return cells.map(csvField).join(',');
}

/**
 * Every answer as CSV (CRLF line ends, header first), sorted by reader in study order, then position.
 * Unblinds, so it throws unless the study is closed.
 */
export function answersToCsv(
  config: StudyConfig,
  state: StudyState,
  trials: readonly ServerTrial[],
  answers: readonly StoredAnswer[],
): string {
  const decoded = decodeAnswers(config, state, trials, answers);
  const readerRank = new Map(config.readerIds.map((r, i) => [r, i]));
  const kindOf = new Map(config.sources.map((s) => [s.sourceId, s.ref.kind]));
  decoded.sort(
    (a, b) =>
      (readerRank.get(a.trial.readerId) ?? Infinity) - (readerRank.get(b.trial.readerId) ?? Infinity) ||
      a.trial.position - b.trial.position,
  );
  const lines = [csvLine(ANSWER_CSV_COLUMNS)];
  for (const d of decoded) {
    const { answer: a, trial: t } = d;
    lines.push(
      csvLine([
        config.studyId,
        t.readerId,
        t.trialId,
        t.position,
        t.caseId,
        t.mode,
        t.sourceA,
        t.sourceB,
        kindOf.get(t.sourceA),
        t.sourceB === null ? null : kindOf.get(t.sourceB),
        a.preference,
        d.preferred,
        a.acceptability?.A,
        a.acceptability?.B,
        a.aiChoice,
        a.aiJudgement,
        a.aiRating,
        d.aiPick,
        d.aiCorrect,
        a.comment,
        a.startedAt,
        a.submittedAt,
        a.timeTakenMs,
        a.revision,
      ]),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

export const STUDY_CONFIG_FORMAT = 'quorum-reader-study-config';
export const STUDY_CONFIG_FORMAT_VERSION = 1;

/** The configuration (seed included) as JSON, naming the randomisation algorithm that used it. */
export function studyConfigToJson(config: StudyConfig): string {
  const document = {
    format: STUDY_CONFIG_FORMAT,
    formatVersion: STUDY_CONFIG_FORMAT_VERSION,
    randomisation: RANDOMISATION_ALGORITHM,
    study: studyConfigSchema.parse(config),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/**
 * Reads a configuration written by studyConfigToJson. Refuses other formats, and a different
 * randomisation algorithm, since planStudy would then not reproduce the recorded orders.
 */
export function studyConfigFromJson(text: string): StudyConfig {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (e) {
    throw new Error(`study configuration is not valid JSON: ${(e as Error).message}`);
  }
  const d = (typeof document === 'object' && document !== null ? document : {}) as Record<string, unknown>;
  if (d.format !== STUDY_CONFIG_FORMAT) throw new Error(`not a Quorum reader-study configuration (format "${String(d.format)}")`);
  if (d.formatVersion !== STUDY_CONFIG_FORMAT_VERSION) throw new Error(`unsupported configuration version ${String(d.formatVersion)}`);
  if (d.randomisation !== RANDOMISATION_ALGORITHM) {
    throw new Error(
      `configuration was randomised with "${String(d.randomisation)}", this build uses "${RANDOMISATION_ALGORITHM}": orders would not be reproduced`,
    );
  }
  const parsed = studyConfigSchema.safeParse(d.study);
  if (!parsed.success) {
    throw new Error(`invalid study configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}
