/**
 * Bad input is refused with a clear message and leaves no trace: no version row, no audit entry,
 * no file in annotations/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeNifti } from '../../../src-shared/nifti';
import type { Geometry, VoxelArray } from '../../../src-shared/volume/types';
import { ProjectError, type ProjectErrorCode } from './errors';
import { GRID, labelmapWith, populated, VOXELS, type Populated } from './testSupport';

let p: Populated;
beforeEach(async () => {
  p = await populated();
});
afterEach(() => p.store.close());

function nifti(geometry: Geometry, data: VoxelArray, volumeCount = 1): Uint8Array {
  return gzipSync(writeNifti({ geometry, data, volumeCount }), { mtime: 0 });
}

async function snapshot(): Promise<{ versions: number; audit: number; files: string[] }> {
  return {
    versions: (await p.store.listVersions(p.admin)).length,
    audit: (await p.store.auditLog(p.admin)).length,
    files: fs.readdirSync(path.join(p.store.dir, 'annotations')).sort(),
  };
}

async function expectRefused(fn: () => Promise<unknown>, code: ProjectErrorCode, message: RegExp): Promise<void> {
  const before = await snapshot();
  let caught: unknown;
  try {
    await fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ProjectError);
  expect((caught as ProjectError).code).toBe(code);
  expect((caught as ProjectError).message).toMatch(message);
  expect(await snapshot()).toEqual(before);
}

const importAs =
  (bytes: Uint8Array, fileName = 'mask.nii.gz') =>
  async () =>
    await p.store.importMask(p.alice, { caseId: p.caseA.caseId, bytes, fileName, status: 'draft' });

describe('mask import validation', () => {
  it('accepts a mask on the case grid (the control for the refusals below)', async () => {
    const v = await importAs(nifti(GRID, labelmapWith([2, 3], 1)))();
    expect(v.origin).toBe('import');
    expect((await p.store.readVersionLabelmap(p.alice, v.versionId))[3]).toBe(1);
  });

  it('accepts an origin off by 1e-5 mm (float32 header rounding) but not by 0.01 mm', async () => {
    await importAs(nifti({ ...GRID, originLps: [GRID.originLps[0] + 1e-5, GRID.originLps[1], GRID.originLps[2]] }, labelmapWith([1])))();
    await expectRefused(
      importAs(nifti({ ...GRID, originLps: [GRID.originLps[0] + 0.01, GRID.originLps[1], GRID.originLps[2]] }, labelmapWith([1]))),
      'bad-geometry',
      /origin/,
    );
  });

  it('refuses a mask with the wrong shape, naming both shapes', async () => {
    const g: Geometry = { ...GRID, dims: [6, 5, 3] };
    await expectRefused(
      importAs(nifti(g, new Uint8Array(6 * 5 * 3)), 'short.nii.gz'),
      'bad-geometry',
      /short\.nii\.gz.*shape \[6, 5, 3\] differs from the image's \[6, 5, 4\]/,
    );
  });

  it('refuses a mask with a different affine: shifted origin, other spacing, flipped axis', async () => {
    await expectRefused(
      importAs(nifti({ ...GRID, originLps: [-11.5, 30.25, -4] }, labelmapWith([1]))),
      'bad-geometry',
      /origin \[-11\.5, 30\.25, -4\] mm \(LPS\) differs/,
    );
    await expectRefused(
      importAs(nifti({ ...GRID, spacingMm: [0.75, 0.8, 3] }, labelmapWith([1]))),
      'bad-geometry',
      /spacing \[0\.75, 0\.8, 3\] mm differs/,
    );
    await expectRefused(
      importAs(nifti({ ...GRID, direction: [-1, 0, 0, 0, 1, 0, 0, 0, 1] }, labelmapWith([1]))),
      'bad-geometry',
      /direction/,
    );
  });

  it('refuses values outside {0, 1, 2}, listing what it found', async () => {
    await expectRefused(
      importAs(nifti(GRID, labelmapWith([4], 3))),
      'bad-labels',
      /1 voxel\(s\) with values outside \{0, 1, 2\} \(found 3\)/,
    );
    const soft = new Float32Array(VOXELS);
    soft[0] = 0.5;
    soft[1] = 1;
    await expectRefused(importAs(nifti(GRID, soft)), 'bad-labels', /found 0\.5/);
    const signed = new Int16Array(VOXELS);
    signed[9] = -1;
    await expectRefused(importAs(nifti(GRID, signed)), 'bad-labels', /found -1/);
  });

  it('refuses a 4D file as a mask', async () => {
    await expectRefused(importAs(nifti(GRID, new Uint8Array(VOXELS * 2), 2)), 'bad-geometry', /2 volumes/);
  });

  it('refuses a corrupt file: truncated gzip, random bytes, empty', async () => {
    const good = nifti(GRID, labelmapWith([1]));
    await expectRefused(importAs(good.subarray(0, good.length - 40), 'cut.nii.gz'), 'corrupt-file', /cut\.nii\.gz cannot be read as NIfTI/);
    const noise = new Uint8Array(2000);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919 + 13) & 0xff;
    await expectRefused(importAs(noise, 'noise.nii'), 'corrupt-file', /noise\.nii cannot be read as NIfTI/);
    await expectRefused(importAs(new Uint8Array(0), 'empty.nii'), 'corrupt-file', /empty\.nii/);
  });

  it('stops inflating a file far larger than a mask on the case grid could be', async () => {
    const huge: Geometry = { ...GRID, dims: [200, 200, 100] };
    await expectRefused(
      importAs(nifti(huge, new Uint8Array(200 * 200 * 100)), 'bomb.nii.gz'),
      'bad-geometry',
      /bomb\.nii\.gz inflates to more than \d+ bytes/,
    );
  });

  it('refuses an editor labelmap of the wrong length or with bad values', async () => {
    await expectRefused(
      async () => await p.store.saveLabelmap(p.alice, { caseId: p.caseA.caseId, labelmap: new Uint8Array(VOXELS - 1), status: 'draft' }),
      'bad-geometry',
      /119 voxels but the case grid \[6,5,4\] has 120/,
    );
    await expectRefused(
      async () => await p.store.saveLabelmap(p.alice, { caseId: p.caseA.caseId, labelmap: labelmapWith([0], 7), status: 'draft' }),
      'bad-labels',
      /found 7/,
    );
  });

  it('refuses a stored annotation file that was damaged after saving, without touching it', async () => {
    const v = await p.store.saveLabelmap(p.alice, { caseId: p.caseA.caseId, labelmap: labelmapWith([1, 2]), status: 'draft' });
    const file = path.join(p.store.dir, 'annotations', v.fileName ?? '');
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 5] ^= 0xff;
    fs.writeFileSync(file, bytes);
    await expectRefused(
      async () => await p.store.readVersionLabelmap(p.alice, v.versionId),
      'corrupt-file',
      /is damaged: its sha256 is [0-9a-f]{64}, the project recorded/,
    );
    expect(fs.readFileSync(file)).toEqual(bytes);
  });

  it('refuses an annotator importing as somebody else', async () => {
    await expectRefused(
      async () =>
        await p.store.importMask(p.alice, {
          caseId: p.caseA.caseId,
          raterId: p.bob.raterId,
          bytes: nifti(GRID, labelmapWith([1])),
          fileName: 'm.nii.gz',
          status: 'draft',
        }),
      'forbidden',
      /only an admin/,
    );
  });
});
