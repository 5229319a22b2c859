/**
 * Cases of several sequences (issue 12): the migration that turns each existing case into one
 * sequence (its image, as reference), adding sequences, and choosing the reference grid while no
 * annotation exists.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SEQUENCE_KINDS } from '../../../src-shared/project/sequences';
import type { Geometry } from '../../../src-shared/volume/types';
import { caseImage } from '../study/studySources';
import { DB_FILE, ProjectStore } from './ProjectStore';
import { MIGRATIONS } from './schema';
import { Db, text } from './sqlite';
import { APP_VERSION, GRID, insertPreSequenceCase, labelmapWith, populated, tempDir, type Populated } from './testSupport';

/** The ADC of an ISLES'22-like case: the DWI's grid shifted by two voxels along i. */
const ADC_GRID: Geometry = { ...GRID, originLps: [GRID.originLps[0] + 2 * GRID.spacingMm[0], GRID.originLps[1], GRID.originLps[2]] };
const FLAIR_GRID: Geometry = {
  dims: [3, 3, 3],
  spacingMm: [1.5, 1.5, 5],
  originLps: [-12, 31, -3],
  direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
};

let p: Populated | null = null;
const opened: ProjectStore[] = [];
afterEach(() => {
  p?.store.close();
  p = null;
  opened.splice(0).forEach((s) => s.close());
});

describe('sequences of a case', () => {
  it('migrates a project made before sequences: each case becomes one sequence, its image, as reference', async () => {
    const dir = tempDir();
    const before = MIGRATIONS.findIndex((m) => m.description.startsWith('sequences'));
    expect(before).toBe(5);
    const old = await ProjectStore.open(dir, { appVersion: APP_VERSION, create: true, migrations: MIGRATIONS.slice(0, before) });
    const adminId = (await old.createIdentity('Ada', 'admin')).raterId;
    old.close();
    const raw = new Db(path.join(dir, DB_FILE));
    const dwiId = insertPreSequenceCase(raw, 'dwi-case', '/data/dwi.nii.gz', [
      { label: 'b=0', bValue: 0 },
      { label: 'b=1000', bValue: 1000 },
    ]);
    const t1Id = insertPreSequenceCase(raw, 't1-case', 'images/t1.nii.gz', [{ label: 't1', bValue: null }]);
    raw.close();

    const store = await ProjectStore.open(dir, { appVersion: APP_VERSION });
    opened.push(store);
    expect(store.openReport.migration).toMatchObject({ from: before, to: MIGRATIONS.length });
    const admin = await store.signIn(adminId);
    const dwi = await store.getCase(admin, dwiId);
    expect(dwi.sequences).toEqual([
      {
        sequenceId: dwi.referenceSequenceId,
        name: 'dwi',
        kind: 'dwi',
        path: '/data/dwi.nii.gz',
        volumes: [
          { label: 'b=0', bValue: 0 },
          { label: 'b=1000', bValue: 1000 },
        ],
        geometry: GRID,
      },
    ]);
    // The series (the reference's volumes) are untouched.
    expect(dwi.series.map((s) => [s.ordinal, s.label, s.bValue, s.path])).toEqual([
      [0, 'b=0', 0, '/data/dwi.nii.gz'],
      [1, 'b=1000', 1000, '/data/dwi.nii.gz'],
    ]);
    const t1 = await store.getCase(admin, t1Id);
    expect(t1.sequences.map((s) => [s.name, s.kind, s.path])).toEqual([['image', 'other', 'images/t1.nii.gz']]);
    expect(t1.referenceSequenceId).toBe(t1.sequences[0].sequenceId);
    // Annotations still live on the old grid.
    const v = await store.saveLabelmap(admin, { caseId: dwiId, labelmap: labelmapWith([5]), status: 'draft' });
    expect((await store.readVersionLabelmap(admin, v.versionId))[5]).toBe(1);
  });

  it('keeps the kinds the app knows equal to those the database accepts', async () => {
    const s = (p = await populated());
    const sql = text((await s.store['ctx'].db.get("SELECT sql FROM sqlite_master WHERE name = 'sequences'")) ?? {}, 'sql');
    expect(sql).toContain(`CHECK (kind IN (${SEQUENCE_KINDS.map((k) => `'${k}'`).join(', ')}))`);
  });

  it('adds named sequences on their own grids (reviewers and admins), refusing a clash or a bad name', async () => {
    const s = (p = await populated());
    expect(s.caseA.sequences.map((q) => [q.name, q.kind])).toEqual([['image', 'other']]);
    const adc = await s.store.addSequence(s.reviewer, s.caseA.caseId, {
      name: 'adc',
      kind: 'adc',
      path: '/data/adc.nii.gz',
      volumes: [{ label: 'adc', bValue: null }],
      geometry: ADC_GRID,
    });
    await s.store.addSequence(s.admin, s.caseA.caseId, {
      name: 'flair',
      kind: 'flair',
      path: '/data/flair.nii.gz',
      volumes: [{ label: 'flair', bValue: null }],
      geometry: FLAIR_GRID,
    });
    const c = await s.store.getCase(s.alice, s.caseA.caseId);
    expect(c.sequences.map((q) => [q.name, q.kind, q.geometry.originLps])).toEqual([
      ['image', 'other', GRID.originLps],
      ['adc', 'adc', ADC_GRID.originLps],
      ['flair', 'flair', FLAIR_GRID.originLps],
    ]);
    expect(c.referenceSequenceId).toBe(s.caseA.referenceSequenceId);
    expect(c.series[0].geometry).toEqual(GRID);
    const input = { name: 'adc', kind: 'adc' as const, path: '/x.nii', volumes: [{ label: 'x', bValue: null }], geometry: ADC_GRID };
    await expect(async () => await s.store.addSequence(s.admin, s.caseA.caseId, input)).rejects.toThrow(
      /already has a sequence named "adc"/,
    );
    await expect(async () => await s.store.addSequence(s.admin, s.caseA.caseId, { ...input, name: 'ADC map' })).rejects.toThrow(
      /sequence name "ADC map" must be/,
    );
    // @ts-expect-error: an unknown kind from an untyped caller
    await expect(async () => await s.store.addSequence(s.admin, s.caseA.caseId, { ...input, name: 'pd', kind: 'pd' })).rejects.toThrow(
      /kind must be one of/,
    );
    await expect(async () => await s.store.addSequence(s.alice, s.caseA.caseId, { ...input, name: 'mine' })).rejects.toThrow(
      /only reviewers and admins/,
    );
    expect((await s.store.getCase(s.admin, s.caseA.caseId)).sequences).toHaveLength(3);
    expect((await s.store.auditLog(s.admin)).some((e) => e.action === 'sequence.add' && e.subjectId === adc.sequenceId)).toBe(true);
  });

  it('changes the reference grid only while the case has no annotation', async () => {
    const s = (p = await populated());
    const adc = await s.store.addSequence(s.admin, s.caseA.caseId, {
      name: 'adc',
      kind: 'adc',
      path: '/data/adc.nii.gz',
      volumes: [{ label: 'adc', bValue: null }],
      geometry: FLAIR_GRID,
    });
    await expect(async () => await s.store.setReferenceSequence(s.reviewer, s.caseA.caseId, adc.sequenceId)).rejects.toThrow(
      /only an admin/,
    );
    const moved = await s.store.setReferenceSequence(s.admin, s.caseA.caseId, adc.sequenceId);
    expect(moved.referenceSequenceId).toBe(adc.sequenceId);
    // Masks are now checked against the ADC's grid: 3 × 3 × 3 voxels.
    expect(moved.series.map((q) => [q.label, q.path, q.geometry])).toEqual([['adc', '/data/adc.nii.gz', FLAIR_GRID]]);
    await expect(
      async () => await s.store.saveLabelmap(s.alice, { caseId: s.caseA.caseId, labelmap: labelmapWith([1]), status: 'draft' }),
    ).rejects.toThrow(/27|3 × 3 × 3|3x3x3|grid/);
    await s.store.saveLabelmap(s.alice, { caseId: s.caseA.caseId, labelmap: new Uint8Array(27).fill(0, 0), status: 'draft' });
    await expect(async () => await s.store.setReferenceSequence(s.admin, s.caseA.caseId, s.caseA.referenceSequenceId)).rejects.toThrow(
      /cannot change once the case has annotations \(1 saved version/,
    );
    expect((await s.store.getCase(s.admin, s.caseA.caseId)).referenceSequenceId).toBe(adc.sequenceId);
  });
});

describe('the reader study image of a DWI case', () => {
  it('is its b1000, not its b0', async () => {
    const s = (p = await populated());
    const dwi = await s.store.addCase(s.admin, {
      name: 'dwi-case',
      source: 'nifti',
      series: [
        { label: 'b=0', path: '/data/dwi.nii.gz', bValue: 0, geometry: GRID },
        { label: 'b=1000', path: '/data/dwi.nii.gz', bValue: 1000, geometry: GRID },
      ],
    });
    expect(await caseImage(s.store['ctx'], dwi.caseId)).toEqual({ path: '/data/dwi.nii.gz', bValue: 1000, dims: GRID.dims });
    expect((await caseImage(s.store['ctx'], s.caseA.caseId)).bValue).toBeNull();
  });
});
