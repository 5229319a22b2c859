/**
 * `npm run --silent convert -- --in DICOM --out FILE.nii.gz [--series UID] [--adc ADC.nii.gz]`: one
 * DICOM series → NIfTI-1 (plus .bval/.bvec for a DWI), laid out as dcm2niix lays it out
 * (src-shared/dicom/toNifti.ts). Prints one JSON object on stdout; bad input exits 2 with a one-line
 * reason on stderr and leaves no output file. The series is read by the same loader the app uses
 * (src-main/services/dicomCase.ts), so whatever the app opens, convert writes.
 */
import { statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { seriesNiftiFiles, type NiftiExport } from '../../src-shared/dicom/toNifti';
import type { SeriesSummary } from '../../src-shared/dicom';
import { ADC_WINDOW_MAX, canFitAdc, computeAdc, NOISE_MULTIPLE } from '../../src-shared/dwi/adc';
import { isAdcSeries } from '../../src-shared/dwi/suppliedAdc';
import { writeNifti } from '../../src-shared/nifti';
import { isVolumeReadError } from '../../src-shared/volume/errors';
import { CaseOpenError } from '../services/caseFiles';
import { loadDicomCase } from '../services/dicomCase';
import { writeFilesAtomically } from './atomicFiles';
import { parseConvertArgs, type ConvertArgs } from './convertArgs';
import { BadInput } from './errors';

function seriesList(series: readonly SeriesSummary[]): string {
  return series.map((s) => `${s.seriesInstanceUid} ("${s.description}", ${s.modality}, ${s.count} files)`).join('; ');
}

/** The loader's refusals are bad input; the series list becomes a --series hint. */
function asBadInput(e: unknown): unknown {
  if (isVolumeReadError(e)) {
    const detail = e.detail as { series?: SeriesSummary[] } | undefined;
    if (e.code === 'multiple-series' && detail?.series)
      return new BadInput(`${detail.series.length} DICOM series found; choose one with --series: ${seriesList(detail.series)}`);
    return new BadInput(e.message);
  }
  if (e instanceof CaseOpenError) {
    const detail = e.error.detail as { series?: SeriesSummary[] } | undefined;
    return new BadInput(detail?.series ? `${e.message} The series there: ${seriesList(detail.series)}` : e.message);
  }
  return e;
}

async function load(args: ConvertArgs) {
  let isFolder: boolean;
  try {
    isFolder = statSync(args.input).isDirectory();
  } catch {
    throw new BadInput(`--in ${args.input} does not exist`);
  }
  try {
    return isFolder
      ? await loadDicomCase(args.input, { seriesInstanceUid: args.series })
      : await loadDicomCase(dirname(args.input), { chosenFile: args.input, seriesInstanceUid: args.series });
  } catch (e) {
    throw asBadInput(e);
  }
}

/** `x.nii.gz` → `x.bval` / `x.bvec`, as dcm2niix names its sidecars. */
function sidecar(out: string, ext: string): string {
  return out.replace(/\.nii(\.gz)?$/i, ext);
}

function adcFile(exported: NiftiExport, out: string, notes: string[]): Uint8Array {
  const bvals = exported.diffusion?.bvals;
  if (!bvals || !canFitAdc(bvals))
    throw new BadInput(
      `--adc needs a DWI series with two or more distinct b-values; this series has ${bvals ? `b = ${[...new Set(bvals)].join(', ')}` : 'none'}`,
    );
  const perVolume = exported.data.length / exported.volumeCount;
  const volumes = bvals.map((bValue, t) => ({ bValue, data: exported.data.subarray(t * perVolume, (t + 1) * perVolume) }));
  const { adc, noiseSigma, maskedCount } = computeAdc(volumes);
  notes.push(
    `ADC written to ${basename(out)} in 10^-6 mm²/s: log-linear fit over b = ${[...new Set(bvals)].join(', ')}; ` +
      `${maskedCount} voxels below ${NOISE_MULTIPLE}× the background noise σ ${noiseSigma.toFixed(1)} set to 0.`,
  );
  return writeNifti(
    { geometry: exported.geometry, data: adc, description: 'ADC 1e-6 mm2/s', calMin: 0, calMax: ADC_WINDOW_MAX },
    { gzip: /\.gz$/i.test(out) },
  );
}

async function main(argv: readonly string[]): Promise<void> {
  const args = parseConvertArgs(argv);
  const loaded = await load(args);
  const { series } = loaded;
  const { exported, nifti, bval, bvec } = seriesNiftiFiles(series, { gzip: /\.gz$/i.test(args.out) });
  const notes = [...loaded.notes, ...exported.notes];
  if (isAdcSeries(series.description))
    notes.push(`"${series.description}" is an ADC map made by the scanner: its values are written as stored (usually 10^-6 mm²/s).`);
  const files = new Map<string, Uint8Array | string>();
  files.set(args.out, nifti);
  if (bval !== null && bvec !== null) {
    files.set(sidecar(args.out, '.bval'), bval);
    files.set(sidecar(args.out, '.bvec'), bvec);
    notes.push(`DWI: ${exported.volumeCount} volumes; b-values and gradient directions written beside it (.bval, .bvec, FSL layout).`);
  }
  if (args.adc) files.set(args.adc, adcFile(exported, args.adc, notes));
  try {
    writeFilesAtomically(files);
  } catch (e) {
    throw new BadInput(`cannot write the output: ${(e as Error).message}`);
  }
  const g = exported.geometry;
  process.stdout.write(
    JSON.stringify({
      series: series.seriesInstanceUid,
      modality: series.modality,
      shape: exported.volumeCount > 1 ? [...g.dims, exported.volumeCount] : [...g.dims],
      spacing_mm: [...g.spacingMm],
      datatype: exported.datatype,
      notes,
    }) + '\n',
  );
}

main(process.argv.slice(2)).then(
  () => {
    process.exitCode = 0;
  },
  (e: unknown) => {
    const msg = (e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, ' ');
    process.stderr.write((e instanceof BadInput ? msg : `internal error: ${msg}`) + '\n');
    process.exitCode = e instanceof BadInput ? 2 : 1;
  },
);
