/**
 * Path capabilities of the desktop app (issue 18, finding 16), with the Electron boundary mocked:
 * the dialog is a recording double, the backend a dispatch that records the paths it receives.
 * What a compromised renderer tries: a path it made up, and a folder listing used to climb out of
 * the folder the person granted.
 */
import { describe, expect, it } from 'vitest';
import type { Result } from '../../src-shared/api/contract';
import type { Dispatch } from '../services/apiDispatch';
import { capabilityDispatch, PathCapabilities, type DialogKind } from './pathCapabilities';

function setup(dialogAnswer: string | null = null) {
  const received: Array<[string, unknown]> = [];
  const asked: Array<[DialogKind, string]> = [];
  const backend: Dispatch = async (channel, request) => {
    received.push([channel, request]);
    const p = (request as { path?: string }).path ?? '/demo';
    switch (channel) {
      case 'quorum:fs.list':
        return {
          ok: true,
          value: {
            path: p,
            parent: '/data',
            entries: [
              { name: 'a.nii', path: `${p}/a.nii`, isDir: false },
              { name: 'etc', path: '/etc', isDir: true },
            ],
          },
        };
      case 'quorum:project.listCases':
        return {
          ok: true,
          value: { path: '/demo', name: 'demo', cases: [{ name: 'DWI', path: '/demo/dwi/dwi.nii.gz', kind: 'nifti', description: '' }] },
        };
      default:
        return { ok: true, value: { path: p } };
    }
  };
  const caps = new PathCapabilities();
  const dispatch = capabilityDispatch(backend, caps, async (kind, suggested) => {
    asked.push([kind, suggested]);
    return dialogAnswer;
  });
  return { caps, dispatch, received, asked };
}

const valueOf = <T>(r: Result<unknown>): T => {
  if (!r.ok) throw new Error(r.error.message);
  return r.value as T;
};

describe('path capabilities (Electron)', () => {
  it('never passes a path the page made up: the person is asked, and cancelling sends nothing', async () => {
    const { dispatch, received, asked } = setup(null);
    const r = await dispatch('quorum:case.open', { session: 's', path: '/home/other/secret.nii' });
    expect(!r.ok && r.error.code).toBe('forbidden-path');
    expect(asked).toEqual([['open-file-or-folder', '/home/other/secret.nii']]);
    expect(received).toEqual([]);
  });

  it('uses what the person chose in the dialog, not what the page asked for', async () => {
    const { dispatch, received } = setup('/chosen/out');
    await dispatch('quorum:export.case', { session: 's', caseId: 'c', outDir: '/etc/cron.d' });
    expect(received).toEqual([['quorum:export.case', { session: 's', caseId: 'c', outDir: '/chosen/out' }]]);
  });

  it("passes the backend's own paths back without asking", async () => {
    const { dispatch, received, asked } = setup();
    const listed = valueOf<{ cases: Array<{ path: string }> }>(await dispatch('quorum:project.listCases', {}));
    await dispatch('quorum:case.open', { session: 's', path: listed.cases[0].path });
    expect(asked).toEqual([]);
    expect(received.at(-1)).toEqual(['quorum:case.open', { session: 's', path: '/demo/dwi/dwi.nii.gz' }]);
  });

  it('confines a listing to the granted folder: no parent above it, no entry outside it', async () => {
    const { dispatch, asked } = setup('/data/granted');
    const listing = valueOf<{ path: string; parent: string | null; entries: Array<{ name: string; path: string }> }>(
      await dispatch('quorum:fs.list', { session: 's', path: '/typed' }),
    );
    expect(listing.parent).toBeNull();
    expect(listing.entries.map((e) => e.name)).toEqual(['a.nii']);
    // The entry inside opens without asking; /etc, never listed, still needs the person's say.
    await dispatch('quorum:case.open', { session: 's', path: '/data/granted/a.nii' });
    await dispatch('quorum:fs.list', { session: 's', path: '/etc' });
    expect(asked.map(([, p]) => p)).toEqual(['/typed', '/etc']);
  });
});
