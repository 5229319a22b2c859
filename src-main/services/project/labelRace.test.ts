/**
 * A save and an admin's label-table edit racing (issue 13): the edit drops value 2 while a save of a
 * mask holding 2 is under way. Whatever the order, the two must never both commit: either the save
 * is refused naming the value, or the edit is refused because a version uses it.
 *
 * The interleavings are forced, not hoped for: the saver runs on the store's own context with its
 * database port wrapped, so the edit runs at a chosen point of the save (before its write
 * transaction begins, or once it has done its work and not yet committed).
 */
import { describe, expect, it } from 'vitest';
import type { LabelTable } from '../../../src-shared/project/labelTable';
import type { StoreContext } from './context';
import type { DbPort } from './dbPort';
import { ProjectError } from './errors';
import { importBatch } from './importBatch';
import { encodeLabelmap } from './maskCodec';
import { saveModelResult } from './modelResults';
import { GRID, labelmapWith, modelProvenance, onStore, populated, storeKinds, VOXELS, type Populated } from './testSupport';
import { importMask, saveLabelmap } from './versions';

/** The stroke table less its value 2 ("Uncertain"): what the admin's edit sets. */
const WITHOUT_2: LabelTable = [{ value: 1, name: 'Lesion', colour: '#d55e00', uncertain: false }];

/** A mask holding the value the edit drops. */
const MASK = labelmapWith([5, 6], 2, labelmapWith([1, 2, 3]));

type Saver = (ctx: StoreContext, p: Populated) => Promise<unknown>;

const SAVERS: Record<string, Saver> = {
  saveLabelmap: (ctx, p) => saveLabelmap(ctx, p.alice, { caseId: p.caseA.caseId, labelmap: MASK, status: 'submitted' }),
  importMask: (ctx, p) =>
    importMask(ctx, p.alice, { caseId: p.caseA.caseId, bytes: encodeLabelmap(GRID, MASK), fileName: 'mask.nii.gz', status: 'submitted' }),
  importBatch: (ctx, p) =>
    importBatch(ctx, p.admin, {
      cases: [
        {
          name: p.caseA.name,
          source: 'nifti',
          series: [{ label: 'T1', path: 'images/case-A.nii.gz', geometry: GRID }],
          masks: [{ raterName: 'Alice Annotator', fileName: 'case-A/alice.nii.gz', bytes: encodeLabelmap(GRID, MASK) }],
        },
      ],
      status: 'submitted',
    }),
  saveModelResult: (ctx, p) =>
    saveModelResult(ctx, p.reviewer, {
      caseId: p.caseA.caseId,
      mask: MASK,
      probability: new Uint8Array(2 * VOXELS),
      probabilityVolumes: 2,
      provenance: modelProvenance(0.5),
    }),
};

/**
 * The store's context with its port wrapped: `around` runs instead of the saver's first (outermost)
 * transaction, given the real one to call. Nested transactions still join the real one.
 */
function hooked(ctx: StoreContext, around: (real: DbPort['transaction']) => DbPort['transaction']): StoreContext {
  const db = ctx.db;
  let first = true;
  const port: DbPort = {
    run: (sql, params) => db.run(sql, params),
    all: (sql, params) => db.all(sql, params),
    get: (sql, params) => db.get(sql, params),
    integrityCheck: () => db.integrityCheck(),
    transaction: (fn) => {
      if (!first) return db.transaction(fn);
      first = false;
      return around((f) => db.transaction(f))(fn);
    },
  };
  return { ...ctx, db: port };
}

type Outcome = { ok: true } | { ok: false; error: ProjectError };

async function outcome(work: Promise<unknown>): Promise<Outcome> {
  try {
    await work;
    return { ok: true };
  } catch (err) {
    if (err instanceof ProjectError) return { ok: false, error: err };
    throw err;
  }
}

/** Every stored version still reads under the final table (reading checks its values) and exactly one side won. */
async function expectConsistent(p: Populated, save: Outcome, edit: Outcome): Promise<void> {
  expect([save.ok, edit.ok].filter(Boolean)).toHaveLength(1);
  const table = await p.store.labels(p.admin);
  const versions = await p.store.listVersions(p.admin, { caseId: p.caseA.caseId });
  for (const v of versions) await p.store.readVersionLabelmap(p.admin, v.versionId);
  if (save.ok) {
    expect(table.map((l) => l.value)).toContain(2);
    expect(versions).toHaveLength(1);
  } else {
    expect(table).toEqual(WITHOUT_2);
    expect(versions).toHaveLength(0);
  }
}

describe.each(storeKinds())('%s store', (kind) => {
  onStore(kind);

  describe.each(Object.keys(SAVERS))('%s against labels.set dropping a value it writes', (name) => {
    const saver = SAVERS[name];

    it('the edit commits between the save’s start and its write: the save is refused, naming the value', async () => {
      const p = await populated();
      try {
        const ctx = await p.store.withContext(p.admin, (c) => c);
        let edit: Outcome | null = null;
        const raced = hooked(ctx, (real) => async (fn) => {
          edit = await outcome(p.store.setLabels(p.admin, WITHOUT_2));
          return await real(fn);
        });
        const save = await outcome(saver(raced, p));
        expect(edit).toEqual({ ok: true });
        expect(save).toMatchObject({
          ok: false,
          error: { code: 'bad-labels', message: expect.stringMatching(/outside \{0, 1\} \(found 2\)/) },
        });
        await expectConsistent(p, save, edit as unknown as Outcome);
      } finally {
        p.store.close();
      }
    });

    // SQLite: the edit waits for the save's transaction and then counts its version. PostgreSQL runs
    // both at once and aborts one of them as a serialization failure; the retry then sees the other.
    it('the edit starts while the save’s transaction is open: one of them is refused', async () => {
      const p = await populated();
      try {
        const ctx = await p.store.withContext(p.admin, (c) => c);
        // Started from outside the save's asynchronous context, so it does not join its transaction.
        let started: () => void = () => undefined;
        const reached = new Promise<void>((resolve) => (started = resolve));
        const edit = reached.then(() => outcome(p.store.setLabels(p.admin, WITHOUT_2)));
        const raced = hooked(
          ctx,
          (real) => (fn) =>
            real(async () => {
              const out = await fn();
              started();
              // Let the edit run as far as it can before this transaction commits.
              await new Promise((r) => setTimeout(r, 50));
              return out;
            }),
        );
        const save = await outcome(saver(raced, p));
        const edited = await edit;
        if (kind === 'sqlite') expect(save).toEqual({ ok: true });
        if (!edited.ok) expect(edited.error.message).toContain('2 (Uncertain) in 1 version');
        if (!save.ok) expect(save.error.message).toMatch(/outside \{0, 1\} \(found 2\)/);
        await expectConsistent(p, save, edited);
      } finally {
        p.store.close();
      }
    });
  });
});
