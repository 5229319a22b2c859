/** The worker's state machine: incremental updates, a clear error for an unknown case, a bad update that leaves the case intact. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetricsWorkerCore } from './metricsWorkerCore';
import { axisAlignedGeometry } from '../volume/geometry';
import type { CaseSourcesInput, EvaluationOptions } from './types';
import { transferablesOf } from './workerProtocol';
import { withTransfer } from '../volume/freeGrid.testSupport';

const dims = [4, 4, 4] as const;
const mask = (...voxels: number[]) => {
  const m = new Uint8Array(64);
  for (const v of voxels) m[v] = 1;
  return m;
};
const input = (): CaseSourcesInput => ({
  geometry: axisAlignedGeometry(dims, [1, 1, 1]),
  raters: [
    { id: 'A', name: 'A', labelmap: mask(0, 1), key: 'a1' },
    { id: 'B', name: 'B', labelmap: mask(0, 1), key: 'b1' },
  ],
  model: null,
});
const options: EvaluationOptions = { conventions: ['isles22'], uncertainAs: 'lesion' };
/** B's labelmap replaced whole: voxels 0 and 2. */
const editB = (id: string) =>
  ({ type: 'updateRater', id, caseId: 'c', rater: { id: 'B', name: 'B', labelmap: mask(0, 2), key: 'b2' }, options }) as const;

describe('metrics worker core', () => {
  it('evaluates, then recomputes only what an edited rater touches', () => {
    const core = createMetricsWorkerCore();
    const first = core.handle({ type: 'evaluate', id: '1', caseId: 'c', input: input(), options });
    expect(first.ok && first.value.computed).toMatchObject({ comparisons: 3, cached: 0 }); // 2 leave-one-out + 1 pair
    // B now marks voxels 0 and 2: A vs B has TP 1, FP 1, FN 1 → Dice 2/4.
    const edited = core.handle(editB('2'));
    expect(edited.ok).toBe(true);
    if (!edited.ok) return;
    expect(edited.id).toBe('2');
    expect(edited.value.comparisons.find((c) => c.kind === 'rater-rater')?.results.isles22?.dice).toBe(0.5);
    const same = core.handle({ type: 'setOptions', id: '3', caseId: 'c', options });
    expect(same.ok && same.value.computed).toMatchObject({ comparisons: 0, cached: 3 });
  });

  it('answers an update for a case it does not hold with an error naming it, and keeps the case after a bad update', () => {
    const core = createMetricsWorkerCore();
    const none = core.handle({ type: 'setOptions', id: 'x', caseId: 'other', options });
    expect(!none.ok && none.error).toMatch(/no sources for case other/);
    core.handle({ type: 'evaluate', id: '1', caseId: 'c', input: input(), options });
    const bad = core.handle({
      type: 'updateRater',
      id: '2',
      caseId: 'c',
      rater: { id: 'B', name: 'B', labelmap: new Uint8Array(5), key: 'b2' },
      options,
    });
    expect(!bad.ok && bad.error).toMatch(/5 voxels/);
    const after = core.handle({ type: 'setOptions', id: '3', caseId: 'c', options });
    expect(after.ok && after.value.comparisons.find((c) => c.kind === 'rater-rater')?.results.isles22?.dice).toBe(1);
  });

  it('patching changed slices into the held labelmap gives exactly what a full evaluation of the edited case gives', () => {
    const core = createMetricsWorkerCore();
    core.handle({ type: 'evaluate', id: '1', caseId: 'c', input: input(), options });
    // Rater B paints voxel 17 (slice 1) and clears voxel 1 (slice 0); slices are 16 voxels of the 4×4×4 grid.
    const editedB = mask(0, 17);
    const slices = { indices: [0, 1], bytes: editedB.slice(0, 32) };
    const patched = core.handle({ type: 'patchRater', id: '2', caseId: 'c', raterId: 'B', name: 'B', key: 'b2', slices, options });
    const full = createMetricsWorkerCore().handle({
      type: 'evaluate',
      id: '2',
      caseId: 'c',
      input: { ...input(), raters: [input().raters[0], { id: 'B', name: 'B', labelmap: editedB, key: 'b2' }] },
      options,
    });
    expect(patched.ok && full.ok).toBe(true);
    if (!patched.ok || !full.ok) return;
    expect({ ...patched.value, computed: null }).toEqual({ ...full.value, computed: null });
    // Only the comparisons touching B were computed again.
    expect(patched.value.computed).toMatchObject({ comparisons: 3, cached: 0 });
  });

  it('refuses a patch for a rater it holds no labelmap of, or one that does not fit the grid, and keeps the case', () => {
    const core = createMetricsWorkerCore();
    core.handle({ type: 'evaluate', id: '1', caseId: 'c', input: input(), options });
    const patch = (raterId: string, indices: number[], bytes: Uint8Array<ArrayBuffer>) =>
      core.handle({
        type: 'patchRater',
        id: 'p',
        caseId: 'c',
        raterId,
        name: raterId,
        key: `${raterId}-p`,
        slices: { indices, bytes },
        options,
      });
    const unknown = patch('Z', [0], new Uint8Array(16));
    expect(!unknown.ok && unknown.error).toMatch(/no labelmap of rater Z/);
    const outside = patch('B', [4], new Uint8Array(16));
    expect(!outside.ok && outside.error).toMatch(/outside the case grid/);
    const short = patch('B', [0], new Uint8Array(15));
    expect(!short.ok && short.error).toMatch(/bytes/);
    const after = core.handle({ type: 'setOptions', id: '3', caseId: 'c', options });
    expect(after.ok && after.value.comparisons.find((c) => c.kind === 'rater-rater')?.results.isles22?.dice).toBe(1);
  });

  it('a patch whose evaluation fails is undone: the held labelmap and the results stay as they were', () => {
    const core = createMetricsWorkerCore();
    core.handle({ type: 'evaluate', id: '1', caseId: 'c', input: input(), options });
    core.handle({ type: 'updateRater', id: '2', caseId: 'c', rater: { id: 'B', name: 'B', labelmap: mask(0, 1), key: 'b2' }, options });
    // Valid slices, but options the evaluation refuses: B's voxel 1 cleared, voxel 17 painted.
    const slices = { indices: [0, 1], bytes: mask(0, 17).slice(0, 32) };
    const bad = core.handle({
      type: 'patchRater',
      id: '3',
      caseId: 'c',
      raterId: 'B',
      name: 'B',
      key: 'b3',
      slices,
      options: { ...options, conventions: [] },
    });
    expect(!bad.ok && bad.error).toMatch(/at least one convention/);
    const after = core.handle({ type: 'setOptions', id: '4', caseId: 'c', options });
    expect(after.ok && after.value.comparisons.find((c) => c.kind === 'rater-rater')?.results.isles22?.dice).toBe(1);
    // The next patch applies to the restored labelmap: only slice 1 sent, so voxel 1 (slice 0) is still B's.
    const next = core.handle({
      type: 'patchRater',
      id: '5',
      caseId: 'c',
      raterId: 'B',
      name: 'B',
      key: 'b4',
      slices: { indices: [1], bytes: mask(17).slice(16, 32) },
      options,
    });
    // A = {0, 1}, B = {0, 1, 17}: Dice 2·2 / 5.
    expect(next.ok && next.value.comparisons.find((c) => c.kind === 'rater-rater')?.results.isles22?.dice).toBe(0.8);
  });

  it('never writes a patch into a labelmap shared with the page', () => {
    const core = createMetricsWorkerCore();
    const shared = new Uint8Array(new SharedArrayBuffer(64));
    shared.set(mask(0, 1));
    core.handle({
      type: 'evaluate',
      id: '1',
      caseId: 'c',
      input: { ...input(), raters: [input().raters[0], { id: 'B', name: 'B', labelmap: shared, key: 'b1' }] },
      options,
    });
    const patched = core.handle({
      type: 'patchRater',
      id: '2',
      caseId: 'c',
      raterId: 'B',
      name: 'B',
      key: 'b2',
      slices: { indices: [1], bytes: mask(17).slice(16, 32) },
      options,
    });
    expect(patched.ok && patched.value.comparisons.find((c) => c.kind === 'rater-rater')?.results.isles22?.dice).toBe(0.8);
    expect(Array.from(shared)).toEqual(Array.from(mask(0, 1)));
  });

  it('lists each typed-array buffer once for transfer', () => {
    const i = input();
    const shared = i.raters[0].labelmap as Uint8Array;
    const req = {
      type: 'evaluate' as const,
      id: '1',
      caseId: 'c',
      input: { ...i, raters: [...i.raters, { id: 'C', name: 'C', labelmap: shared, key: 'c' }] },
      options,
    };
    expect(transferablesOf(req)).toHaveLength(2);
  });
});

describe('grids of a replaced input (freeGrid.ts, as in the renderer)', () => {
  let restore: () => void;
  beforeAll(() => (restore = withTransfer()));
  afterAll(() => restore());

  it('frees the labelmap an update replaced, keeps the ones still held, and never one shared with the page', () => {
    const core = createMetricsWorkerCore();
    const first = input();
    const shared = new Uint8Array(new SharedArrayBuffer(64));
    shared.set(mask(0, 1));
    const withShared = { ...first, raters: [...first.raters, { id: 'S', name: 'S', labelmap: shared, key: 's1' }] };
    const [a, b] = [withShared.raters[0].labelmap, withShared.raters[1].labelmap];
    expect(core.handle({ type: 'evaluate', id: '1', caseId: 'c', input: withShared, options }).ok).toBe(true);
    const edited = core.handle(editB('2'));
    expect(edited.ok).toBe(true);
    expect(b?.length).toBe(0); // replaced: freed
    expect(a?.length).toBe(64); // still the case's
    // The case goes on from the kept grids: a patch and new options compute as a fresh worker does.
    const again = core.handle({ type: 'setOptions', id: '3', caseId: 'c', options });
    const fresh = createMetricsWorkerCore().handle({
      type: 'evaluate',
      id: 'f',
      caseId: 'c',
      input: {
        ...input(),
        raters: [
          { id: 'A', name: 'A', labelmap: mask(0, 1), key: 'a1' },
          { id: 'B', name: 'B', labelmap: mask(0, 2), key: 'b2' },
          { id: 'S', name: 'S', labelmap: mask(0, 1), key: 's1' },
        ],
      },
      options,
    });
    expect(again.ok && fresh.ok && again.value.comparisons).toEqual(fresh.ok && fresh.value.comparisons);
    // Another case: the old one's own grids go, the shared one stays.
    expect(core.handle({ type: 'evaluate', id: '4', caseId: 'd', input: input(), options }).ok).toBe(true);
    expect(a?.length).toBe(0);
    expect(Array.from(shared.subarray(0, 2))).toEqual([1, 1]);
  });

  it('keeps one copy of a stored model map sent again with its case, and takes a new version', () => {
    const core = createMetricsWorkerCore();
    const withModel = (codes: Uint8Array, key: string): CaseSourcesInput => ({
      ...input(),
      model: {
        id: 'M',
        name: 'M',
        probability: { codes, values: Float32Array.from({ length: 256 }, (_, q) => q / 255) },
        key,
        threshold: 0.5,
      },
    });
    const codes = () => Uint8Array.from({ length: 64 }, (_, i) => (i < 2 ? 200 : 0));
    const [first, again, next] = [codes(), codes(), codes()];
    const a = core.handle({ type: 'evaluate', id: '1', caseId: 'c', input: withModel(first, 'v1'), options });
    const b = core.handle({ type: 'evaluate', id: '2', caseId: 'c', input: withModel(again, 'v1'), options });
    expect(again.length).toBe(0); // the same version again: the held copy serves
    expect(first.length).toBe(64);
    expect(a.ok && b.ok && b.value.comparisons).toEqual(a.ok && a.value.comparisons);
    core.handle({ type: 'evaluate', id: '3', caseId: 'c', input: withModel(next, 'v2'), options });
    expect(next.length).toBe(64); // another version is taken, and the one it replaced freed
    expect(first.length).toBe(0);
  });
});
