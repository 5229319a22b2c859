/**
 * How a volume's grey levels are displayed (issue 12). DICOM MONOCHROME1 (VolumeInfo.displayInverted)
 * means low values are meant bright, so its grey scale is shown inverted; the values themselves,
 * the readout and the window stay as stored. Every view of a volume takes the inversion from here
 * (the MPR viewer, the review side-by-side panes, the sequence pair, the reader-study canvas), so
 * a new view cannot show a MONOCHROME1 image the wrong way round by forgetting it.
 */
import type { VolumeInfo } from '../../src-shared/api/contract';
import type { VoiRange } from './windowPresets';

export function invertsGrey(info: Pick<VolumeInfo, 'displayInverted'>): boolean {
  return info.displayInverted === true;
}

/** A Cornerstone volume viewport's grey properties for `info`: its window (left as it is when null) and inversion. */
export function greyProperties(
  info: Pick<VolumeInfo, 'displayInverted'>,
  voiRange: VoiRange | null | undefined,
): { invert: boolean; voiRange?: VoiRange } {
  const invert = invertsGrey(info);
  return voiRange ? { voiRange: { ...voiRange }, invert } : { invert };
}
