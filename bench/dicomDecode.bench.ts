/**
 * Decoding a 512×512×300 JPEG-Lossless CT series (issue 12) in Node against dcmtk's `dcmdjpeg` on
 * the same files in the same run. Target: Node ≤ 2× dcmdjpeg.
 *
 * The series is the synthetic 512×512×300 CT (bench/syntheticCt.ts) written as 300 single-frame
 * CT files (12 bits stored, intercept -1024, as scanners write them) and compressed with
 * `dcmcjpeg +e1` (JPEG Lossless SV1, the syntax PACS exports use most), all in a temp dir.
 * - Node: the series loader (loadDicomCase: read, parse, decode in the worker pool, stack), and the
 *   decode step alone (decodeFrames over the parsed frames);
 * - dcmdjpeg: one process per file, as it is used, one after another, then two at a time (the
 *   worker pool has as many workers as cores, so this is the like-for-like figure on 2 cores).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { parseDicomFrames } from '../src-shared/dicom/index';
import { readNifti } from '../src-shared/nifti/index';
import { hasTool, writeSeries } from '../src-main/services/dicomCorpus.testSupport';
import { decodeFrames } from '../src-main/services/dicomDecode';
import { loadDicomCase } from '../src-main/services/dicomCase';
import { ensureSyntheticCt } from './syntheticCt';

const run$ = promisify(execFile);
const REPEATS = 3;

/** Runs `tool [args] in out` on every file of `from` into `to`, `parallel` processes at a time. */
async function eachFile(tool: string, args: string[], from: string, to: string, parallel: number): Promise<void> {
  const names = readdirSync(from).sort();
  let next = 0;
  const lane = async () => {
    while (next < names.length) {
      const name = names[next++];
      await run$(tool, [...args, join(from, name), join(to, name)], { maxBuffer: 1 << 20 });
    }
  };
  await Promise.all(Array.from({ length: parallel }, lane));
}

async function seconds(f: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await f();
  return (performance.now() - t0) / 1000;
}

async function median(f: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) times.push(await seconds(f));
  return times.sort((a, b) => a - b)[Math.floor(REPEATS / 2)];
}

export async function run(): Promise<void> {
  if (!hasTool('dcmcjpeg') || !hasTool('dcmdjpeg')) {
    process.stdout.write('skipped: dcmtk (dcmcjpeg, dcmdjpeg) is not installed; scripts/setup.sh installs it\n');
    return;
  }
  const load0 = loadavg()[0];
  const tmp = mkdtempSync(join(tmpdir(), 'quorum-decode-bench-'));
  try {
    const ct = readNifti(new Uint8Array(gunzipSync(readFileSync(ensureSyntheticCt()))));
    const [nx, ny] = ct.geometry.dims;
    const stored = Uint16Array.from(ct.data, (v) => Math.min(4095, Math.max(0, v + 1024)));
    const plain = join(tmp, 'plain');
    const jpeg = join(tmp, 'jpeg-lossless');
    const out = join(tmp, 'dcmdjpeg');
    writeSeries(plain, {
      columns: nx,
      rows: ny,
      pixels: stored,
      modality: 'CT',
      bitsStored: 12,
      rescale: [1, -1024],
      spacingMm: [0.5, 0.5, 1.5],
    });
    for (const dir of [jpeg, out]) mkdirSync(dir);
    await eachFile('dcmcjpeg', ['+e1'], plain, jpeg, 2);

    // Same voxels, or the timing means nothing.
    const decoded = (await loadDicomCase(jpeg, {})).volumes[0].volume.data;
    const reference = (await loadDicomCase(plain, {})).volumes[0].volume.data;
    for (let i = 0; i < reference.length; i++) if (decoded[i] !== reference[i]) throw new Error(`voxel ${i} differs after decoding`);

    const frames = readdirSync(jpeg)
      .sort()
      .flatMap((name) => parseDicomFrames(new Uint8Array(readFileSync(join(jpeg, name))), name));
    const nodeOpen = await median(() => loadDicomCase(jpeg, {}));
    const nodeDecode = await median(() => decodeFrames(frames));
    const dcmtk1 = await median(() => eachFile('dcmdjpeg', [], jpeg, out, 1));
    const dcmtk2 = await median(() => eachFile('dcmdjpeg', [], jpeg, out, 2));
    const row = (what: string, s: number, base: number) => `| ${what} | ${s.toFixed(2)} | ${(s / base).toFixed(2)}× |`;
    process.stdout.write(
      [
        `512×512×${frames.length} CT, JPEG Lossless SV1 (dcmcjpeg +e1), ${REPEATS} runs each, medians; ` +
          `${availableParallelism()} cores, decode pool of ${Math.min(4, availableParallelism())} workers; ` +
          `load average ${load0.toFixed(1)} at start, ${loadavg()[0].toFixed(1)} at end`,
        '',
        '| step | s | vs dcmdjpeg, 2 at a time |',
        '|---|---|---|',
        row('dcmdjpeg, one process per file, 2 at a time', dcmtk2, dcmtk2),
        row('dcmdjpeg, one process per file, one after another', dcmtk1, dcmtk2),
        row('Node: decode step (decodeFrames)', nodeDecode, dcmtk2),
        row('Node: whole series open (read, parse, decode, stack)', nodeOpen, dcmtk2),
        '',
      ].join('\n'),
    );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
