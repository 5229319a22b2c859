import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNifti } from '../nifti/read';
import { parseDicomFrames } from './parse';
import { assembleSeries } from './series';

// The heudiconv Prisma mosaics are not committed (12 MB); where Debian's heudiconv package has been
// unpacked (scripts/fetch-sample-data.sh does it at set-up), compare our un-mosaicking with the committed demo DWI,
// which dcm2niix made from the same files and scripts/crop-nifti.ts cropped.
const HEUDICONV =
  process.env.QUORUM_HEUDICONV_DWI ??
  path.resolve(__dirname, '../../data-cache/debian-dicom/usr/lib/python3/dist-packages/heudiconv/tests/data/b0dwiForFmap');
const DEMO_DWI = path.resolve(__dirname, '../../demo/dwi/dwi.nii.gz');

describe.skipIf(!existsSync(HEUDICONV))('Siemens Prisma mosaics against dcm2niix', () => {
  it('give the same voxels and the same world positions as the demo DWI', () => {
    const frames = readdirSync(HEUDICONV)
      .filter((f) => f.endsWith('.dcm'))
      .flatMap((f) => parseDicomFrames(new Uint8Array(readFileSync(path.join(HEUDICONV, f))), f));
    const series = assembleSeries(frames);
    expect(series.volumes.map((v) => v.label)).toEqual(['b=5 (1)', 'b=5 (2)', 'b=1500']);
    expect(series.volumes[0].volume.geometry.dims).toEqual([150, 152, 81]);

    const nii = readNifti(new Uint8Array(readFileSync(DEMO_DWI)));
    const [cx, cy, cz] = nii.geometry.dims; // 124 × 152 × 32, cropped at i0 = 13, k0 = 24; dcm2niix flips rows (j)
    const n = cx * cy * cz;
    let mismatches = 0;
    series.volumes.forEach((v, t) => {
      const d = v.volume.data;
      for (let k = 0; k < cz; k++)
        for (let j = 0; j < cy; j++)
          for (let i = 0; i < cx; i++)
            if (d[i + 13 + 150 * (151 - j + 152 * (k + 24))] !== nii.data[t * n + i + cx * (j + cy * k)]) mismatches++;
    });
    expect(mismatches).toBe(0);

    // The demo's origin (its voxel 0,0,0) is our voxel (13, 151, 24).
    const g = series.volumes[0].volume.geometry;
    const world = [0, 1, 2].map(
      (a) =>
        g.originLps[a] + 13 * 1.5 * g.direction[a] + 151 * g.spacingMm[1] * g.direction[3 + a] + 24 * g.spacingMm[2] * g.direction[6 + a],
    );
    world.forEach((w, a) => expect(w).toBeCloseTo(nii.geometry.originLps[a], 2));
  });
});
