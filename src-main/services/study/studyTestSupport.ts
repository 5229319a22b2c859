/**
 * A small project for the study service's tests (not shipped code paths): an admin, a human rater
 * whose masks are one source, the demo model's results as the other, two readers, and five cases on
 * the 6×5×4 test grid. Case 5 has the rater's mask but no model result, for the set-up refusal.
 * Requests go through the real validating dispatcher over the real project and study handlers.
 */
import type { QuorumApi, Result } from '../../../src-shared/api/contract';
import type { StudyDraft } from '../../../src-shared/api/studyChannels';
import type { StudySource } from '../../../src-shared/study/design';
import { createProjectHandlers } from '../apiProject';
import { createDispatch, type Dispatch } from '../apiDispatch';
import { sessionOfHost } from '../projectGuard';
import { createProjectHost, type ProjectHost } from '../project/projectHost';
import { signInWithTestSecret } from '../project/signIn.testSupport';
import { APP_VERSION, GRID, labelmapWith, modelProvenance, tempDir, VOXELS } from '../project/testSupport';
import { createStudyHandlers } from './apiStudy';

export const RATER_NAME = 'Dr. Alice Example';
const MODEL_VERSION = '3.1.4';

export interface StudyFixture {
  host: ProjectHost;
  dispatch: Dispatch;
  /** Session tokens. */
  admin: string;
  readers: [string, string];
  readerIds: [string, string];
  raterId: string;
  modelRaterName: string;
  caseIds: string[];
  /** Every version id and file hash behind the two sources (what must never reach a reader). */
  sourceVersionIds: string[];
  sourceFileHashes: string[];
  sources: [StudySource, StudySource];
  close(): void;
}

/** Calls a channel, failing with the error message unless it succeeds. */
export async function must<T>(dispatch: Dispatch, channel: string, request: unknown): Promise<T> {
  const r = await dispatch(channel, request);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

export async function studyFixture(): Promise<StudyFixture> {
  const dir = tempDir('quorum-study-');
  const host = createProjectHost({ appVersion: APP_VERSION, defaultProjectDir: dir });
  const store = await host.open(dir, true);
  const adminRater = await store.createIdentity('Ada Admin', 'admin');
  const adminS = await store.signIn(adminRater.raterId);
  const alice = await store.createRater(adminS, RATER_NAME, 'annotator');
  const r1 = await store.createRater(adminS, 'Rea Reader', 'annotator');
  const r2 = await store.createRater(adminS, 'Rob Reader', 'annotator');
  const aliceS = await store.signIn(alice.raterId);
  const caseIds: string[] = [];
  const versionIds: string[] = [];
  const hashes: string[] = [];
  let modelRaterName = '';
  for (let n = 1; n <= 5; n++) {
    const c = await store.addCase(adminS, {
      name: `case-${n}`,
      source: 'nifti',
      series: [{ label: 'T1', path: `images/case-${n}.nii.gz`, geometry: GRID }],
    });
    caseIds.push(c.caseId);
    await store.assign(adminS, alice.raterId, c.caseId);
    // The rater marks voxels n..n+2 (uncertain on the last), the model n+1..n+3: the masks differ per case and source.
    const raterMask = labelmapWith([n, n + 1]);
    raterMask[n + 2] = 2;
    const v = await store.saveLabelmap(aliceS, { caseId: c.caseId, labelmap: raterMask, status: 'submitted' });
    versionIds.push(v.versionId);
    if (v.fileHash) hashes.push(v.fileHash);
    if (n <= 4) {
      const mask = labelmapWith([n + 1, n + 2, n + 3]);
      const probability = new Uint8Array(VOXELS);
      for (let i = 0; i < VOXELS; i++) probability[i] = mask[i] === 1 ? 230 : 0;
      const saved = await store.saveModelResult(adminS, {
        caseId: c.caseId,
        mask,
        probability,
        probabilityVolumes: 1,
        provenance: modelProvenance(0.5, MODEL_VERSION),
      });
      versionIds.push(saved.version.versionId);
      if (saved.version.fileHash) hashes.push(saved.version.fileHash);
      hashes.push(saved.probabilityHash);
      modelRaterName = saved.rater.name;
    }
  }
  const handlers = { ...createProjectHandlers(host), ...createStudyHandlers(host) };
  // Only the project and study channels are exercised; the dispatcher still validates every request and result against the full contract.
  const dispatch = createDispatch(handlers as unknown as QuorumApi, sessionOfHost(host), () => undefined);
  const token = async (name: string): Promise<string> =>
    (await signInWithTestSecret((channel, request) => must(dispatch, `quorum:${channel}`, request), name)).token;
  const provenance = modelProvenance(0.5, MODEL_VERSION);
  return {
    host,
    dispatch,
    admin: await token(adminRater.name),
    readers: [await token(r1.name), await token(r2.name)],
    readerIds: [r1.raterId, r2.raterId],
    raterId: alice.raterId,
    modelRaterName,
    caseIds,
    sourceVersionIds: versionIds,
    sourceFileHashes: hashes,
    sources: [
      { sourceId: 'source-model', ref: { kind: 'model', modelId: provenance.modelId, version: MODEL_VERSION }, label: 'Demo model' },
      { sourceId: 'source-rater', ref: { kind: 'rater', raterId: alice.raterId }, label: RATER_NAME },
    ],
    close: () => host.close(),
  };
}

/** A paired 4-case draft (cases 1–4) comparing the model with the rater, every question asked. */
export function pairedDraft(f: StudyFixture, overrides: Partial<StudyDraft> = {}): StudyDraft {
  return {
    title: 'Segmentation reading study',
    seed: 'fixed-seed-1',
    mode: 'paired',
    caseIds: f.caseIds.slice(0, 4),
    sources: f.sources,
    readerIds: f.readerIds,
    questions: { preference: true, acceptability: true, whichIsAi: true, comment: true },
    allowRevisit: false,
    ...overrides,
  };
}

export type { Result };
