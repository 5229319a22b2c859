/**
 * Every trial's reader-visible content (the case image and the A/B masks), computed once when the
 * study opens and frozen, so serving a trial is a lookup whatever its sources are.
 *
 * Why: built per request, a majority-consensus overlay (read and combine every rater's file) took
 * measurably longer than a single source's, and a reader could sort trials by source from the
 * response time alone. Frozen, every study.next does the same work: a map lookup and a view row.
 * The masks are kept gzipped (a study's masks raw would be voxels × cases × sources in memory) and
 * inflated when served: the response carries them raw (issue 15), so its size is the grid's and
 * says nothing about the source.
 *
 * The masks come from the segmentation versions frozen at opening (study_segmentations), so after a
 * restart the same bytes are rebuilt for the whole study at once, before any trial is served.
 * Each (case, source) mask is encoded once and shared by the trials that show it.
 *
 * Plain Node. Internal to the study service.
 */
import zlib from 'node:zlib';
import type { ReaderTrialPayload } from '../../../src-shared/api/studyChannels';
import type { StudyConfig } from '../../../src-shared/study/design';
import { sourceOfLabel, type ServerTrial, type TrialLabel } from '../../../src-shared/study/trials';
import type { StoreContext } from '../project/context';
import { frozenVersions, trialsOf } from './studyRecords';
import { caseImage, sourceMask } from './studySources';

interface FrozenTrial {
  readonly image: NonNullable<ReaderTrialPayload['image']>;
  /** Each label's mask, gzipped (level 6). */
  readonly overlays: ReadonlyArray<Readonly<{ label: TrialLabel; maskGz: Uint8Array }>>;
}

type FrozenStudy = ReadonlyMap<string, FrozenTrial>;

/** Per open project (its context), per study. Dropped with the project. */
const frozenByProject = new WeakMap<StoreContext, Map<string, FrozenStudy>>();

function studiesOf(ctx: StoreContext): Map<string, FrozenStudy> {
  let m = frozenByProject.get(ctx);
  if (!m) {
    m = new Map();
    frozenByProject.set(ctx, m);
  }
  return m;
}

/**
 * Builds every trial's frozen content. `versionsOf` gives the segmentation versions each
 * (case, source) shows: the ones being frozen while opening, or the stored ones after a restart.
 * Throws (and the study does not open) when a mask cannot be read.
 */
export async function buildTrialPayloads(
  ctx: StoreContext,
  config: StudyConfig,
  trials: readonly ServerTrial[],
  versionsOf: (caseId: string, sourceId: string) => readonly string[] | Promise<readonly string[]>,
): Promise<FrozenStudy> {
  const masks = new Map<string, Uint8Array>();
  const images = new Map<string, FrozenTrial['image']>();
  const maskOf = async (caseId: string, sourceId: string): Promise<Uint8Array> => {
    const key = JSON.stringify([caseId, sourceId]);
    let encoded = masks.get(key);
    if (encoded === undefined) {
      const source = config.sources.find((s) => s.sourceId === sourceId);
      if (!source) throw new Error(`internal: a trial of ${config.studyId} refers to an unknown source`);
      encoded = zlib.gzipSync(await sourceMask(ctx, caseId, source.ref, await versionsOf(caseId, sourceId)), { level: 6 });
      masks.set(key, encoded);
    }
    return encoded;
  };
  const out = new Map<string, FrozenTrial>();
  for (const trial of trials) {
    let image = images.get(trial.caseId);
    if (image === undefined) {
      image = Object.freeze(await caseImage(ctx, trial.caseId));
      images.set(trial.caseId, image);
    }
    const labels: TrialLabel[] = trial.mode === 'paired' ? ['A', 'B'] : ['A'];
    const overlays: Array<FrozenTrial['overlays'][number]> = [];
    for (const label of labels) {
      const sourceId = sourceOfLabel(trial, label);
      if (sourceId === null) throw new Error(`internal: trial ${trial.trialId} has no source for ${label}`);
      overlays.push(Object.freeze({ label, maskGz: await maskOf(trial.caseId, sourceId) }));
    }
    out.set(trial.trialId, Object.freeze({ image, overlays: Object.freeze(overlays) }));
  }
  return out;
}

/** Keeps a study's payloads, built while it was opened. */
export function keepTrialPayloads(ctx: StoreContext, studyId: string, payloads: FrozenStudy): void {
  studiesOf(ctx).set(studyId, payloads);
}

/**
 * The frozen content of one trial, its masks inflated for the wire; after a restart, the whole
 * study's is rebuilt first.
 */
export async function frozenTrial(
  ctx: StoreContext,
  config: StudyConfig,
  trialId: string,
): Promise<Pick<ReaderTrialPayload, 'overlays'> & Pick<FrozenTrial, 'image'>> {
  const studies = studiesOf(ctx);
  let study = studies.get(config.studyId);
  if (study === undefined) {
    const trials = await trialsOf(ctx, config.studyId);
    study = await buildTrialPayloads(
      ctx,
      config,
      trials,
      async (caseId, sourceId) => await frozenVersions(ctx, config.studyId, caseId, sourceId),
    );
    studies.set(config.studyId, study);
  }
  const trial = study.get(trialId);
  if (!trial) throw new Error(`internal: trial ${trialId} has no frozen payload`);
  return { image: trial.image, overlays: trial.overlays.map(({ label, maskGz }) => ({ label, mask: zlib.gunzipSync(maskGz) })) };
}
