/**
 * Makes the multi-class demo project (issue 14) under data-cache/demo-core-penumbra/ (gitignored),
 * from the demo head CT (data-cache/ct/cranium.nii.gz, GPL-2: never committed, so neither is this):
 *
 *   npx tsx scripts/demo-core-penumbra/main.ts [--out DIR] [--force]
 *
 * The folder is a project the app opens with `--project` (demo/README.md): quorum-demo.json with the
 * one case, cohort.json (what the app seeds: the core/penumbra label table and the two synthetic
 * raters' masks, demoCohortSeed.ts; and the case's parameters and volumes), the case image, the
 * truth and each rater's mask. Kept when its generatorHash matches this folder's sources; written into
 * a temporary folder and renamed into place otherwise.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'fflate';
import { readNifti, writeNifti } from '../../src-shared/nifti/index';
import type { Geometry, VoxelArray } from '../../src-shared/volume/types';
import { CORE_PENUMBRA_RATERS, CORE_PENUMBRA_SEED, generateCorePenumbra, labelVoxelCounts } from './generate';

const repo = path.resolve(import.meta.dirname, '..', '..');
const CT = path.join(repo, 'data-cache', 'ct', 'cranium.nii.gz');
const IMAGE = 'ct-core-penumbra.nii.gz';
const CASE_NAME = 'Head CT · synthetic infarct core and penumbra';

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** sha256 over the generator's sources (this folder and the seeded random numbers it draws). */
function generatorHash(): string {
  const h = createHash('sha256');
  const dir = import.meta.dirname;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map((f) => path.join(dir, f));
  for (const f of [...files, path.join(repo, 'scripts', 'demo-cohort', 'random.ts')]) h.update(readFileSync(f));
  return h.digest('hex');
}

/** gzip with mtime 0: the same volume gives the same bytes. */
function niftiGz(geometry: Geometry, data: VoxelArray, description: string): Uint8Array {
  return gzipSync(writeNifti({ geometry, data, description }), { mtime: 0 });
}

function main(): void {
  const out = path.resolve(argValue('--out') ?? path.join(repo, 'data-cache', 'demo-core-penumbra'));
  const hash = generatorHash();
  const cohortFile = path.join(out, 'cohort.json');
  if (!process.argv.includes('--force') && existsSync(cohortFile)) {
    const kept = JSON.parse(readFileSync(cohortFile, 'utf8')) as { generatorHash?: string };
    if (kept.generatorHash === hash) {
      console.log(`demo-core-penumbra: ${out} already present`);
      return;
    }
  }
  if (!existsSync(CT)) throw new Error(`demo-core-penumbra: ${CT} is missing; run scripts/fetch-sample-data.sh first`);
  const ct = readNifti(new Uint8Array(readFileSync(CT)), { fileName: 'cranium.nii.gz' });
  if (!(ct.data instanceof Int16Array)) throw new Error(`demo-core-penumbra: expected Int16 HU in ${CT}`);
  const geometry = ct.geometry;
  const g = generateCorePenumbra(ct.data, geometry);
  const voxelMl = (geometry.spacingMm[0] * geometry.spacingMm[1] * geometry.spacingMm[2]) / 1000;
  const labelMl = (mask: Uint8Array) => {
    const [, core, penumbra] = labelVoxelCounts(mask);
    return { '1': core * voxelMl, '2': penumbra * voxelMl };
  };

  const tmp = `${out}.partial-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(path.join(tmp, 'raters'), { recursive: true });
  writeFileSync(path.join(tmp, IMAGE), niftiGz(geometry, g.image, 'synthetic core/penumbra on Cranium CT'));
  writeFileSync(path.join(tmp, 'truth.nii.gz'), niftiGz(geometry, g.truth, 'truth 1 core 2 penumbra'));
  const raters = g.raters.map(({ spec, mask }) => {
    const rel = `raters/${spec.file}.nii.gz`;
    writeFileSync(path.join(tmp, rel), niftiGz(geometry, mask, `synthetic rater ${spec.file}`));
    return { rater: spec.name, mask: rel, labelMl: labelMl(mask) };
  });
  // The image derives from the GPL-2 CT: its licence travels with it.
  copyFileSync(path.join(path.dirname(CT), 'cranium.COPYRIGHT'), path.join(tmp, 'cranium.COPYRIGHT'));
  const cohort = {
    format: 1,
    generatorHash: hash,
    seed: CORE_PENUMBRA_SEED,
    source: 'data-cache/ct/cranium.nii.gz',
    labels: 'core-penumbra',
    voxelMl,
    raters: CORE_PENUMBRA_RATERS.map((r) => ({ name: r.name, description: r.description })),
    cases: [
      {
        id: 'core-penumbra',
        name: CASE_NAME,
        image: IMAGE,
        centreVoxel: g.centreVoxel,
        coreRadiiVox: g.coreRadiiVox,
        penumbraRadiiVox: g.penumbraRadiiVox,
        coreDropHu: g.coreDropHu,
        penumbraDropHu: g.penumbraDropHu,
        truthMl: labelMl(g.truth),
        raters,
        model: null,
      },
    ],
  };
  writeFileSync(path.join(tmp, 'cohort.json'), `${JSON.stringify(cohort, null, 2)}\n`);
  const manifest = {
    name: 'Quorum demo: infarct core and penumbra',
    cohort: 'cohort.json',
    cases: [
      {
        name: CASE_NAME,
        path: IMAGE,
        kind: 'nifti',
        description:
          'The demo head CT (InVesalius Cranium, GPL-2) with a synthetic infarct core (HU lowered 6–12) inside a synthetic penumbra (2–5), two synthetic raters labelling both (made by scripts/demo-core-penumbra into data-cache/)',
      },
    ],
  };
  writeFileSync(path.join(tmp, 'quorum-demo.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const stale = `${out}.stale-${process.pid}`;
  if (existsSync(out)) renameSync(out, stale);
  renameSync(tmp, out);
  rmSync(stale, { recursive: true, force: true });
  const ml = (m: { '1': number; '2': number }) => `core ${m['1'].toFixed(2)} ml, penumbra ${m['2'].toFixed(2)} ml`;
  console.log(`demo-core-penumbra: truth ${ml(cohort.cases[0].truthMl)}`);
  for (const r of raters) console.log(`demo-core-penumbra: ${r.rater} ${ml(r.labelMl)}`);
  console.log(`demo-core-penumbra: wrote ${out}`);
}

main();
