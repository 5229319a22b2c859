/**
 * Deflated DICOM (Deflated Explicit VR Little Endian) for the server: the data set is inflated in
 * the inflate worker (`gunzipWorker.ts`) before parsing, so a deflate bomb costs the thread that
 * answers requests no time, and no more memory than the cap. The shared parser's deflate hook is
 * synchronous, so the result reaches it through an inflater that only hands it over.
 *
 * Plain Node.
 */
import { deflatedDataSetStart, inflatesPastCap, type DataSetInflater } from '../../src-shared/dicom';
import { inflateRawInWorker } from './gunzipWorker';

/**
 * Inflates `bytes`' deflated data set (if it has one) in the worker, up to `maxBytes`, and returns
 * the inflater to parse `bytes` with: it gives the parser the inflated file, or refuses it with the
 * same reasons the parser's own inflater gives (past the cap, or zlib's reason for a damaged stream).
 */
export async function inflateInWorker(bytes: Uint8Array, maxBytes: number): Promise<DataSetInflater> {
  const start = deflatedDataSetStart(bytes);
  let outcome: { inflated: Uint8Array } | { failure: Error };
  if (start === null) outcome = { failure: new Error('its deflated data set was not found where the meta group ends') };
  else {
    try {
      const inflated = await inflateRawInWorker(bytes, start, maxBytes);
      outcome = inflated === null ? { failure: inflatesPastCap(maxBytes) } : { inflated };
    } catch (e) {
      outcome = { failure: e instanceof Error ? e : new Error(String(e)) };
    }
  }
  // Called by the parser only for a deflated file, at the data set's start; never inflates on this thread.
  return (_arr, position) => {
    if ('failure' in outcome) throw outcome.failure;
    if (position !== start) throw new Error(`its deflated data set starts at byte ${position}, not ${start}`);
    return outcome.inflated;
  };
}
