/**
 * The cache of acknowledged labelmaps behind slice saves (labelmapCache.ts): a whole save fills it
 * (with its own copy), a save that starts from it reads no file, and stores byte for byte what a save after an eviction, after a restart or
 * on another server process stores; a stale or half-written entry is never used; the bound holds.
 * On both stores.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SlicePatch } from '../../../src-shared/project/labelmapSlices';
import type { AnnotationVersion, Session } from '../../../src-shared/project/types';
import type { StoreContext } from './context';
import { deflateLabelmap } from './labelmapGzip';
import { LabelmapCache, type CachedLabelmap } from './labelmapCache';
import type { ProjectStore } from './ProjectStore';
import { GRID, labelmapWith, onStore, openTempTwice, populated, storeKinds, VOXELS } from './testSupport';
import { readVersionLabelmap, saveLabelmap, saveLabelmapSlices } from './versions';

const open: ProjectStore[] = [];
afterEach(() => {
  while (open.length) open.pop()?.close();
});

const [NX, NY] = GRID.dims;
const SLICE = NX * NY;

/** Slice k of `lm` as a one-slice patch. */
const sliceOf = (lm: Uint8Array, k: number): SlicePatch => ({ indices: [k], bytes: lm.slice(k * SLICE, (k + 1) * SLICE) });

/** The labelmaps of the chain every test saves: a whole save, then three strokes sent as slices. */
const FIRST = labelmapWith([1, 2, 2 * SLICE + 4]);
const STROKES: Array<{ lm: Uint8Array; k: number }> = [];
{
  let lm = FIRST;
  for (const [k, voxel, value] of [
    [1, 3, 1],
    [2, 4, 0],
    [3, 7, 2],
  ] as const) {
    lm = labelmapWith([k * SLICE + voxel], value, lm);
    STROKES.push({ lm, k });
  }
}

/** The store's context with its own cache (and a count of the files it reads), as one server process has. */
function processOn(ctx: StoreContext, cache = new LabelmapCache()): { ctx: StoreContext; fileReads(): number } {
  let reads = 0;
  const blobs = { ...ctx.blobs, read: (fileName: string, hash: string) => (reads++, ctx.blobs.read(fileName, hash)) };
  return { ctx: { ...ctx, blobs, labelmaps: cache }, fileReads: () => reads };
}

async function contextOf(store: ProjectStore, session: Session): Promise<StoreContext> {
  return await store.withContext(session, (c) => c);
}

async function fileOf(store: ProjectStore, session: Session, versionId: string): Promise<Buffer> {
  const file = await store.readVersionFile(session, versionId);
  if (!file) throw new Error(`version ${versionId} has no file`);
  return Buffer.from(file.bytes);
}

describe.each(storeKinds())('%s store: the cache of acknowledged labelmaps', (kind) => {
  onStore(kind);

  it('a warm save reads no file and stores what a save after a restart and after eviction store, byte for byte', async () => {
    const { store, again } = await openTempTwice();
    const p = await populated(undefined, store);
    const caseId = p.caseA.caseId;
    const save = (on: ReturnType<typeof processOn>, parent: AnnotationVersion, to: { lm: Uint8Array; k: number }) =>
      saveLabelmapSlices(on.ctx, p.alice, { caseId, parentVersionId: parent.versionId, status: 'draft', slices: sliceOf(to.lm, to.k) });
    const first = processOn(await contextOf(store, p.admin));
    let v = await saveLabelmap(first.ctx, p.alice, { caseId, labelmap: FIRST, status: 'draft' });
    // A whole save leaves its labelmap in the cache: the slice saves after it read no file.
    v = await save(first, v, STROKES[0]);
    expect(first.fileReads()).toBe(0);
    v = await save(first, v, STROKES[1]);
    expect(first.fileReads()).toBe(0);
    expect(await store.readVersionLabelmap(p.alice, v.versionId)).toEqual(STROKES[1].lm);

    // After a restart the cache is empty: the last stroke starts from the parent's file.
    store.close();
    const restarted = await again();
    open.push(restarted);
    const proc = processOn(await contextOf(restarted, p.admin));
    const cold = await save(proc, v, STROKES[2]);
    expect(proc.fileReads()).toBe(1);
    const expected = await fileOf(restarted, p.alice, cold.versionId);
    expect(await restarted.readVersionLabelmap(p.alice, cold.versionId)).toEqual(STROKES[2].lm);

    // Warm: the stroke undone (its slice as it was) and done again, both from the cache.
    const undoneWarm = await save(proc, cold, { lm: STROKES[1].lm, k: STROKES[2].k });
    const warm = await save(proc, undoneWarm, STROKES[2]);
    expect(proc.fileReads()).toBe(1);
    expect(await fileOf(restarted, p.alice, warm.versionId)).toEqual(expected);

    // Evicted: the same with a cache too small to keep a labelmap of this grid.
    const tiny = processOn(await contextOf(restarted, p.admin), new LabelmapCache(VOXELS));
    const undoneEvicted = await save(tiny, warm, { lm: STROKES[1].lm, k: STROKES[2].k });
    const evicted = await save(tiny, undoneEvicted, STROKES[2]);
    expect(tiny.fileReads()).toBe(2);
    expect(await fileOf(restarted, p.alice, evicted.versionId)).toEqual(expected);
  });

  it('a whole save keeps its own copy: the caller editing its array after the save changes nothing the next save stores', async () => {
    const p = await populated();
    open.push(p.store);
    const caseId = p.caseA.caseId;
    const proc = processOn(await contextOf(p.store, p.admin));
    const callers = FIRST.slice();
    const v0 = await saveLabelmap(proc.ctx, p.alice, { caseId, labelmap: callers, status: 'draft' });
    callers.fill(2); // an in-process caller drawing on in the array it saved
    const v1 = await saveLabelmapSlices(proc.ctx, p.alice, {
      caseId,
      parentVersionId: v0.versionId,
      status: 'draft',
      slices: sliceOf(STROKES[0].lm, 1),
    });
    expect(proc.fileReads()).toBe(0);
    expect(await readVersionLabelmap(proc.ctx, p.alice, v1.versionId)).toEqual(STROKES[0].lm);
  });

  it('another process that saved meanwhile leaves this one a stale entry, which it does not use', async () => {
    const p = await populated();
    open.push(p.store);
    const caseId = p.caseA.caseId;
    const shared = await contextOf(p.store, p.admin);
    const [a, b] = [processOn(shared), processOn(shared)];
    const v0 = await saveLabelmap(a.ctx, p.alice, { caseId, labelmap: FIRST, status: 'draft' });
    const v1 = await saveLabelmapSlices(a.ctx, p.alice, {
      caseId,
      parentVersionId: v0.versionId,
      status: 'draft',
      slices: sliceOf(STROKES[0].lm, 1),
    });
    // Process b (another tab's requests landing on another server) saves the next stroke; a still holds v1.
    const v2 = await saveLabelmapSlices(b.ctx, p.alice, {
      caseId,
      parentVersionId: v1.versionId,
      status: 'draft',
      slices: sliceOf(STROKES[1].lm, 2),
    });
    const readsBefore = a.fileReads();
    const v3 = await saveLabelmapSlices(a.ctx, p.alice, {
      caseId,
      parentVersionId: v2.versionId,
      status: 'draft',
      slices: sliceOf(STROKES[2].lm, 3),
    });
    expect(a.fileReads() - readsBefore).toBe(1);
    expect(await readVersionLabelmap(a.ctx, p.alice, v3.versionId)).toEqual(STROKES[2].lm);
  });

  it('a refused save leaves nothing half-written behind for the next one', async () => {
    const p = await populated();
    open.push(p.store);
    const caseId = p.caseA.caseId;
    const proc = processOn(await contextOf(p.store, p.admin));
    const v0 = await saveLabelmap(proc.ctx, p.alice, { caseId, labelmap: FIRST, status: 'draft' });
    const v1 = await saveLabelmapSlices(proc.ctx, p.alice, {
      caseId,
      parentVersionId: v0.versionId,
      status: 'draft',
      slices: sliceOf(STROKES[0].lm, 1),
    });
    // Taken from the cache and written into, then refused: a value no label has.
    const bad = { indices: [3], bytes: new Uint8Array(SLICE).fill(200) };
    await expect(
      saveLabelmapSlices(proc.ctx, p.alice, { caseId, parentVersionId: v1.versionId, status: 'draft', slices: bad }),
    ).rejects.toMatchObject({
      code: 'bad-labels',
    });
    expect(proc.ctx.labelmaps.bytes).toBe(0);
    const v2 = await saveLabelmapSlices(proc.ctx, p.alice, {
      caseId,
      parentVersionId: v1.versionId,
      status: 'draft',
      slices: sliceOf(STROKES[1].lm, 2),
    });
    expect(await readVersionLabelmap(proc.ctx, p.alice, v2.versionId)).toEqual(STROKES[1].lm);
  });

  it('keeps within its bound: one entry per rater and case, the least recently saved out first', async () => {
    const p = await populated();
    open.push(p.store);
    const caseId = p.caseA.caseId;
    const oneEntry = VOXELS + 1024; // a labelmap of this grid and its compressed pieces, not two
    const proc = processOn(await contextOf(p.store, p.admin), new LabelmapCache(oneEntry));
    const chain = async (who: Session) => {
      const v0 = await saveLabelmap(proc.ctx, who, { caseId, labelmap: FIRST, status: 'draft' });
      return await saveLabelmapSlices(proc.ctx, who, {
        caseId,
        parentVersionId: v0.versionId,
        status: 'draft',
        slices: sliceOf(STROKES[0].lm, 1),
      });
    };
    const alice1 = await chain(p.alice);
    expect(proc.ctx.labelmaps.bytes).toBeGreaterThan(VOXELS);
    await chain(p.bob); // evicts Alice's
    expect(proc.ctx.labelmaps.bytes).toBeLessThanOrEqual(oneEntry);
    const reads = proc.fileReads();
    const alice2 = await saveLabelmapSlices(proc.ctx, p.alice, {
      caseId,
      parentVersionId: alice1.versionId,
      status: 'draft',
      slices: sliceOf(STROKES[1].lm, 2),
    });
    expect(proc.fileReads() - reads).toBe(1);
    expect(await readVersionLabelmap(proc.ctx, p.alice, alice2.versionId)).toEqual(STROKES[1].lm);
    expect(proc.ctx.labelmaps.bytes).toBeLessThanOrEqual(oneEntry);
  });
});

describe('LabelmapCache', () => {
  const entry = (raterId: string, versionId: string, voxels: number): CachedLabelmap => {
    const labelmap = new Uint8Array(voxels);
    return {
      raterId,
      caseId: 'case',
      versionId,
      fileHash: `hash-${versionId}`,
      labelmap,
      pieces: deflateLabelmap(GRID, new Uint8Array(VOXELS)),
    };
  };

  it('gives an entry only for exactly its version and file hash, and hands it over (taken out)', () => {
    const cache = new LabelmapCache();
    cache.put(entry('r', 'v1', 10));
    expect(cache.take('r', 'case', 'v0', 'hash-v1')).toBeNull();
    expect(cache.take('r', 'case', 'v1', 'hash-other')).toBeNull();
    expect(cache.take('r', 'other-case', 'v1', 'hash-v1')).toBeNull();
    expect(cache.take('r', 'case', 'v1', 'hash-v1')?.versionId).toBe('v1');
    expect(cache.take('r', 'case', 'v1', 'hash-v1')).toBeNull();
    expect(cache.bytes).toBe(0);
  });

  it('evicts the least recently put until the new entry fits, and keeps none larger than the bound', () => {
    const size = (e: CachedLabelmap) => {
      const c = new LabelmapCache();
      c.put(e);
      return c.bytes;
    };
    const one = size(entry('a', 'v', 100));
    const cache = new LabelmapCache(2 * one);
    cache.put(entry('a', 'v1', 100));
    cache.put(entry('b', 'v1', 100));
    cache.put(entry('a', 'v2', 100)); // replaces a's, and makes b the least recent
    cache.put(entry('c', 'v1', 100));
    expect(cache.bytes).toBe(2 * one);
    expect(cache.take('b', 'case', 'v1', 'hash-v1')).toBeNull();
    expect(cache.take('a', 'case', 'v2', 'hash-v2')).not.toBeNull();
    cache.put(entry('d', 'v1', 3 * one));
    expect(cache.take('d', 'case', 'v1', 'hash-v1')).toBeNull();
    expect(cache.bytes).toBeLessThanOrEqual(2 * one);
  });
});
