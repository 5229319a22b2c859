/**
 * Model results as a rater (issue 5). A saved inference result is one more rater's submitted
 * version: the mask (at the user's threshold) is an ordinary annotation file, so consensus, export,
 * statuses and the reviewer's overlays treat the model like anyone else. Beside it,
 * `inference_results` keeps the probability map (uint8 p × 255, see quantise.ts for why) and the
 * provenance: model id and version, member sha256s, EP, settings with the threshold, stage times.
 *
 * The model's rater (kind 'model', role 'annotator', one per model id + version) is created on its
 * first save. Being an annotator-role rater, the blinding rules keep its work from every annotator
 * session, exactly as they keep one annotator's from another's. Only reviewers and admins save
 * model results: an annotator could not even read back what they saved.
 */
import { seesAllRaters } from '../../../src-shared/project/blinding';
import type { AnnotationVersion, Rater, Session } from '../../../src-shared/project/types';
import { inferenceProvenanceSchema, type InferenceProvenance } from '../../../src-shared/inference/provenance';
import { maskThresholdMismatches } from '../../../src-shared/inference/quantise';
import { AnnotationFileError } from './annotationFiles';
import { appendAudit } from './audit';
import { referenceGeometry } from './cases';
import { newId, nowIso, type StoreContext } from './context';
import { fail, ProjectError } from './errors';
import { encodeLabelmap, encodeQuantisedProbability } from './maskCodec';
import { numOrNull, text, type Row } from './sqlite';
import { getVersion, writeVersion } from './versions';

export interface SaveModelResultInput {
  caseId: string;
  /** Uint8 on the case grid: 0 background, label codes 1… (sigmoid: p > threshold). */
  mask: Uint8Array;
  /** Quantised probabilities, label-major, `probabilityVolumes` × voxels. */
  probability: Uint8Array;
  probabilityVolumes: number;
  provenance: InferenceProvenance;
}

export interface ModelResult {
  version: AnnotationVersion;
  rater: Rater;
  provenance: InferenceProvenance;
  threshold: number;
  probabilityFileName: string;
  probabilityHash: string;
}

const MAX_NAME = 80;

function modelRef(p: InferenceProvenance): string {
  return `${p.modelId}@${p.modelVersion}`;
}

/** The model version's rater, created on first use inside the caller's transaction. */
async function modelRater(ctx: StoreContext, p: InferenceProvenance): Promise<Rater> {
  const ref = modelRef(p);
  const row = await ctx.db.get('SELECT rater_id, name, created_at FROM raters WHERE model_ref = ?', [ref]);
  if (row)
    return {
      raterId: text(row, 'rater_id'),
      name: text(row, 'name'),
      role: 'annotator',
      createdAt: text(row, 'created_at'),
      kind: 'model',
    };
  let name = `${p.modelName} ${p.modelVersion} (model)`.slice(0, MAX_NAME);
  // A person may already use that name (names are unique): the model id then disambiguates.
  if (await ctx.db.get('SELECT 1 AS x FROM raters WHERE name = ? COLLATE NOCASE', [name]))
    name = `${p.modelName} (model ${ref})`.slice(0, MAX_NAME);
  if (await ctx.db.get('SELECT 1 AS x FROM raters WHERE name = ? COLLATE NOCASE', [name]))
    fail('bad-request', `cannot name the rater of model ${ref}: "${name}" is taken`);
  const rater: Rater = { raterId: newId('rater'), name, role: 'annotator', createdAt: nowIso(), kind: 'model' };
  await ctx.db.run("INSERT INTO raters (rater_id, name, role, created_at, kind, model_ref) VALUES (?, ?, 'annotator', ?, 'model', ?)", [
    rater.raterId,
    rater.name,
    rater.createdAt,
    ref,
  ]);
  return rater;
}

async function checkInput(ctx: StoreContext, input: SaveModelResultInput): Promise<InferenceProvenance> {
  const parsed = inferenceProvenanceSchema.safeParse(input.provenance);
  if (!parsed.success)
    fail(
      'bad-request',
      `the result's provenance is incomplete: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const provenance = parsed.data;
  const threshold = provenance.settings.threshold;
  if (!(threshold >= 0 && threshold <= 1)) fail('bad-request', `threshold ${threshold} is outside [0, 1]`);
  const dims = (await referenceGeometry(ctx, input.caseId)).dims;
  const n = dims[0] * dims[1] * dims[2];
  if (input.mask.length !== n)
    fail('bad-geometry', `mask has ${input.mask.length} voxels but the case grid ${JSON.stringify(dims)} has ${n}`);
  const volumes = input.probabilityVolumes;
  if (!(Number.isInteger(volumes) && volumes >= 1 && volumes <= 2))
    fail('bad-request', `a model result has 1 or 2 probability volumes (labels), not ${volumes}`);
  if (input.probability.length !== n * volumes)
    fail('bad-geometry', `probability map has ${input.probability.length} values, expected ${volumes} × ${n}`);
  if (volumes === 1) {
    const off = maskThresholdMismatches(input.mask, input.probability, threshold);
    if (off > 0)
      fail(
        'bad-request',
        `mask disagrees with p > ${threshold} at ${off} voxel(s): it was not made from this probability map at this threshold`,
      );
  }
  return provenance;
}

/** Stores a model result as the model rater's submitted version (reviewers and admins; `null`: the app itself, e.g. the demo cohort's seeding). */
export async function saveModelResult(ctx: StoreContext, viewer: Session | null, input: SaveModelResultInput): Promise<ModelResult> {
  if (viewer !== null && !seesAllRaters(viewer.role))
    fail('forbidden', "only reviewers and admins save a model's result: annotators never see model results");
  const provenance = await checkInput(ctx, input);
  const geometry = await referenceGeometry(ctx, input.caseId);
  const desc = `p x255 ${provenance.modelId} ${provenance.modelVersion}`.replace(/[^\x20-\x7e]/g, '?').slice(0, 79);
  const maskBytes = encodeLabelmap(geometry, input.mask);
  const probabilityBytes = encodeQuantisedProbability(geometry, input.probability, input.probabilityVolumes, desc);
  // One transaction: the mask's labels are checked and its version written as any save's (writeVersion), then the probability map beside it.
  return await ctx.db.transaction(async () => {
    const rater = await modelRater(ctx, provenance);
    const version = await writeVersion(ctx, {
      caseId: input.caseId,
      raterId: rater.raterId,
      actorRaterId: viewer?.raterId ?? null,
      parentVersionId: undefined,
      status: 'submitted',
      origin: 'import',
      content: { kind: 'mask', newVoxels: input.mask, bytes: maskBytes, name: 'mask' },
    });
    const prob = await ctx.blobs.store(probabilityBytes);
    await ctx.db.run(
      'INSERT INTO inference_results (version_id, probability_hash, probability_file, threshold, provenance) VALUES (?, ?, ?, ?, ?)',
      [version.versionId, prob.hash, prob.fileName, provenance.settings.threshold, JSON.stringify(provenance)],
    );
    await appendAudit(ctx, {
      actorRaterId: viewer?.raterId ?? null,
      action: 'model-result.save',
      caseId: input.caseId,
      subjectId: version.versionId,
      detail: {
        model: modelRef(provenance),
        probabilityHash: prob.hash,
        threshold: provenance.settings.threshold,
        ep: provenance.executionProvider,
      },
    });
    return {
      version,
      rater,
      provenance,
      threshold: provenance.settings.threshold,
      probabilityFileName: prob.fileName,
      probabilityHash: prob.hash,
    };
  });
}

async function resultRow(ctx: StoreContext, versionId: string): Promise<Row | null> {
  return await ctx.db.get('SELECT * FROM inference_results WHERE version_id = ?', [versionId]);
}

/** The model result behind a version, blinded like the version itself (annotators: not-found). */
export async function readModelResult(
  ctx: StoreContext,
  viewer: Session,
  versionId: string,
): Promise<ModelResult & { probabilityBytes: Uint8Array }> {
  const version = await getVersion(ctx, viewer, versionId);
  const row = (await resultRow(ctx, versionId)) ?? fail('not-found', `version ${versionId} is not a model result`);
  const r =
    (await ctx.db.get('SELECT * FROM raters WHERE rater_id = ?', [version.raterId])) ?? fail('not-found', `no rater ${version.raterId}`);
  const rater: Rater = {
    raterId: text(r, 'rater_id'),
    name: text(r, 'name'),
    role: 'annotator',
    createdAt: text(r, 'created_at'),
    kind: 'model',
  };
  const provenance = inferenceProvenanceSchema.parse(JSON.parse(text(row, 'provenance')));
  const fileName = text(row, 'probability_file');
  const hash = text(row, 'probability_hash');
  let probabilityBytes: Uint8Array;
  try {
    probabilityBytes = await ctx.blobs.read(fileName, hash);
  } catch (err) {
    if (err instanceof AnnotationFileError) throw new ProjectError('corrupt-file', err.message);
    throw err;
  }
  return {
    version,
    rater,
    provenance,
    threshold: numOrNull(row, 'threshold') ?? fail('corrupt-file', `model result ${versionId} has no threshold`),
    probabilityFileName: fileName,
    probabilityHash: hash,
    probabilityBytes,
  };
}
