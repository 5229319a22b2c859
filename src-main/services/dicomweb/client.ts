/**
 * A small DICOMweb client for the Quorum server (the browser never talks to the archive itself):
 * QIDO-RS series search, WADO-RS retrieval of a series' instances, STOW-RS of new instances (a SEG).
 * Written on Node's fetch rather than `dicomweb-client`, which targets browsers (XMLHttpRequest).
 *
 * The archive is not trusted: every answer is read with a byte cap and a timeout, and a malformed or
 * unexpected answer becomes a DicomWebError that says which request failed and why.
 *
 * Plain Node.
 */
import { boundaryOf, buildMultipart, MultipartError, parseMultipart } from './multipart';

export class DicomWebError extends Error {
  override readonly name = 'DicomWebError';
}

/** DICOM UIDs are digits and dots, at most 64 characters; anything else is refused before it reaches a URL or a path. */
const UID = /^[0-9]+(\.[0-9]+)*$/;
export function checkUid(uid: string, what: string): string {
  if (uid.length > 64 || !UID.test(uid)) throw new DicomWebError(`${what} "${uid.slice(0, 80)}" is not a DICOM UID`);
  return uid;
}

interface SeriesQuery {
  patientName?: string;
  patientId?: string;
  /** YYYYMMDD or a range YYYYMMDD-YYYYMMDD. */
  studyDate?: string;
  modality?: string;
  accessionNumber?: string;
  studyInstanceUid?: string;
}

interface SeriesHit {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  patientName: string;
  patientId: string;
  studyDate: string;
  accessionNumber: string;
  modality: string;
  seriesDescription: string;
  /** Instances in the series, when the archive says. */
  instances: number | undefined;
}

export interface RetrieveProgress {
  receivedBytes: number;
  /** From Content-Length when the archive sends one. */
  totalBytes: number | undefined;
}

interface DicomWebClientOptions {
  /** The DICOMweb root, e.g. http://pacs.example/dicom-web */
  baseUrl: string;
  /** The most one answer may be (a whole series for WADO-RS). */
  maxResponseBytes: number;
  /** Per request (default 2 minutes). */
  timeoutMs?: number;
  /** At most this many search results (default 200). */
  searchLimit?: number;
}

const QUERY_KEYS: Record<keyof SeriesQuery, string> = {
  patientName: 'PatientName',
  patientId: 'PatientID',
  studyDate: 'StudyDate',
  modality: 'Modality',
  accessionNumber: 'AccessionNumber',
  studyInstanceUid: 'StudyInstanceUID',
};

type DicomJson = Record<string, { vr?: string; Value?: unknown[] } | undefined>;

/** The first value of a DICOM JSON attribute as text (PN values are objects with an Alphabetic name). */
function first(ds: DicomJson, tag: string): string {
  const v = ds[tag]?.Value?.[0];
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') return String((v as { Alphabetic?: unknown }).Alphabetic ?? '');
  return String(v);
}

export class DicomWebClient {
  private readonly base: string;
  constructor(private readonly opts: DicomWebClientOptions) {
    let url: URL;
    try {
      url = new URL(opts.baseUrl);
    } catch {
      throw new DicomWebError(`"${opts.baseUrl}" is not a DICOMweb address (expected http(s)://host/path)`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new DicomWebError(`DICOMweb address must be http(s): "${opts.baseUrl}"`);
    this.base = url.href.replace(/\/+$/, '');
  }

  /** QIDO-RS: series matching every given field (PatientName may use * wildcards, as DICOM allows). */
  async searchSeries(query: SeriesQuery, signal?: AbortSignal): Promise<SeriesHit[]> {
    const params = new URLSearchParams();
    for (const [key, tag] of Object.entries(QUERY_KEYS) as [keyof SeriesQuery, string][]) {
      const value = query[key]?.trim();
      if (value) params.set(tag, value);
    }
    for (const f of ['PatientName', 'PatientID', 'StudyDate', 'AccessionNumber', 'SeriesDescription', 'NumberOfSeriesRelatedInstances'])
      params.append('includefield', f);
    params.set('limit', String(this.opts.searchLimit ?? 200));
    const { body, res } = await this.request(`${this.base}/series?${params}`, { headers: { accept: 'application/dicom+json' } }, signal);
    if (res.status === 204 || body.length === 0) return [];
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(body).toString('utf8'));
    } catch {
      throw new DicomWebError('the archive answered the series search with something that is not JSON');
    }
    if (!Array.isArray(json)) throw new DicomWebError('the archive answered the series search with JSON that is not a list');
    return json.map((item: DicomJson) => {
      const count = Number(first(item, '00201209'));
      return {
        studyInstanceUid: checkUid(first(item, '0020000D'), 'the archive sent a StudyInstanceUID'),
        seriesInstanceUid: checkUid(first(item, '0020000E'), 'the archive sent a SeriesInstanceUID'),
        patientName: first(item, '00100010'),
        patientId: first(item, '00100020'),
        studyDate: first(item, '00080020'),
        accessionNumber: first(item, '00080050'),
        modality: first(item, '00080060'),
        seriesDescription: first(item, '0008103E'),
        instances: Number.isFinite(count) && count > 0 ? count : undefined,
      };
    });
  }

  /** WADO-RS: every instance of a series, as the archive stores it (any transfer syntax). */
  async retrieveSeries(
    studyUid: string,
    seriesUid: string,
    options: { signal?: AbortSignal; onProgress?: (p: RetrieveProgress) => void } = {},
  ): Promise<Uint8Array[]> {
    const url = `${this.base}/studies/${checkUid(studyUid, 'StudyInstanceUID')}/series/${checkUid(seriesUid, 'SeriesInstanceUID')}`;
    const { body, res } = await this.request(
      url,
      { headers: { accept: 'multipart/related; type="application/dicom"; transfer-syntax=*' } },
      options.signal,
      options.onProgress,
    );
    let parts;
    try {
      parts = parseMultipart(body, boundaryOf(res.headers.get('content-type') ?? ''));
    } catch (e) {
      if (e instanceof MultipartError) throw new DicomWebError(`series ${seriesUid}: ${e.message}`);
      throw e;
    }
    if (parts.length === 0) throw new DicomWebError(`series ${seriesUid}: the archive returned no instances`);
    for (const [i, p] of parts.entries()) {
      const type = p.headers.get('content-type');
      if (type !== undefined && !/^application\/dicom\b/i.test(type)) {
        throw new DicomWebError(`series ${seriesUid}: part ${i + 1} is "${type}", not application/dicom`);
      }
    }
    return parts.map((p) => p.body);
  }

  /** STOW-RS: stores instances (all of one study) and fails unless the archive accepted every one. */
  async store(studyUid: string, instances: readonly Uint8Array[], signal?: AbortSignal): Promise<void> {
    const { body, contentType } = buildMultipart(instances);
    const url = `${this.base}/studies/${checkUid(studyUid, 'StudyInstanceUID')}`;
    const { body: answer } = await this.request(
      url,
      { method: 'POST', headers: { 'content-type': contentType, accept: 'application/dicom+json' }, body },
      signal,
    );
    // A 200 may still list failures (FailedSOPSequence, 00081198); a 202 means some were refused.
    const text = Buffer.from(answer).toString('utf8');
    if (text.trim() === '') return;
    let json: DicomJson;
    try {
      json = JSON.parse(text) as DicomJson;
    } catch {
      throw new DicomWebError('the archive answered the store with something that is not JSON');
    }
    const failed = json['00081198']?.Value?.length ?? 0;
    if (failed > 0) throw new DicomWebError(`the archive refused ${failed} of ${instances.length} instance(s)`);
  }

  /** One request, its answer read whole but never past the byte cap or the timeout. */
  private async request(
    url: string,
    init: RequestInit,
    signal: AbortSignal | undefined,
    onProgress?: (p: RetrieveProgress) => void,
  ): Promise<{ res: Response; body: Uint8Array }> {
    const timeout = AbortSignal.timeout(this.opts.timeoutMs ?? 120_000);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const where = url.slice(0, 200);
    const why = (e: unknown) => {
      if (signal?.aborted) return new DicomWebError('cancelled');
      if (timeout.aborted) return new DicomWebError(`the archive did not answer in time (${where})`);
      return new DicomWebError(`cannot reach the archive (${where}): ${e instanceof Error ? e.message : String(e)}`);
    };
    let res: Response;
    try {
      res = await fetch(url, { ...init, signal: combined, redirect: 'error' });
    } catch (e) {
      throw why(e);
    }
    const max = this.opts.maxResponseBytes;
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (declared > max) {
      await res.body?.cancel();
      throw new DicomWebError(`the archive's answer is ${declared} bytes, more than the limit of ${max} (${where})`);
    }
    const chunks: Uint8Array[] = [];
    let received = 0;
    try {
      if (res.body) {
        for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
          received += chunk.byteLength;
          if (received > max) throw new DicomWebError(`the archive's answer exceeds the limit of ${max} bytes (${where})`);
          chunks.push(chunk);
          onProgress?.({ receivedBytes: received, totalBytes: Number.isFinite(declared) ? declared : undefined });
        }
      }
    } catch (e) {
      await res.body?.cancel().catch(() => undefined);
      throw e instanceof DicomWebError ? e : why(e);
    }
    if (!res.ok) {
      const detail = Buffer.concat(chunks).toString('utf8').slice(0, 300).trim();
      throw new DicomWebError(`the archive answered ${res.status} ${res.statusText} (${where})${detail ? `: ${detail}` : ''}`);
    }
    return { res, body: Buffer.concat(chunks) };
  }
}
