/**
 * The editor's save as slice diffs (versions.saveLabelmapSlices): the changed axial slices written
 * over the parent's labelmap give the same stored version as a whole save, and every refusal
 * leaves the project as it was. On both stores.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SlicePatch } from '../../../src-shared/project/labelmapSlices';
import type { ProjectStore } from './ProjectStore';
import { GRID, labelmapWith, onStore, populated, storeKinds, VOXELS } from './testSupport';

const open: ProjectStore[] = [];
afterEach(() => {
  while (open.length) open.pop()?.close();
});

const [NX, NY] = GRID.dims;
const SLICE = NX * NY;

/** A patch written by hand: slice k filled with the values `fill(k, voxelInSlice)`. */
function patch(indices: number[], fill: (k: number, v: number) => number): SlicePatch {
  const bytes = new Uint8Array(indices.length * SLICE);
  indices.forEach((k, n) => {
    for (let v = 0; v < SLICE; v++) bytes[n * SLICE + v] = fill(k, v);
  });
  return { indices, bytes };
}

async function setUp() {
  const p = await populated();
  open.push(p.store);
  const caseId = p.caseA.caseId;
  // Voxels on slices 0 and 2; the diff below rewrites slice 2 and paints slice 3.
  const first = await p.store.saveLabelmap(p.alice, { caseId, labelmap: labelmapWith([1, 2, 2 * SLICE + 4]), status: 'draft' });
  return { ...p, caseId, first };
}

describe.each(storeKinds())('%s store: saving slice diffs', (kind) => {
  onStore(kind);

  it('stores exactly the version a whole save of the same labelmap stores, byte for byte', async () => {
    const p = await setUp();
    const diff = patch([2, 3], (k, v) => (k === 3 && v === 7 ? 1 : 0));
    const viaSlices = await p.store.saveLabelmapSlices(p.alice, {
      caseId: p.caseId,
      parentVersionId: p.first.versionId,
      status: 'draft',
      slices: diff,
    });
    // The expected labelmap, built voxel by voxel: slice 0 kept, slice 2 cleared, one voxel on slice 3.
    const expected = labelmapWith([1, 2, 3 * SLICE + 7]);
    expect(viaSlices.parentVersionId).toBe(p.first.versionId);
    expect(await p.store.readVersionLabelmap(p.alice, viaSlices.versionId)).toEqual(expected);
    const whole = await p.store.saveLabelmap(p.alice, {
      caseId: p.caseId,
      labelmap: expected,
      status: 'draft',
      parentVersionId: viaSlices.versionId,
    });
    expect(viaSlices.fileHash).toBe(whole.fileHash);
    expect((await p.store.readVersionFile(p.alice, viaSlices.versionId))?.bytes).toEqual(
      (await p.store.readVersionFile(p.alice, whole.versionId))?.bytes,
    );
  });

  it('refuses a stale parent as a conflict, as a whole save is', async () => {
    const p = await setUp();
    await p.store.saveLabelmap(p.alice, {
      caseId: p.caseId,
      labelmap: labelmapWith([5]),
      status: 'draft',
      parentVersionId: p.first.versionId,
    });
    const before = await p.store.listVersions(p.alice);
    await expect(
      p.store.saveLabelmapSlices(p.alice, {
        caseId: p.caseId,
        parentVersionId: p.first.versionId,
        status: 'draft',
        slices: patch([1], () => 1),
      }),
    ).rejects.toMatchObject({ code: 'conflict' });
    expect(await p.store.listVersions(p.alice)).toEqual(before);
  });

  it('refuses slices outside the grid, repeated or out of order, and bytes that are not one slice per index', async () => {
    const p = await setUp();
    const parentVersionId = p.first.versionId;
    const refused: Array<[SlicePatch, RegExp]> = [
      [patch([GRID.dims[2]], () => 0), /outside the case grid/],
      [patch([-1], () => 0), /outside the case grid/],
      [patch([1, 1], () => 0), /strictly increasing/],
      [patch([2, 1], () => 0), /strictly increasing/],
      [{ indices: [1], bytes: new Uint8Array(SLICE - 1) }, /bytes/],
      [{ indices: [1], bytes: new Uint8Array(2 * SLICE) }, /bytes/],
      [{ indices: [], bytes: new Uint8Array(0) }, /no slice/],
    ];
    for (const [slices, why] of refused) {
      const attempt = p.store.saveLabelmapSlices(p.alice, { caseId: p.caseId, parentVersionId, status: 'draft', slices });
      await expect(attempt).rejects.toMatchObject({ code: 'bad-geometry', message: expect.stringMatching(why) });
    }
    expect((await p.store.listVersions(p.alice)).map((v) => v.versionId)).toEqual([parentVersionId]);
  });

  it('checks the label values of the result, and refuses to submit an empty one', async () => {
    const p = await setUp();
    const parentVersionId = p.first.versionId;
    await expect(
      p.store.saveLabelmapSlices(p.alice, {
        caseId: p.caseId,
        parentVersionId,
        status: 'draft',
        slices: patch([1], (_k, v) => (v === 0 ? 200 : 0)),
      }),
    ).rejects.toMatchObject({ code: 'bad-labels' });
    // Clearing every slice that holds a voxel leaves nothing drawn: a draft may be empty, a submission not.
    const clear = patch([0, 2], () => 0);
    await expect(
      p.store.saveLabelmapSlices(p.alice, { caseId: p.caseId, parentVersionId, status: 'submitted', slices: clear }),
    ).rejects.toThrow(/no lesion/);
    const empty = await p.store.saveLabelmapSlices(p.alice, { caseId: p.caseId, parentVersionId, status: 'draft', slices: clear });
    expect(await p.store.readVersionLabelmap(p.alice, empty.versionId)).toEqual(new Uint8Array(VOXELS));
  });

  it("will not start from another rater's version, and says no more than for an unknown one", async () => {
    const p = await setUp();
    const slices = patch([1], () => 1);
    const messageFor = async (session: typeof p.bob, parentVersionId: string) => {
      try {
        await p.store.saveLabelmapSlices(session, { caseId: p.caseId, parentVersionId, status: 'draft', slices });
      } catch (err) {
        return { code: (err as { code?: string }).code, message: (err as Error).message.replace(parentVersionId, '<id>') };
      }
      throw new Error('saved');
    };
    const unknown = await messageFor(p.bob, 'ver_doesnotexist');
    expect(unknown.code).toBe('not-found');
    expect(await messageFor(p.bob, p.first.versionId)).toEqual(unknown);
    // Not even an admin saves on top of someone else's version (an admin saves as another rater by importing).
    expect(await messageFor(p.admin, p.first.versionId)).toEqual(unknown);
    expect(await p.store.listVersions(p.admin)).toHaveLength(1);
  });
});
