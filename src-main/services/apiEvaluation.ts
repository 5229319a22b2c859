/**
 * Handler of the evaluation channel (src-shared/api/evaluationChannels.ts), spread into the one
 * handler table in api.ts. Reviewers and admins only: the role is checked here before anything is
 * read, and every read below goes through the ProjectStore, which applies the blinding rules again.
 *
 * The stored probability map is a NIfTI of uint8 q = round(p × 255) with scl_slope 1/255; it is
 * read with the shared NIfTI reader (which applies the slope) and sent back as q, i.e.
 * round(p × 255) again, which is exact: q/255 in float32 times 255 rounds back to q.
 *
 * Plain Node; no Electron.
 */
import type { QuorumApi } from '../../src-shared/api/contract';
import type { EvaluationChannel, EvaluationModelSource, EvaluationRaterSource } from '../../src-shared/api/evaluationChannels';
import { readNifti } from '../../src-shared/nifti';
import { raterCaseStatus } from '../../src-shared/project/annotationStatus';
import { seesAllRaters } from '../../src-shared/project/blinding';
import type { AnnotationVersion, Session } from '../../src-shared/project/types';
import { gunzipCapped } from './gunzipCapped';
import { guarded } from './projectGuard';
import { fail } from './project/errors';
import type { ProjectHost } from './project/projectHost';
import type { ProjectStore } from './project/ProjectStore';

export type EvaluationHandlers = Pick<QuorumApi, EvaluationChannel>;

/** Label 1's probabilities as uint8 q = round(p × 255) from the stored NIfTI bytes. */
function quantisedLabelOne(niftiBytes: Uint8Array, voxels: number, fileName: string): Uint8Array {
  const img = readNifti(niftiBytes, {
    fileName,
    gunzip: (gz, size) => gunzipCapped(gz, size + (1 << 20)),
  });
  if (img.data.length < voxels) fail('corrupt-file', `${fileName} holds ${img.data.length} values, fewer than the case's ${voxels} voxels`);
  const q = new Uint8Array(voxels);
  const d = img.data;
  for (let i = 0; i < voxels; i++) {
    const v = Math.round(d[i] * 255);
    q[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
  return q;
}

function groupByRater(versions: readonly AnnotationVersion[]): Map<string, AnnotationVersion[]> {
  const by = new Map<string, AnnotationVersion[]>();
  for (const v of versions) by.set(v.raterId, [...(by.get(v.raterId) ?? []), v]);
  return by;
}

/**
 * `held`: version ids whose voxels the page holds. It is only looked up for versions this session is
 * sent anyway (after the role check), so naming another's or a made-up id reveals nothing.
 */
async function caseSources(store: ProjectStore, s: Session, caseId: string, held: ReadonlySet<string>) {
  if (!seesAllRaters(s.role)) {
    fail(
      'forbidden',
      "evaluation compares every rater's work, so it is for reviewers and admins; an annotator sees only their own annotation",
    );
  }
  const record = await store.getCase(s, caseId);
  const geometry = record.series[0].geometry;
  const voxels = geometry.dims[0] * geometry.dims[1] * geometry.dims[2];
  const byRater = groupByRater(await store.listVersions(s, { caseId })); // oldest first
  const labelmapOf = async (versionId: string) => (held.has(versionId) ? ('held' as const) : await store.readVersionLabelmap(s, versionId));
  const raters: EvaluationRaterSource[] = [];
  const models: EvaluationModelSource[] = [];
  for (const rater of await store.listRaters(s)) {
    const own = byRater.get(rater.raterId) ?? [];
    const submitted = [...own].reverse().find((v) => v.status === 'submitted') ?? null;
    if (rater.kind === 'model') {
      if (!submitted) {
        models.push({
          raterId: rater.raterId,
          name: rater.name,
          versionId: null,
          threshold: null,
          mask: null,
          probabilityQ255: null,
          expectedMl: null,
          maskMl: null,
          modelId: null,
          modelVersion: null,
        });
        continue;
      }
      const r = await store.readModelResult(s, submitted.versionId);
      const q = quantisedLabelOne(r.probabilityBytes, voxels, r.probabilityFileName);
      const vol = r.provenance.volumes?.[0];
      models.push({
        raterId: rater.raterId,
        name: rater.name,
        versionId: submitted.versionId,
        threshold: r.threshold,
        mask: await labelmapOf(submitted.versionId),
        probabilityQ255: q,
        expectedMl: vol?.expectedMl ?? null,
        maskMl: vol?.maskMl ?? null,
        modelId: r.provenance.modelId,
        modelVersion: r.provenance.modelVersion,
      });
      continue;
    }
    if (own.length === 0) continue;
    const labelmap = submitted && !submitted.noLesion ? await labelmapOf(submitted.versionId) : null;
    raters.push({
      raterId: rater.raterId,
      name: rater.name,
      status: raterCaseStatus(own[own.length - 1] ?? null),
      versionId: submitted?.versionId ?? null,
      noLesion: submitted?.noLesion ?? false,
      labelmap,
    });
  }
  return { caseId, name: record.name, geometry, raters, models };
}

export function createEvaluationHandlers(host: ProjectHost): EvaluationHandlers {
  return {
    'quorum:evaluation.caseSources': ({ session, caseId, held }) =>
      guarded(async () => {
        const store = await host.current();
        return await caseSources(store, await host.sessions.resolve(session), caseId, new Set(held));
      }),
  };
}
