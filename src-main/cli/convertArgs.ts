/**
 * Argument parsing for `convert` (the same hand-rolled style as args.ts: every mistake is a one-line
 * reason with exit code 2).
 */
import { BadInput } from './errors';

export interface ConvertArgs {
  /** A DICOM file (its series is converted) or a folder of DICOM files. */
  readonly input: string;
  /** The NIfTI file to write: .nii or .nii.gz. */
  readonly out: string;
  readonly series?: string;
  /** Also write the DWI's ADC map here (.nii or .nii.gz). */
  readonly adc?: string;
}

const CONVERT_USAGE = 'usage: convert --in DICOM_FILE_OR_FOLDER --out FILE.nii.gz [--series SERIES_INSTANCE_UID] [--adc ADC.nii.gz]';

const FLAGS = new Set(['--in', '--out', '--series', '--adc']);
const NIFTI_NAME = /\.nii(\.gz)?$/i;

export function parseConvertArgs(argv: readonly string[]): ConvertArgs {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') throw new BadInput(CONVERT_USAGE);
    const eq = a.indexOf('=');
    const flag = eq > 0 ? a.slice(0, eq) : a;
    if (!FLAGS.has(flag)) throw new BadInput(`unknown argument "${a}"; ${CONVERT_USAGE}`);
    if (values.has(flag)) throw new BadInput(`${flag} given more than once`);
    if (eq < 0 && i + 1 >= argv.length) throw new BadInput(`${flag} needs a value`);
    values.set(flag, eq > 0 ? a.slice(eq + 1) : argv[++i]);
  }
  const input = values.get('--in');
  const out = values.get('--out');
  if (!input) throw new BadInput(`--in is required; ${CONVERT_USAGE}`);
  if (!out) throw new BadInput(`--out is required; ${CONVERT_USAGE}`);
  const adc = values.get('--adc');
  for (const [flag, file] of [
    ['--out', out],
    ['--adc', adc],
  ] as const) {
    if (file !== undefined && !NIFTI_NAME.test(file)) throw new BadInput(`${flag} must name a .nii or .nii.gz file, got "${file}"`);
  }
  return { input, out, series: values.get('--series'), adc };
}
