/**
 * The label-table channels (issue 14) through the real browser-mode server over HTTP, on the demo
 * DWI backend: every role reads the table, only an admin changes it, a save keeps the table's values
 * and refuses others with the values found, and an edit that drops a value in use is refused with
 * the values and their version counts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../src-shared/api/contract';
import { LABEL_PRESETS } from '../../src-shared/project/labelTable';
import { useDemoDwiBackend } from '../services/demoDwiBackend.testSupport';
import type { BrowserServer } from './httpServer';
import { rawRequest, serveBackend } from './testSupport';

const TOKEN = 'launch-token';
const VOXELS = 124 * 152 * 32;

const demo = useDemoDwiBackend('quorum-label-table-');
let server: BrowserServer;
beforeAll(async () => {
  server = await serveBackend(demo.backend, {
    token: TOKEN,
  });
});
afterAll(() => server?.close());

async function post<T>(channel: string, body: unknown): Promise<Result<T>> {
  const res = await rawRequest(server.port, `/api/${channel}`, {
    method: 'POST',
    // A fresh connection each time: a kept-alive socket the server is closing meanwhile reads as ECONNRESET.
    headers: { 'X-Quorum-Token': TOKEN, Connection: 'close' },
    api: body,
  });
  return res.json<Result<T>>();
}

async function value<T>(channel: string, body: unknown): Promise<T> {
  const result = await post<T>(channel, body);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
  return result.value;
}

/** A labelmap on the DWI grid holding `value` at each flat index given. */
function labelmap(voxels: ReadonlyArray<readonly [index: number, value: number]>): Uint8Array {
  const lm = new Uint8Array(VOXELS);
  for (const [i, v] of voxels) lm[i] = v;
  return lm;
}

describe('label table over HTTP', () => {
  it('is read by every role, changed by the admin only, and guards the values annotations hold', async () => {
    const ada = await demo.signedInRater('Ada Admin');
    const rita = await demo.signedInRater('Rita Reviewer', { role: 'reviewer', session: ada.token });
    const alice = await demo.signedInRater('Alice Annotator');
    const [dwi] = await value<Array<{ caseId: string }>>('projectCase.list', { session: alice.token });

    for (const who of [ada, rita, alice]) expect(await value('labels.get', { session: who.token })).toEqual(LABEL_PRESETS.stroke.labels);
    expect(await post('labels.get', {})).toMatchObject({ ok: false, error: { code: 'unauthorized' } });

    const corePenumbra = LABEL_PRESETS['core-penumbra'].labels;
    for (const who of [rita, alice]) {
      expect(await post('labels.set', { session: who.token, labels: corePenumbra })).toMatchObject({
        ok: false,
        error: { code: 'unauthorized' },
      });
    }
    const duplicate = await post('labels.set', { session: ada.token, labels: [corePenumbra[0], { ...corePenumbra[1], value: 1 }] });
    expect(duplicate).toMatchObject({
      ok: false,
      error: { code: 'bad-request', message: expect.stringContaining('value 1 is used by two labels') },
    });
    expect(await value('labels.set', { session: ada.token, labels: corePenumbra })).toEqual(corePenumbra);
    expect(await value('labels.get', { session: alice.token })).toEqual(corePenumbra);

    // Core (1), penumbra (2) and uncertain (3) are kept as painted; 7 is no label of this project.
    const painted = labelmap([
      [1000, 1],
      [2000, 2],
      [3000, 3],
    ]);
    const saved = await value<{ versionId: string }>('annotation.save', {
      session: alice.token,
      caseId: dwi.caseId,
      labelmap: painted,
      status: 'submitted',
    });
    const read = await value<{ labelmap: Uint8Array }>('annotation.read', { session: alice.token, versionId: saved.versionId });
    expect(Buffer.from(read.labelmap).equals(Buffer.from(painted))).toBe(true);
    const seven = await post('annotation.save', {
      session: alice.token,
      caseId: dwi.caseId,
      labelmap: labelmap([[5, 7]]),
      status: 'draft',
    });
    expect(seven).toMatchObject({
      ok: false,
      error: { code: 'bad-labels', message: expect.stringMatching(/outside \{0, 1, 2, 3\}.*found 7/) },
    });

    // The stroke table has no value 3: refused while Alice's version holds it, and nothing changes.
    const drop = await post('labels.set', { session: ada.token, labels: LABEL_PRESETS.stroke.labels });
    expect(drop).toMatchObject({
      ok: false,
      error: { code: 'bad-labels', message: expect.stringContaining('3 (Uncertain) in 1 version') },
    });
    expect(await value('labels.get', { session: rita.token })).toEqual(corePenumbra);
  });
});
