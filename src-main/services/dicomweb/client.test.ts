/**
 * The DICOMweb client against a hostile archive (a local HTTP server answering whatever the test
 * says): malformed, truncated, oversized and mistyped answers must fail with a clear error, and
 * WADO-RS multipart answers must split exactly at their boundaries, binary bodies untouched.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkUid, DicomWebClient } from './client';
import { buildMultipart } from './multipart';

type Answer = { status?: number; headers?: Record<string, string>; body: Uint8Array | string };
let answer: Answer = { body: '' };
let lastUrl = '';
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    lastUrl = req.url ?? '';
    req.resume();
    res.writeHead(answer.status ?? 200, answer.headers ?? {});
    res.end(answer.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dicom-web`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const client = (maxResponseBytes = 1_000_000) => new DicomWebClient({ baseUrl: base, maxResponseBytes });
const STUDY = '1.2.3';
const SERIES = '1.2.3.4';

/** Bytes that contain CRLFs, dashes and a near-boundary, as pixel data may. */
function awkward(seed: number): Uint8Array {
  const b = Uint8Array.from({ length: 3000 + seed }, (_, i) => (i * 31 + seed) % 256);
  b.set(Buffer.from('\r\n--\r\n\r\n--quorum'), 100);
  return b;
}

describe('DICOMweb client against a hostile archive', () => {
  it('splits a multipart answer into exactly the instances sent, bytes untouched', async () => {
    const instances = [awkward(1), awkward(2), new Uint8Array(0), awkward(3)];
    const { body, contentType } = buildMultipart(instances);
    answer = { headers: { 'content-type': contentType }, body };
    const back = await client().retrieveSeries(STUDY, SERIES);
    expect(back.map((b) => Buffer.from(b).toString('hex'))).toEqual(instances.map((b) => Buffer.from(b).toString('hex')));
    expect(lastUrl).toBe(`/dicom-web/studies/${STUDY}/series/${SERIES}`);
  });

  it('refuses a truncated multipart answer instead of returning fewer instances', async () => {
    const { body, contentType } = buildMultipart([awkward(1), awkward(2)]);
    answer = { headers: { 'content-type': contentType }, body: body.subarray(0, body.length - 3500) };
    await expect(client().retrieveSeries(STUDY, SERIES)).rejects.toThrow(/cut short/);
  });

  it('refuses an answer that is not multipart, or a part that is not DICOM', async () => {
    answer = { headers: { 'content-type': 'text/html' }, body: '<html>login</html>' };
    await expect(client().retrieveSeries(STUDY, SERIES)).rejects.toThrow(/expected a multipart\/related answer/);
    const { body, contentType } = buildMultipart([awkward(1)], 'text/plain');
    answer = { headers: { 'content-type': contentType }, body };
    await expect(client().retrieveSeries(STUDY, SERIES)).rejects.toThrow(/"text\/plain", not application\/dicom/);
  });

  it('stops reading an answer larger than the limit, declared or not', async () => {
    const { body, contentType } = buildMultipart([awkward(1), awkward(2)]);
    answer = { headers: { 'content-type': contentType, 'content-length': String(body.length) }, body };
    await expect(client(1000).retrieveSeries(STUDY, SERIES)).rejects.toThrow(/more than the limit of 1000/);
    answer = { headers: { 'content-type': contentType }, body }; // chunked: no length declared
    await expect(client(1000).retrieveSeries(STUDY, SERIES)).rejects.toThrow(/limit of 1000/);
  });

  it('reports HTTP errors and non-JSON search answers with the status and the request', async () => {
    answer = { status: 503, body: 'maintenance' };
    await expect(client().searchSeries({ patientName: 'X*' })).rejects.toThrow(/answered 503.*maintenance/);
    answer = { headers: { 'content-type': 'application/dicom+json' }, body: '{"not":"a list"' };
    await expect(client().searchSeries({ patientName: 'X*' })).rejects.toThrow(/not JSON/);
  });

  it('refuses UIDs that are not UIDs before they reach a URL or a cache path', async () => {
    await expect(client().retrieveSeries('../../etc', SERIES)).rejects.toThrow(/is not a DICOM UID/);
    expect(() => checkUid('1.2.3/..', 'x')).toThrow(/not a DICOM UID/);
    answer = { body: JSON.stringify([{ '0020000D': { Value: ['1.2'] }, '0020000E': { Value: ['../x'] } }]) };
    await expect(client().searchSeries({})).rejects.toThrow(/SeriesInstanceUID "..\/x" is not a DICOM UID/);
  });

  it('a store the archive partly refuses fails with the count', async () => {
    answer = { body: JSON.stringify({ '00081198': { vr: 'SQ', Value: [{}] } }) };
    await expect(client().store(STUDY, [awkward(1), awkward(2)])).rejects.toThrow(/refused 1 of 2/);
  });
});
