/**
 * Seeds the demo evaluation cohort (scripts/demo-cohort/, data-cache/demo-cohort/) into the app's
 * demo project, after registerFolderCases has registered its cases from quorum-demo.json: the three
 * synthetic raters' submitted masks and "no lesion" answers, and the demo model's precomputed results.
 *
 * Everything goes through the store's normal paths, so files are content-addressed and every write
 * has its audit row: each synthetic rater imports its own masks with its own session (an annotator,
 * assigned by open enrolment), and the model results are saved by the app (no actor) as the model's
 * rater. Idempotent: a rater or model that already has a version on a case is left alone, so a
 * restart adds nothing twice. The raters are marked as seeded (demoCohortRaters.ts), so the first
 * person who signs up is still the project's admin.
 *
 * It never throws: a missing or broken cohort is a note, and the demo's other cases still open.
 * The cohort is found through the demo manifest's `cohort` key (a path to cohort.json, relative to
 * the manifest), so only a folder that declares a cohort gets one. Two generators write one:
 * scripts/demo-cohort (the DWI cohort, demoCohortManifest.ts has its whole schema) and
 * scripts/demo-core-penumbra (the multi-class CT case, whose masks need the core/penumbra label
 * table, named by `labels`); the seeder reads only what it seeds (`seedableSchema`).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readNifti } from '../../../src-shared/nifti/index';
import { inferenceProvenanceSchema } from '../../../src-shared/inference/provenance';
import { quantiseProbabilities } from '../../../src-shared/inference/quantise';
import type { CaseRecord, Session } from '../../../src-shared/project/types';
import { LABEL_PRESETS, type LabelPresetId } from '../../../src-shared/project/labelTable';
import { z } from '../../../src-shared/zod';
import { MANIFEST_NAME } from '../projectScan';
import { COHORT_FORMAT } from './demoCohortManifest';
import type { ProjectStore } from './ProjectStore';

/** What the seeder reads of a cohort.json; each generator records more beside it. */
const seedableSchema = z.object({
  format: z.literal(COHORT_FORMAT),
  /** The label table the masks' values mean; absent: the stroke table every project starts with. */
  labels: z.enum(Object.keys(LABEL_PRESETS) as [LabelPresetId, ...LabelPresetId[]]).optional(),
  raters: z.array(z.object({ name: z.string().min(1) })),
  cases: z.array(
    z.object({
      name: z.string().min(1),
      image: z.string(),
      /** Each rater's submitted mask, or null for the explicit "no lesion" answer. */
      raters: z.array(z.object({ rater: z.string().min(1), mask: z.string().nullable() })),
      model: z.object({ mask: z.string(), probability: z.string(), provenance: z.string() }).nullable(),
    }),
  ),
});
type SeedableCohort = z.infer<typeof seedableSchema>;
type SeedableCase = SeedableCohort['cases'][number];

function parseSeedable(text: string, where: string): SeedableCohort {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${where} is not JSON: ${(e as Error).message}`);
  }
  const parsed = seedableSchema.safeParse(json);
  if (!parsed.success)
    throw new Error(
      `${where} is not a demo cohort index of format ${COHORT_FORMAT}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

/**
 * Gives the project the cohort's label table while it still has the stroke table a new project
 * starts with (so an admin's later edit is never undone), before any mask is imported.
 */
async function applyLabels(store: ProjectStore, preset: LabelPresetId): Promise<void> {
  const current = await store.labelsAsApp();
  if (JSON.stringify(current) === JSON.stringify(LABEL_PRESETS.stroke.labels)) await store.setLabelsAsApp(LABEL_PRESETS[preset].labels);
}

export interface CohortSeedReport {
  /** "<case>: <what>" for each thing added. */
  added: string[];
  notes: string[];
}

/** The cohort.json the demo folder's manifest names, or null when it names none. */
function cohortFileOf(demoFolder: string): string | null {
  const manifestPath = path.join(demoFolder, MANIFEST_NAME);
  if (!existsSync(manifestPath)) return null;
  const json: unknown = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const cohort = typeof json === 'object' && json !== null && 'cohort' in json ? json.cohort : undefined;
  return typeof cohort === 'string' ? path.resolve(demoFolder, cohort) : null;
}

async function seededRater(store: ProjectStore, name: string, notes: string[]): Promise<Session | null> {
  const seeded = new Set(await store.seededRaterIds());
  const existing = await store.personByNameAsApp(name);
  if (existing) {
    // Someone may have signed up under the same name; their work is theirs, not the cohort's.
    if (!seeded.has(existing.raterId)) {
      notes.push(`${name} exists but was not seeded by the demo; their masks are not imported`);
      return null;
    }
    return { raterId: existing.raterId, role: existing.role };
  }
  const r = await store.createSeededRater(name);
  return { raterId: r.raterId, role: r.role };
}

function readBytes(cohortDir: string, rel: string): Uint8Array {
  return new Uint8Array(readFileSync(path.join(cohortDir, rel)));
}

async function seedCase(
  store: ProjectStore,
  cohortDir: string,
  c: SeedableCase,
  record: CaseRecord,
  raters: Map<string, Session>,
  report: CohortSeedReport,
): Promise<void> {
  const present = await store.ratersWithVersionsAsApp(record.caseId);
  const has = new Set(present.map((p) => p.raterId));
  for (const r of c.raters) {
    const session = raters.get(r.rater);
    if (!session || has.has(session.raterId)) continue;
    if (r.mask === null) {
      await store.submitNoLesion(session, { caseId: record.caseId });
      report.added.push(`${c.name}: ${r.rater} no lesion`);
    } else {
      await store.importMask(session, {
        caseId: record.caseId,
        bytes: readBytes(cohortDir, r.mask),
        fileName: path.basename(r.mask),
        status: 'submitted',
      });
      report.added.push(`${c.name}: ${r.rater} mask`);
    }
  }
  if (c.model && !present.some((p) => p.kind === 'model')) {
    const mask = readNifti(readBytes(cohortDir, c.model.mask), { fileName: c.model.mask });
    const prob = readNifti(readBytes(cohortDir, c.model.probability), { fileName: c.model.probability });
    // The file holds p × 255 with scl_slope 1/255; re-quantising the scaled values gives the stored bytes back.
    const probability = quantiseProbabilities([Float32Array.from(prob.data)]);
    const provenance = inferenceProvenanceSchema.parse(JSON.parse(readFileSync(path.join(cohortDir, c.model.provenance), 'utf8')));
    await store.saveModelResultAsApp({
      caseId: record.caseId,
      mask: Uint8Array.from(mask.data),
      probability,
      probabilityVolumes: 1,
      provenance,
    });
    report.added.push(`${c.name}: model result`);
  }
}

/** Seeds what is missing of the cohort into the store (see the file comment). */
export async function seedDemoCohort(store: ProjectStore, demoFolder: string): Promise<CohortSeedReport> {
  const report: CohortSeedReport = { added: [], notes: [] };
  let cohortFile: string | null;
  let manifest: SeedableCohort;
  try {
    cohortFile = cohortFileOf(demoFolder);
    if (cohortFile === null) return report;
    if (!existsSync(cohortFile)) {
      report.notes.push(`the demo cohort is not generated yet (${cohortFile}); run scripts/fetch-sample-data.sh`);
      return report;
    }
    manifest = parseSeedable(readFileSync(cohortFile, 'utf8'), cohortFile);
    if (manifest.labels !== undefined && manifest.labels !== 'stroke') await applyLabels(store, manifest.labels);
  } catch (err) {
    report.notes.push(`demo cohort not seeded: ${(err as Error).message}`);
    return report;
  }
  const cohortDir = path.dirname(cohortFile);
  const raters = new Map<string, Session>();
  for (const r of manifest.raters) {
    try {
      const s = await seededRater(store, r.name, report.notes);
      if (s) raters.set(r.name, s);
    } catch (err) {
      report.notes.push(`${r.name}: ${(err as Error).message}`);
    }
  }
  // Any seeded rater sees every case (open enrolment); its list finds the cohort's case records.
  const viewer = [...raters.values()][0];
  if (!viewer) return report;
  const records = await store.listCases(viewer);
  for (const c of manifest.cases) {
    const image = path.resolve(cohortDir, c.image);
    const record = records.find((r) => r.name === c.name && path.resolve(store.dir, r.series[0]?.path ?? '') === image);
    if (!record) {
      report.notes.push(`${c.name}: not registered in the project (is it in ${MANIFEST_NAME}?)`);
      continue;
    }
    try {
      await seedCase(store, cohortDir, c, record, raters, report);
    } catch (err) {
      report.notes.push(`${c.name}: ${(err as Error).message}`);
    }
  }
  return report;
}
