/**
 * Is an ADC already supplied with the data? Scanners write their ADC map as its own series
 * ("ADC" in SeriesDescription, or in ImageType, e.g. DERIVED\PRIMARY\DIFFUSION\ADC); datasets such as
 * ISLES'22 (BIDS) put it beside the DWI as a NIfTI file named *_adc*. Where one exists it is used as
 * is rather than recomputed: it is what the reader reads on the scanner console. Pure name tests, so
 * the case loader, the CLI and the multi-sequence case code share one rule.
 */

/** "ADC" as a word (not inside e.g. "HEADCT"); underscores and backslashes count as separators. */
const ADC_WORD = /(^|[^A-Za-z0-9])ADC([^A-Za-z0-9]|$)/i;

export function isAdcSeries(seriesDescription: string, imageType = ''): boolean {
  return ADC_WORD.test(seriesDescription.replace(/_/g, ' ')) || imageType.toUpperCase().split('\\').includes('ADC');
}

/** The NIfTI among `siblings` (file names in the DWI's folder) that holds a supplied ADC, if any. */
export function suppliedAdcFile(siblings: readonly string[]): string | null {
  return siblings.find((name) => /(^|_)adc([._-][^/]*)?\.nii(\.gz)?$/i.test(name)) ?? null;
}
