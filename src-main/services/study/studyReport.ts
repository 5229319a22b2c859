/**
 * What an admin gets from a closed study: the statistics (src-shared/study/analysis.ts), the
 * multi-reader multi-case analysis of acceptability (src-shared/study/mrmcStudy.ts), the revealed
 * A/B mapping of every trial, the answers CSV and the configuration JSON with its seed.
 * All of it unblinds, so all of it is refused until the study is closed (StudyNotClosedError from
 * the shared code, turned into a bad-request here).
 *
 * Plain Node.
 */
import type { StudySummary } from '../../../src-shared/api/studyChannels';
import type { Session } from '../../../src-shared/project/types';
import { analyseStudy } from '../../../src-shared/study/analysis';
import { studyAnalysisSchema, type StudyAnalysisWire } from '../../../src-shared/study/analysisSchema';
import type { StudyConfig } from '../../../src-shared/study/design';
import { answersToCsv, studyConfigToJson } from '../../../src-shared/study/export';
import { studyMrmcSchema, type StudyMrmcWire } from '../../../src-shared/study/mrmcSchema';
import { mrmcOfStudy } from '../../../src-shared/study/mrmcStudy';
import type { ServerTrial } from '../../../src-shared/study/trials';
import type { StoreContext } from '../project/context';
import { fail } from '../project/errors';
import { latestAnswers, loadStudy, studyIds, trialsOf } from './studyRecords';
import { requireAdmin, summaryOf } from './studySetup';

async function closedStudy(ctx: StoreContext, viewer: Session, studyId: string): Promise<{ config: StudyConfig; summary: StudySummary }> {
  requireAdmin(viewer);
  const study = await loadStudy(ctx, studyId);
  if (study.state !== 'closed')
    fail('bad-request', `the study is ${study.state}: results and the source mapping are available only after it is closed`);
  return { config: study.config, summary: await summaryOf(ctx, study) };
}

export async function studyReport(
  ctx: StoreContext,
  viewer: Session,
  studyId: string,
): Promise<{ summary: StudySummary; config: StudyConfig; analysis: StudyAnalysisWire; mrmc: StudyMrmcWire | null; trials: ServerTrial[] }> {
  const { config, summary } = await closedStudy(ctx, viewer, studyId);
  const trials = await trialsOf(ctx, studyId);
  // Parsed through the wire schema here too, so a drift between analysis.ts and the schema fails in tests.
  const analysis = studyAnalysisSchema.parse(analyseStudy({ config, state: 'closed', trials, answers: await latestAnswers(ctx, studyId) }));
  const mrmc = studyMrmcSchema
    .nullable()
    .parse(mrmcOfStudy({ config, state: 'closed', trials, answers: await latestAnswers(ctx, studyId) }));
  return { summary, config, analysis, mrmc, trials };
}

export async function studyExport(
  ctx: StoreContext,
  viewer: Session,
  studyId: string,
): Promise<{ answersCsv: string; configJson: string }> {
  const { config } = await closedStudy(ctx, viewer, studyId);
  return {
    answersCsv: answersToCsv(config, 'closed', await trialsOf(ctx, studyId), await latestAnswers(ctx, studyId)),
    configJson: studyConfigToJson(config),
  };
}

export async function listStudies(ctx: StoreContext, viewer: Session): Promise<StudySummary[]> {
  requireAdmin(viewer);
  return Promise.all((await studyIds(ctx)).map(async (id) => summaryOf(ctx, await loadStudy(ctx, id))));
}

/** The configuration without its seed: the summary carries the seed once the study is closed. */
export async function getStudy(
  ctx: StoreContext,
  viewer: Session,
  studyId: string,
): Promise<{ summary: StudySummary; config: Omit<StudyConfig, 'seed'> }> {
  requireAdmin(viewer);
  const study = await loadStudy(ctx, studyId);
  const { seed: _hidden, ...config } = study.config;
  return { summary: await summaryOf(ctx, study), config };
}
