import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CaseSources } from '../../src-shared/api/evaluationChannels';
import { shareVersionLabelmap, sharingWhile } from './sharedLabelmaps';

const requests: Array<{ held?: string[] }> = [];
let answer: (held: readonly string[]) => CaseSources;

vi.mock('../api', () => ({
  ApiRequestError: class extends Error {},
  getApi: () => ({
    'quorum:evaluation.caseSources': async (request: { held?: string[] }) => {
      requests.push(request);
      return { ok: true, value: answer(request.held ?? []) };
    },
  }),
}));

const { loadCaseSources } = await import('./evaluationSources');

const isolated = (value: boolean | undefined) => Object.defineProperty(globalThis, 'crossOriginIsolated', { value, configurable: true });
const geometry = { dims: [2, 2, 1] } as unknown as CaseSources['geometry'];

/** A server that leaves out exactly the voxels of the versions the request says the page holds. */
function sourcesOf(versions: Record<string, Uint8Array>): (held: readonly string[]) => CaseSources {
  return (held) => ({
    caseId: 'c',
    name: 'C',
    geometry,
    raters: Object.entries(versions).map(([versionId, labelmap]) => ({
      raterId: `r-${versionId}`,
      name: versionId,
      status: 'submitted',
      versionId,
      noLesion: false,
      labelmap: held.includes(versionId) ? 'held' : labelmap,
    })),
    models: [],
  });
}

describe('loadCaseSources', () => {
  afterEach(() => {
    isolated(undefined);
    requests.length = 0;
  });

  it('names the versions the review holds, so their voxels are not sent again, and uses those copies', async () => {
    isolated(true);
    const held = shareVersionLabelmap('v-held', Uint8Array.from([0, 1, 1, 0]), 4);
    const sent = Uint8Array.from([1, 0, 0, 1]);
    answer = sourcesOf({ 'v-held': Uint8Array.from([0, 1, 1, 0]), 'v-sent': sent });
    const loaded = await loadCaseSources('token', 'c');
    expect(requests[0].held).toContain('v-held');
    expect(requests[0].held).not.toContain('v-sent');
    const [first, second] = loaded.input.raters;
    expect(first.labelmap).toBe(held);
    expect(Array.from(second.labelmap ?? [])).toEqual(Array.from(sent));
  });

  it("waits for the review's layers started in the same step, then names the versions they loaded", async () => {
    isolated(true);
    const late = Uint8Array.from([1, 1, 0, 0]);
    answer = sourcesOf({ 'v-late': late });
    let finish = () => {};
    // The panel's load starts first, the layers' load right after it (as opening a case does).
    const loading = loadCaseSources('token', 'c');
    void sharingWhile(new Promise<void>((resolve) => (finish = resolve)));
    const copy = shareVersionLabelmap('v-late', late, 4);
    await Promise.resolve();
    expect(requests).toHaveLength(0);
    finish();
    const loaded = await loading;
    expect(requests[0].held).toContain('v-late');
    expect(loaded.input.raters[0].labelmap).toBe(copy);
  });

  it('refuses an answer that leaves out voxels the page does not hold', async () => {
    isolated(true);
    answer = () => sourcesOf({ 'v-unknown': new Uint8Array(4) })(['v-unknown']);
    await expect(loadCaseSources('token', 'c')).rejects.toThrow(/does not hold/);
  });
});
