/**
 * The multi-class demo project (scripts/demo-core-penumbra/, issue 14): made twice it is the same
 * bytes; its core and penumbra are where and what demo/README.md says (volumes per label and
 * rater, in soft tissue, darker in the core); and the app seeds it as a core/penumbra project with
 * each synthetic rater's mask.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNifti, type NiftiImage } from '../../../src-shared/nifti';
import { LABEL_PRESETS } from '../../../src-shared/project/labelTable';
import type { AnnotationVersion, Rater } from '../../../src-shared/project/types';
import { createTestBackend, repoRoot } from '../demoDwiBackend.testSupport';
import { signInWithTestSecret, testSecretOf } from './signIn.testSupport';

const CT = path.join(repoRoot, 'data-cache', 'ct', 'cranium.nii.gz');
let tmp: string;
let made: [string, string];

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

function nifti(file: string): NiftiImage {
  return readNifti(new Uint8Array(readFileSync(file)), { fileName: path.basename(file) });
}

/** The volume (ml) of each of labels 1 and 2, from the header's spacing. */
function labelMl(img: NiftiImage): [number, number] {
  const [sx, sy, sz] = img.geometry.spacingMm;
  const counts = [0, 0, 0];
  for (let v = 0; v < img.data.length; v++) counts[img.data[v]]++;
  return [(counts[1] * sx * sy * sz) / 1000, (counts[2] * sx * sy * sz) / 1000];
}

beforeAll(async () => {
  if (!existsSync(CT)) throw new Error(`${CT} is missing: run scripts/fetch-sample-data.sh first`);
  tmp = mkdtempSync(path.join(tmpdir(), 'quorum-core-penumbra-'));
  made = [path.join(tmp, 'a'), path.join(tmp, 'b')];
  const run = promisify(execFile);
  await Promise.all(made.map((out) => run('npx', ['tsx', 'scripts/demo-core-penumbra/main.ts', '--out', out], { cwd: repoRoot })));
}, 180_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the core/penumbra demo project', () => {
  it('is the same bytes when made twice', () => {
    const [a, b] = made;
    expect(files(a)).toEqual(files(b));
    expect(files(a)).toEqual([
      'cohort.json',
      'cranium.COPYRIGHT',
      'ct-core-penumbra.nii.gz',
      'quorum-demo.json',
      'raters/anna-jansen.nii.gz',
      'raters/ben-okafor.nii.gz',
      'truth.nii.gz',
    ]);
    for (const f of files(a)) expect(Buffer.compare(readFileSync(path.join(a, f)), readFileSync(path.join(b, f))), f).toBe(0);
  });

  it('has the volumes per label that demo/README.md gives, nested by threshold, in soft tissue, the core darker', () => {
    const dir = made[0];
    const readme = readFileSync(path.join(repoRoot, 'demo', 'README.md'), 'utf8');
    const documented = (row: string): [number, number] => {
      const m = new RegExp(`^\\| ${row} \\| ([0-9.]+) \\| ([0-9.]+) \\|`, 'm').exec(readme);
      if (!m) throw new Error(`demo/README.md has no row "${row}"`);
      return [Number(m[1]), Number(m[2])];
    };
    const truth = nifti(path.join(dir, 'truth.nii.gz'));
    const anna = nifti(path.join(dir, 'raters', 'anna-jansen.nii.gz'));
    const ben = nifti(path.join(dir, 'raters', 'ben-okafor.nii.gz'));
    const rows: Array<[string, NiftiImage]> = [
      ['truth \\(blobs > 0\\.5\\)', truth],
      ['Dr\\. Anna Jansen \\(> 0\\.4, generous\\)', anna],
      ['Dr\\. Ben Okafor \\(> 0\\.6, tight\\)', ben],
    ];
    for (const [row, img] of rows)
      expect(
        labelMl(img).map((ml) => ml.toFixed(2)),
        row,
      ).toEqual(documented(row).map((ml) => ml.toFixed(2)));

    // A higher iso-level outlines less of each blob: tight ⊂ truth ⊂ generous, for the core and for core ∪ penumbra.
    const ct = nifti(CT);
    const image = nifti(path.join(dir, 'ct-core-penumbra.nii.gz'));
    let inside = 0;
    const drop = { core: 0, coreN: 0, penumbra: 0, penumbraN: 0, outside: 0 };
    let parenchymaSum = 0;
    for (let v = 0; v < ct.data.length; v++) {
      const [t, g, s] = [truth.data[v], anna.data[v], ben.data[v]];
      if (s === 1) expect(t).toBe(1);
      if (t === 1) expect(g).toBe(1);
      if (s !== 0) expect(t).not.toBe(0);
      if (t !== 0) expect(g).not.toBe(0);
      const d = ct.data[v] - image.data[v];
      if (g !== 0) {
        inside++;
        // Soft tissue only: no bone, air or CSF is labelled.
        expect(ct.data[v]).toBeGreaterThanOrEqual(0);
        expect(ct.data[v]).toBeLessThanOrEqual(80);
      }
      if (t === 1) {
        drop.core += d;
        drop.coreN++;
      } else if (t === 2) {
        drop.penumbra += d;
        drop.penumbraN++;
        parenchymaSum += ct.data[v];
      } else if (g === 0) drop.outside += Math.abs(d) > 2 ? 1 : 0;
    }
    expect(inside).toBeGreaterThan(0);
    const coreDrop = drop.core / drop.coreN;
    const penumbraDrop = drop.penumbra / drop.penumbraN;
    expect(coreDrop).toBeGreaterThan(penumbraDrop);
    expect(coreDrop).toBeGreaterThanOrEqual(3);
    expect(coreDrop).toBeLessThanOrEqual(12);
    expect(penumbraDrop).toBeGreaterThanOrEqual(1);
    expect(penumbraDrop).toBeLessThanOrEqual(5);
    // Brain parenchyma under the penumbra, and the image untouched (±2 HU of the blobs' tails) outside the masks.
    expect(parenchymaSum / drop.penumbraN).toBeGreaterThanOrEqual(20);
    expect(parenchymaSum / drop.penumbraN).toBeLessThanOrEqual(45);
    expect(drop.outside).toBe(0);
  });

  it('is seeded as a core/penumbra project holding each synthetic rater’s mask', async () => {
    const backend = await createTestBackend(tmp, { projectDir: made[0] });
    try {
      const call = async <T>(channel: string, request: unknown): Promise<T> => {
        const r = await backend.dispatch(`quorum:${channel}`, request);
        if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`);
        return r.value as T;
      };
      await call('project.open', {});
      const admin = await call<Rater>('rater.create', { name: 'Pat Person', secret: testSecretOf('Pat Person') });
      expect(admin.role).toBe('admin');
      const token = (await signInWithTestSecret(call, admin.name)).token;
      expect(await call('labels.get', { session: token })).toEqual(LABEL_PRESETS['core-penumbra'].labels);
      const [row] = await call<Array<{ caseId: string; name: string }>>('projectCase.list', { session: token });
      expect(row.name).toBe('Head CT · synthetic infarct core and penumbra');
      const raters = await call<Rater[]>('rater.list', { session: token });
      const versions = await call<AnnotationVersion[]>('annotation.list', { session: token, caseId: row.caseId });
      expect(versions).toHaveLength(2);
      for (const [name, file] of [
        ['Dr. Anna Jansen', 'anna-jansen'],
        ['Dr. Ben Okafor', 'ben-okafor'],
      ]) {
        const v = versions.find((x) => x.raterId === raters.find((r) => r.name === name)?.raterId);
        expect(v?.status, name).toBe('submitted');
        // Imported verbatim: the stored file is the rater's mask file, named by its hash.
        expect(v?.fileHash).toBe(
          createHash('sha256')
            .update(readFileSync(path.join(made[0], 'raters', `${file}.nii.gz`)))
            .digest('hex'),
        );
      }
    } finally {
      backend.close();
    }
  }, 120_000);
});
