/**
 * Open enrolment (every rater on every case, for the demo project) and the registration of a
 * folder's cases as the app: idempotent by name, failures skipped with a note, audited with no actor.
 */
import { describe, expect, it } from 'vitest';
import type { CaseEntry, VolumeInfo } from '../../../src-shared/api/contract';
import { registerFolderCases } from './demoCases';
import { GRID, openTemp } from './testSupport';

const volume = (label: string, bValue: number | null): VolumeInfo => ({
  volumeId: label,
  label,
  bValue,
  dims: GRID.dims as [number, number, number],
  spacingMm: GRID.spacingMm as [number, number, number],
  originLps: GRID.originLps as [number, number, number],
  direction: [...GRID.direction],
  dataType: 'int16',
  min: 0,
  max: 1,
  unit: null,
  url: '',
});

const entry = (name: string): CaseEntry => ({ name, path: `/images/${name}.nii.gz`, kind: 'nifti', description: '' });

describe('open enrolment', () => {
  it('assigns every existing and future rater to every existing and future case', async () => {
    const store = await openTemp();
    try {
      const early = await store.signIn((await store.createIdentity('Early Annotator')).raterId);
      const c1 = await store.addCaseAsApp({ name: 'c1', source: 'nifti', series: [{ label: 'T1', path: '/x/c1.nii', geometry: GRID }] });
      // Off: an unassigned annotator sees no case.
      expect(await store.listCases(early)).toEqual([]);
      await store.setOpenEnrolment(true);
      expect((await store.listCases(early)).map((c) => c.name)).toEqual(['c1']);
      const late = await store.signIn((await store.createIdentity('Late Annotator')).raterId);
      await store.addCaseAsApp({ name: 'c2', source: 'nifti', series: [{ label: 'T1', path: '/x/c2.nii', geometry: GRID }] });
      expect((await store.listCases(late)).map((c) => c.name)).toEqual(['c1', 'c2']);
      expect((await store.listCases(early)).map((c) => c.name)).toEqual(['c1', 'c2']);
      expect(await store.isOpenEnrolment()).toBe(true);
      expect(c1.caseId).toMatch(/^case_/);
    } finally {
      store.close();
    }
  });
});

describe('registerFolderCases', () => {
  it('adds each case once with every volume as a series, and skips a case that fails to load', async () => {
    const store = await openTemp();
    try {
      let loads = 0;
      const source = {
        listCases: async () => ({ ok: true as const, value: { cases: [entry('dwi'), entry('broken'), entry('t1')] } }),
        volumesOf: async (p: string) => {
          loads++;
          if (p.includes('broken')) return { ok: false as const, error: { code: 'corrupt-file' as const, message: 'truncated gzip' } };
          return {
            ok: true as const,
            value: {
              source: 'nifti' as const,
              volumes: p.includes('dwi') ? [volume('b=0', 0), volume('b=1000', 1000)] : [volume('T1', null)],
            },
          };
        },
      };
      const first = await registerFolderCases(store, '/images', source);
      expect(first).toEqual({ added: ['dwi', 't1'], skipped: ['broken: truncated gzip'] });
      const second = await registerFolderCases(store, '/images', source);
      expect(second.added).toEqual([]);
      // The second run loads only the case that is still missing.
      expect(loads).toBe(4);
      const admin = await store.signIn((await store.createIdentity('Ada Admin', 'admin')).raterId);
      const dwi = (await store.listCases(admin)).find((c) => c.name === 'dwi');
      expect(dwi?.series.map((s) => [s.ordinal, s.label, s.bValue, s.path])).toEqual([
        [0, 'b=0', 0, '/images/dwi.nii.gz'],
        [1, 'b=1000', 1000, '/images/dwi.nii.gz'],
      ]);
    } finally {
      store.close();
    }
  });
});
