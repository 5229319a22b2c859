/**
 * Makes the demo evaluation cohort under data-cache/demo-cohort/ (gitignored), idempotently:
 *
 *   npx tsx scripts/demo-cohort/main.ts [--out DIR] [--no-model] [--force] [--update-shipped-model]
 *
 * Six cases from the real demo DWI (spec.ts), three synthetic raters' masks per case, and the demo
 * model's result on each: the committed one when it was made from the same case and model
 * (shippedModel.ts), otherwise a run of the model (model.ts); `--update-shipped-model` runs the
 * model on every case and rewrites the committed results. A cohort.json of the current format already there is kept; a
 * new one is written into a temporary folder and renamed into place, so an interrupted run never
 * leaves a half cohort that looks complete. Prints the cohort table (demo/README.md has it too).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseBval, readNifti, splitByBValue, writeNifti } from '../../src-shared/nifti/index';
import {
  COHORT_FILE,
  COHORT_FORMAT,
  parseCohortManifest,
  type CohortCase,
  type CohortManifest,
} from '../../src-main/services/project/demoCohortManifest';
import type { InferenceProvenance } from '../../src-shared/inference/index';
import { caseImageFiles, generateCohort, labelCounts, voxelMlOf, type GeneratedCase, type SourceDwi } from './generate';
import { loadDemoModel, runDemoModel, type DemoModel } from './model';
import { readShippedResult, RESULT_FILES, sha256Of, writeShippedResults, type ModelResultFiles } from './shippedModel';
import { COHORT_SEED, RATERS } from './spec';
import { cohortTable } from './table';

const repo = path.resolve(import.meta.dirname, '..', '..');
const MODEL_DIR = path.join(repo, 'models', 'demo-dwi-lesion');

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function raterSlug(name: string): string {
  return name
    .toLowerCase()
    .replace(/^dr\.?\s+/, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function readSource(): { src: SourceDwi; bvec: string } {
  const dir = path.join(repo, 'demo', 'dwi');
  const image = readNifti(new Uint8Array(readFileSync(path.join(dir, 'dwi.nii.gz'))), { fileName: 'dwi.nii.gz' });
  const bValues = parseBval(readFileSync(path.join(dir, 'dwi.bval'), 'utf8'), 'dwi.bval');
  const n = image.geometry.dims[0] * image.geometry.dims[1] * image.geometry.dims[2];
  const volumes = Array.from({ length: image.volumeCount }, (_, c) => Float32Array.from(image.data.subarray(c * n, (c + 1) * n)));
  return { src: { geometry: image.geometry, volumes, bValues }, bvec: readFileSync(path.join(dir, 'dwi.bvec'), 'utf8') };
}

/** sha256 over this folder's sources and the cohort index schema: any change to how the cohort is made. */
function generatorHash(): string {
  const h = createHash('sha256');
  const dir = import.meta.dirname;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .sort()
    .map((f) => path.join(dir, f));
  for (const f of [...files, path.join(repo, 'src-main', 'services', 'project', 'demoCohortManifest.ts')]) h.update(readFileSync(f));
  return h.digest('hex');
}

function existingIsCurrent(out: string, wantModel: boolean): boolean {
  const file = path.join(out, COHORT_FILE);
  if (!existsSync(file)) return false;
  try {
    const m = parseCohortManifest(readFileSync(file, 'utf8'), file);
    return m.seed === COHORT_SEED && m.generatorHash === generatorHash() && (!wantModel || m.cases.every((c) => c.model !== null));
  } catch {
    return false;
  }
}

/** A case's model result: its stored files, the sha256 of the inputs it belongs to, and whether the model ran for it. */
type ModelResultFor = (
  g: GeneratedCase,
  imageBytes: Uint8Array,
  bval: string,
) => Promise<{ files: ModelResultFiles; caseInputSha256: string; ran: boolean }>;

/** Committed results where their inputs match, a run of the demo model (loaded once, on first need) otherwise. */
function modelResults(src: SourceDwi, modelJsonSha256: string, useShipped: boolean): ModelResultFor {
  let demo: Promise<DemoModel> | null = null;
  return async (g, imageBytes, bval) => {
    const caseInputSha256 = sha256Of(imageBytes, bval);
    const shipped = useShipped ? readShippedResult(g.spec.id, caseInputSha256, modelJsonSha256) : null;
    if (shipped) return { files: shipped, caseInputSha256, ran: false };
    demo ??= loadDemoModel(MODEL_DIR);
    // Read the image back as the app does (NIfTI + .bval split), so the model sees exactly the case file.
    const image = readNifti(imageBytes, { fileName: 'dwi.nii.gz' });
    const vols = splitByBValue(image, src.bValues.slice(), []);
    const out = await runDemoModel(
      await demo,
      image.geometry.dims,
      image.geometry.spacingMm,
      vols.map((v) => ({ bValue: v.bValue, data: v.volume.data })),
    );
    const files: ModelResultFiles = {
      'mask.nii.gz': writeNifti({ geometry: src.geometry, data: out.mask, description: 'demo model p > 0.5' }, { gzip: true }),
      'probability.nii.gz': writeNifti(
        { geometry: src.geometry, data: out.probability, sclSlope: 1 / 255, description: 'demo model p x255' },
        { gzip: true },
      ),
      'provenance.json': new TextEncoder().encode(`${JSON.stringify(out.provenance, null, 2)}\n`),
    };
    return { files, caseInputSha256, ran: true };
  };
}

async function writeCase(
  dir: string,
  g: GeneratedCase,
  src: SourceDwi,
  bvec: string,
  resultFor: ModelResultFor | null,
): Promise<{ entry: CohortCase; model: Awaited<ReturnType<ModelResultFor>> | null }> {
  const caseDir = path.join(dir, g.spec.id);
  mkdirSync(path.join(caseDir, 'raters'), { recursive: true });
  const geometry = src.geometry;
  const { niiGz: imageBytes, bval } = caseImageFiles(g, src);
  writeFileSync(path.join(caseDir, 'dwi.nii.gz'), imageBytes);
  writeFileSync(path.join(caseDir, 'dwi.bval'), bval);
  writeFileSync(path.join(caseDir, 'dwi.bvec'), bvec);
  const voxelMl = voxelMlOf(src);
  const raters: CohortCase['raters'] = g.raters.map(({ spec, mask }) => {
    const [, lesion, uncertain] = labelCounts(mask);
    const found = g.blobs.map((_, b) => b).filter((b) => !(spec.missesSmallestOfSeveral && b === g.missed));
    if (g.blobs.length === 0) {
      if (lesion + uncertain > 0) throw new Error(`demo cohort: ${spec.name} drew on the empty case ${g.spec.id}`);
      return { rater: spec.name, mask: null, lesionMl: 0, uncertainMl: 0, lesionsFound: [] };
    }
    if (lesion === 0) throw new Error(`demo cohort: ${spec.name}'s mask on ${g.spec.id} is empty`);
    const rel = `${g.spec.id}/raters/${raterSlug(spec.name)}.nii.gz`;
    writeFileSync(
      path.join(dir, rel),
      writeNifti({ geometry, data: mask, description: `synthetic rater ${raterSlug(spec.name)}` }, { gzip: true }),
    );
    return { rater: spec.name, mask: rel, lesionMl: lesion * voxelMl, uncertainMl: uncertain * voxelMl, lesionsFound: found };
  });
  let model: CohortCase['model'] = null;
  const result = resultFor ? await resultFor(g, imageBytes, bval) : null;
  if (result) {
    mkdirSync(path.join(caseDir, 'model'), { recursive: true });
    const rel = (f: string) => `${g.spec.id}/model/${f}`;
    for (const name of RESULT_FILES) writeFileSync(path.join(dir, rel(name)), result.files[name]);
    const provenance = JSON.parse(new TextDecoder().decode(result.files['provenance.json'])) as InferenceProvenance;
    const volume = provenance.volumes?.[0];
    if (!volume) throw new Error(`demo cohort: the model result of ${g.spec.id} has no volumes in its provenance`);
    model = {
      mask: rel('mask.nii.gz'),
      probability: rel('probability.nii.gz'),
      provenance: rel('provenance.json'),
      maskMl: volume.maskMl,
      expectedMl: volume.expectedMl,
    };
  }
  const entry: CohortCase = {
    id: g.spec.id,
    name: g.spec.name,
    kind: g.spec.kind,
    image: `${g.spec.id}/dwi.nii.gz`,
    seed: g.seed,
    noiseSigma: g.spec.noiseSigma,
    lesions: g.blobs.map((b, i) => ({ centreVoxel: [...b.centre], truthMl: g.truthVoxels[i] * voxelMl, ...g.contrast[i] })),
    truthMl: g.truthVoxels.reduce((a, b) => a + b, 0) * voxelMl,
    raters,
    model,
  };
  return { entry, model: result };
}

async function main(): Promise<void> {
  const out = path.resolve(argValue('--out') ?? path.join(repo, 'data-cache', 'demo-cohort'));
  const wantModel = !process.argv.includes('--no-model');
  const updateShipped = process.argv.includes('--update-shipped-model');
  if (!process.argv.includes('--force') && !updateShipped && existingIsCurrent(out, wantModel)) {
    console.log(`demo-cohort: ${out} already present`);
    return;
  }
  const t0 = Date.now();
  const { src, bvec } = readSource();
  const generated = generateCohort(src, COHORT_SEED);
  // model.json pins every member's sha256, so its own hash identifies the model.
  const modelJsonSha256 = sha256Of(readFileSync(path.join(MODEL_DIR, 'model.json')));
  const resultFor = wantModel || updateShipped ? modelResults(src, modelJsonSha256, !updateShipped) : null;
  const tmp = `${out}.partial-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const cases: CohortCase[] = [];
  const results: Array<{ caseId: string; caseInputSha256: string; files: ModelResultFiles; ran: boolean }> = [];
  for (const g of generated) {
    const { entry, model } = await writeCase(tmp, g, src, bvec, resultFor);
    cases.push(entry);
    if (model) results.push({ caseId: g.spec.id, ...model });
    const how = model === null ? '' : model.ran ? ', model run' : ', committed model result';
    console.log(`demo-cohort: ${g.spec.id} done (${((Date.now() - t0) / 1000).toFixed(1)} s${how})`);
  }
  if (updateShipped) {
    writeShippedResults(results, modelJsonSha256);
    console.log('demo-cohort: rewrote the committed model results in demo/cohort-model/; commit them');
  } else if (results.some((r) => r.ran)) {
    console.log(
      'demo-cohort: the committed model results (demo/cohort-model/) were made from other images or another model, so the model ran; refresh them with --update-shipped-model',
    );
  }
  const manifest: CohortManifest = {
    format: COHORT_FORMAT,
    generatorHash: generatorHash(),
    seed: COHORT_SEED,
    source: 'demo/dwi/dwi.nii.gz',
    voxelMl: voxelMlOf(src),
    raters: RATERS.map((r) => ({ name: r.name, description: r.description })),
    cases,
  };
  writeFileSync(path.join(tmp, COHORT_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  // Swap by two renames: a server reading the old cohort meanwhile sees it whole until the swap.
  const stale = `${out}.stale-${process.pid}`;
  if (existsSync(out)) renameSync(out, stale);
  renameSync(tmp, out);
  rmSync(stale, { recursive: true, force: true });
  console.log(cohortTable(manifest));
  console.log(`demo-cohort: wrote ${out} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

await main();
