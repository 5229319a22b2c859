/**
 * A small synthetic head-CT-like NIfTI in HU (air −1000 outside, "brain" 30 HU inside a "skull" of
 * 1000 HU), written to a temp folder, for the window-preset workflow. Synthetic: the demo carries no
 * CT (the real one is GPL and fetched only at test time elsewhere).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeNifti } from '../../src-shared/nifti';

export function makeCtNifti(): string {
  const dims = [48, 48, 24] as const;
  const data = new Int16Array(dims[0] * dims[1] * dims[2]);
  for (let k = 0; k < dims[2]; k++)
    for (let j = 0; j < dims[1]; j++)
      for (let i = 0; i < dims[0]; i++) {
        const r = Math.hypot(i - 24, j - 24, (k - 12) * 2);
        data[i + dims[0] * (j + dims[1] * k)] = r < 18 ? 30 + ((i + j) % 20) : r < 21 ? 1000 : -1000;
      }
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'quorum-ct-')), 'synthetic-ct.nii.gz');
  writeFileSync(
    file,
    writeNifti(
      {
        geometry: { dims, spacingMm: [0.9, 0.9, 2], originLps: [-21, -21, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] },
        data,
        description: 'synthetic CT for e2e',
      },
      { gzip: true, level: 1 },
    ),
  );
  return file;
}
