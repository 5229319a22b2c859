/**
 * Import value mapping (issue 14) through the real browser-mode server over HTTP: a mask holding a
 * value the label table lacks is refused with every value found and its voxel count, and the
 * table's labels, writing nothing; the "values found" step lists them; a mapping swaps labels or
 * drops a value to background; a folder import stays all or nothing. QUBIQ folders: the seg index is
 * the rater, each task its own case, or (tasksAs: 'labels') task k the k-th certain label.
 *
 * Expected labelmaps are built from the same voxel lists the test writes into the files, never from
 * what the server computes.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../src-shared/api/contract';
import { writeNifti } from '../../src-shared/nifti';
import { LABEL_PRESETS } from '../../src-shared/project/labelTable';
import type { Geometry } from '../../src-shared/volume/types';
import { GRID, N, writeImage } from '../services/exchange/fixtures';
import { createTestBackend, writeTestProject } from '../services/demoDwiBackend.testSupport';
import { signInWithTestSecret, testSecretOf } from '../services/project/signIn.testSupport';
import type { Backend } from './backend';
import type { BrowserServer } from './httpServer';
import { rawRequest, serveBackend } from './testSupport';

const TOKEN = 'import-mapping-token-0123456789';

let tmp: string;
let backend: Backend;
let server: BrowserServer;
let admin: string;
let caseId: string;

async function post<T>(channel: string, body: unknown): Promise<Result<T>> {
  const res = await rawRequest(server.port, `/api/${channel}`, {
    method: 'POST',
    headers: { 'X-Quorum-Token': TOKEN, Connection: 'close' },
    api: body,
  });
  return res.json<Result<T>>();
}

async function call<T = unknown>(channel: string, body: unknown): Promise<T> {
  const r = await post<T>(channel.replace(/^quorum:/, ''), body);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`);
  return r.value;
}

async function refused(channel: string, body: unknown): Promise<{ code: string; message: string }> {
  const r = await post(channel, body);
  if (r.ok) throw new Error(`${channel} was accepted: ${JSON.stringify(r.value).slice(0, 300)}`);
  return r.error;
}

type Voxels = ReadonlyArray<readonly [index: number, value: number]>;

function labelmapOf(voxels: Voxels): Uint8Array {
  const lm = new Uint8Array(N);
  for (const [i, v] of voxels) lm[i] = v;
  return lm;
}

/** A mask file on `g` holding each value at its index (0 elsewhere). */
function writeValues(file: string, voxels: Voxels, g: Geometry = GRID): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, writeNifti({ geometry: g, data: labelmapOf(voxels), description: 'test mask' }, { gzip: true }));
  return file;
}

/** The values and voxel counts a file with these voxels holds, counted here. */
function expectedValues(voxels: Voxels): Array<{ value: number; voxels: number }> {
  const counts = new Map<number, number>([[0, N - voxels.length]]);
  for (const [, v] of voxels) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort(([a], [b]) => a - b).map(([value, n]) => ({ value, voxels: n }));
}

async function stored(versionId: string): Promise<Uint8Array> {
  return (await call<{ labelmap: Uint8Array }>('annotation.read', { session: admin, versionId })).labelmap;
}

async function projectState(): Promise<{ cases: string[]; versions: number }> {
  const cases = (await call<Array<{ name: string }>>('projectCase.list', { session: admin })).map((c) => c.name).sort();
  const versions = (await call<unknown[]>('annotation.list', { session: admin })).length;
  return { cases, versions };
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'quorum-import-mapping-'));
  writeImage(path.join(tmp, 'images', 'grid.nii.gz'));
  writeTestProject(tmp, [{ name: 'Grid', path: 'grid.nii.gz', kind: 'nifti' }]);
  backend = await createTestBackend(tmp);
  server = await serveBackend(backend, { token: TOKEN });
  await call('project.open', {});
  await call('rater.create', { name: 'Ada Admin', secret: testSecretOf('Ada Admin') });
  admin = (await signInWithTestSecret((channel, request) => call(channel, request), 'Ada Admin')).token;
  [{ caseId }] = await call<Array<{ caseId: string }>>('projectCase.list', { session: admin });
}, 60_000);

afterAll(() => {
  server?.close();
  backend?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('single mask import with a value mapping', () => {
  const LESION_AND_3: Voxels = [
    [3, 1],
    [4, 1],
    [10, 3],
    [11, 3],
    [12, 3],
  ];

  it('refuses a value the table lacks, listing every value found with its voxel count and the table', async () => {
    const file = writeValues(path.join(tmp, 'masks', 'three.nii.gz'), LESION_AND_3);
    const found = await call<{ files: Array<{ fileName: string; values: unknown; unlisted: number }> }>('import.values', {
      session: admin,
      caseId,
      path: file,
    });
    expect(found.files).toEqual([{ fileName: 'three.nii.gz', values: expectedValues(LESION_AND_3), unlisted: 0 }]);
    const before = await projectState();
    const e = await refused('annotation.import', { session: admin, caseId, path: file, status: 'submitted' });
    expect(e.code).toBe('bad-labels');
    expect(e.message).toContain('three.nii.gz has 3 voxel(s) with values outside {0, 1, 2} (found 3)');
    expect(e.message).toContain(`the file holds 0 (${N - 5} voxels), 1 (2 voxels), 3 (3 voxels)`);
    expect(e.message).toContain("This project's labels: 1 Lesion, 2 Uncertain (0 is background)");
    expect(await projectState()).toEqual(before);
  });

  it('a mapping {1→2, 2→1} swaps the labels', async () => {
    const voxels: Voxels = [
      [3, 1],
      [4, 1],
      [20, 2],
    ];
    const file = writeValues(path.join(tmp, 'masks', 'swap.nii.gz'), voxels);
    const mapping = [
      { from: 1, to: 2 },
      { from: 2, to: 1 },
    ];
    const v = await call<{ versionId: string }>('annotation.import', { session: admin, caseId, path: file, status: 'submitted', mapping });
    expect(await stored(v.versionId)).toEqual(labelmapOf(voxels.map(([i, value]) => [i, value === 1 ? 2 : 1] as const)));
  });

  it('a mapping to 0 drops a value; an unmapped table value passes unchanged', async () => {
    const file = writeValues(path.join(tmp, 'masks', 'three.nii.gz'), LESION_AND_3);
    const v = await call<{ versionId: string }>('annotation.import', {
      session: admin,
      caseId,
      path: file,
      status: 'submitted',
      mapping: [{ from: 3, to: 0 }],
    });
    expect(await stored(v.versionId)).toEqual(labelmapOf(LESION_AND_3.filter(([, value]) => value !== 3)));
  });

  it('refuses a mapping onto a value the table lacks, and one that leaves a value unknown', async () => {
    const file = writeValues(path.join(tmp, 'masks', 'three.nii.gz'), LESION_AND_3);
    const before = await projectState();
    const onto = await refused('annotation.import', { session: admin, caseId, path: file, status: 'draft', mapping: [{ from: 3, to: 7 }] });
    expect(onto).toMatchObject({
      code: 'bad-request',
      message: expect.stringMatching(/file value 3 is mapped to 7, which is not in the label table \{0, 1, 2\}/),
    });
    const partial = await refused('annotation.import', {
      session: admin,
      caseId,
      path: file,
      status: 'draft',
      mapping: [{ from: 1, to: 2 }],
    });
    expect(partial).toMatchObject({ code: 'bad-labels', message: expect.stringMatching(/outside \{0, 1, 2\} \(found 3\)/) });
    expect(await projectState()).toEqual(before);
  });
});

describe('folder import with a value mapping', () => {
  /** Two QUBIQ case folders; case B's second rater used 5 for the lesion. */
  function writeFolder(root: string): void {
    for (const c of ['caseA', 'caseB']) {
      writeImage(path.join(root, c, 'image.nii.gz'));
      writeValues(path.join(root, c, 'task01_seg01.nii.gz'), [[7, 1]]);
    }
    writeValues(path.join(root, 'caseA', 'task01_seg02.nii.gz'), [[8, 1]]);
    writeValues(path.join(root, 'caseB', 'task01_seg02.nii.gz'), [
      [8, 5],
      [9, 5],
    ]);
  }

  it('refuses the whole batch listing the unknown values, then imports every mask once they are mapped', async () => {
    const root = path.join(tmp, 'qubiq-values');
    writeFolder(root);
    const found = await call<{ files: Array<{ fileName: string; values: unknown }> }>('import.values', { session: admin, path: root });
    expect(found.files.map((f) => f.fileName)).toEqual([
      'caseA/task01_seg01.nii.gz',
      'caseA/task01_seg02.nii.gz',
      'caseB/task01_seg01.nii.gz',
      'caseB/task01_seg02.nii.gz',
    ]);
    expect(found.files[3].values).toEqual(
      expectedValues([
        [8, 5],
        [9, 5],
      ]),
    );
    const before = await projectState();
    const e = await refused('import.folder', { session: admin, path: root });
    expect(e.code).toBe('bad-labels');
    expect(e.message).toMatch(/^Nothing was imported: 1 problem\(s\) found\./);
    expect(e.message).toContain(
      `caseB/task01_seg02.nii.gz has 2 voxel(s) with values outside {0, 1, 2} (found 5); the file holds 0 (${N - 2} voxels), 5 (2 voxels)`,
    );
    expect(e.message).toContain("This project's labels: 1 Lesion, 2 Uncertain");
    expect(await projectState()).toEqual(before);

    const r = await call<{ cases: Array<{ name: string; versions: Array<{ raterName: string; versionId: string }> }> }>('import.folder', {
      session: admin,
      path: root,
      mapping: [{ from: 5, to: 1 }],
    });
    expect(r.cases.map((c) => c.name)).toEqual(['caseA', 'caseB']);
    const [b] = r.cases[1].versions.filter((v) => v.raterName === 'seg02');
    expect(await stored(b.versionId)).toEqual(
      labelmapOf([
        [8, 1],
        [9, 1],
      ]),
    );
  });

  it("lists a folder's values to admins only", async () => {
    const root = path.join(tmp, 'qubiq-values');
    await call('rater.create', { name: 'Anna Annotator', secret: testSecretOf('Anna Annotator') });
    const anna = (await signInWithTestSecret((channel, request) => call(channel, request), 'Anna Annotator')).token;
    expect(await refused('import.values', { session: anna, path: root })).toMatchObject({
      code: 'unauthorized',
      message: expect.stringMatching(/only an admin/),
    });
  });

  it('is all or nothing: a bad mapping target refuses the import before any file is read', async () => {
    const root = path.join(tmp, 'qubiq-values-bad');
    writeFolder(root);
    const before = await projectState();
    expect(await refused('import.folder', { session: admin, path: root, mapping: [{ from: 5, to: 9 }] })).toMatchObject({
      code: 'bad-request',
      message: expect.stringMatching(/file value 5 is mapped to 9/),
    });
    expect(await projectState()).toEqual(before);
  });
});

describe('QUBIQ tasks', () => {
  const A = [3, 4, 10];
  const B = [4, 11, 50];
  const C = [100, 101];
  const D = [101, 150, 151];
  const binary = (indices: readonly number[]): Voxels => indices.map((i) => [i, 1] as const);

  /** One QUBIQ case folder: two raters (seg01, seg02) on two tasks. */
  function writeTasks(dir: string, seg01: [number[], number[]], seg02: [number[], number[]]): void {
    writeImage(path.join(dir, 'image.nii.gz'));
    for (const [rater, masks] of [
      ['seg01', seg01],
      ['seg02', seg02],
    ] as const)
      masks.forEach((indices, t) => writeValues(path.join(dir, `task0${t + 1}_${rater}.nii.gz`), binary(indices)));
  }

  type Imported = { cases: Array<{ name: string; versions: Array<{ raterName: string; versionId: string }> }>; ratersCreated: string[] };

  it('imports each task as its own case on the same image, the seg index as the rater', async () => {
    const dir = path.join(tmp, 'qubiq-tasks', 'brain');
    writeTasks(dir, [A, C], [B, D]);
    const r = await call<Imported>('import.folder', { session: admin, path: dir });
    expect(r.cases.map((c) => [c.name, c.versions.map((v) => v.raterName)])).toEqual([
      ['brain/task01', ['seg01', 'seg02']],
      ['brain/task02', ['seg01', 'seg02']],
    ]);
    const expected = [
      [A, B],
      [C, D],
    ];
    for (const [t, c] of r.cases.entries())
      for (const [k, v] of c.versions.entries()) expect(await stored(v.versionId)).toEqual(labelmapOf(binary(expected[t][k])));
    const cases = await call<Array<{ name: string; series: Array<{ path: string }> }>>('projectCase.list', { session: admin });
    const paths = cases.filter((c) => c.name.startsWith('brain/')).map((c) => c.series[0].path);
    expect(new Set(paths).size).toBe(1);
  });

  it('as labels: refused while the table has fewer certain labels than tasks', async () => {
    const dir = path.join(tmp, 'qubiq-tasks', 'few');
    writeTasks(dir, [A, C], [B, D]);
    const before = await projectState();
    expect(await refused('import.folder', { session: admin, path: dir, tasksAs: 'labels' })).toMatchObject({
      code: 'bad-request',
      message: expect.stringMatching(/holds 2 tasks \(task01, task02\) but the label table has 1 certain label/),
    });
    expect(await projectState()).toEqual(before);
  });

  it('as labels: task k becomes the k-th certain label in one case; overlapping task masks are refused with the count', async () => {
    await call('labels.set', { session: admin, labels: LABEL_PRESETS['core-penumbra'].labels });
    const overlapping = path.join(tmp, 'qubiq-tasks', 'nested');
    writeTasks(overlapping, [A, C], [B, D]); // seg02: B and D are disjoint, seg01: A and C too…
    writeValues(path.join(overlapping, 'task02_seg01.nii.gz'), binary([...C, A[0], A[1]])); // …until C takes two of A's voxels
    const before = await projectState();
    const e = await refused('import.folder', { session: admin, path: overlapping, tasksAs: 'labels' });
    expect(e.code).toBe('bad-labels');
    expect(e.message).toContain('nested/task01_seg01.nii.gz, nested/task02_seg01.nii.gz overlap in 2 voxel(s)');
    expect(await projectState()).toEqual(before);

    const dir = path.join(tmp, 'qubiq-tasks', 'labelled');
    writeTasks(dir, [A, C], [B, D]);
    const r = await call<Imported>('import.folder', { session: admin, path: dir, tasksAs: 'labels' });
    expect(r.cases.map((c) => [c.name, c.versions.map((v) => v.raterName)])).toEqual([['labelled', ['seg01', 'seg02']]]);
    const [core, penumbra] = LABEL_PRESETS['core-penumbra'].labels.filter((l) => !l.uncertain).map((l) => l.value);
    const asLabels = (task1: number[], task2: number[]): Uint8Array =>
      labelmapOf([...task1.map((i) => [i, core] as const), ...task2.map((i) => [i, penumbra] as const)]);
    expect(await stored(r.cases[0].versions[0].versionId)).toEqual(asLabels(A, C));
    expect(await stored(r.cases[0].versions[1].versionId)).toEqual(asLabels(B, D));
  });
});
