/**
 * The IPC adapter with a double of ipcMain (the one mock, at the Electron boundary) and the real
 * validating dispatcher over a real handler table.
 */
import { describe, expect, it } from 'vitest';
import { contract, type QuorumApi, type Result } from '../../src-shared/api/contract';
import { createBridge } from '../../src-shared/api/bridge';
import { createStudyHandlers } from '../services/study/apiStudy';
import { createProjectHandlers } from '../services/apiProject';
import { createInferenceResultHandlers } from '../services/apiInferenceResults';
import { createNativeInferenceHandlers } from '../services/nativeInference/apiNativeInference';
import { createAdminHandlers } from '../services/apiAdmin';
import { createLabelHandlers } from '../services/apiLabels';
import { createEvaluationHandlers } from '../services/apiEvaluation';
import { createSequenceHandlers } from '../services/caseSequences';
import { createDispatch } from '../services/apiDispatch';
import { fail, ok } from '../services/apiResult';
import { createProjectHost } from '../services/project/projectHost';
import { checkSender, registerIpcChannels, type InvokeEventLike, type IpcRegistrar } from './ipcAdapter';

type Listener = Parameters<IpcRegistrar['handle']>[1];

function fakeIpcMain(): IpcRegistrar & { listeners: Map<string, Listener> } {
  const listeners = new Map<string, Listener>();
  return {
    listeners,
    handle(channel, listener) {
      if (listeners.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      listeners.set(channel, listener);
    },
  };
}

const calls: string[] = [];
/** A handler table that records calls: the adapter's job is to decide whether they happen. */
const channels: QuorumApi = {
  'quorum:app.info': async () => {
    calls.push('app.info');
    return { ok: true, value: { version: '1.2.3', mode: 'electron', demoProjectPath: '/demo' } };
  },
  'quorum:project.listCases': async () => ({ ok: true, value: { path: '/p', name: 'p', cases: [] } }),
  'quorum:case.open': async (req) => {
    calls.push(`case.open ${req.path}`);
    return { ok: false, error: { code: 'not-found', message: 'no' } };
  },
  'quorum:case.decodeProgress': async () => ({ ok: true, value: { frames: null } }),
  'quorum:fs.list': async () => ({ ok: true, value: { path: '/', parent: null, entries: [] } }),
  'quorum:recent.list': async () => ({ ok: true, value: { paths: [] } }),
  'quorum:models.list': async () => ({ ok: true, value: { bundledDir: '/m', userDir: '/u', models: [] } }),
  'quorum:models.saveCalibrated': async () => ({ ok: true, value: { key: 'user/m' } }),
  'quorum:dicomweb.search': async () => ({ ok: false, error: { code: 'not-found', message: 'no archive' } }),
  'quorum:dicomweb.addCase': async () => ({ ok: false, error: { code: 'not-found', message: 'no archive' } }),
  'quorum:dicomweb.addProgress': async () => ({ ok: true, value: { progress: null } }),
  'quorum:dicomweb.cancelAdd': async () => ({ ok: true, value: { cancelled: false } }),
  'quorum:dicomweb.storeSeg': async () => ({ ok: false, error: { code: 'not-found', message: 'no archive' } }),
  // The project channels' real handlers; their host opens a project only when one is called.
  ...createProjectHandlers(createProjectHost({ appVersion: 'test', defaultProjectDir: '/nonexistent/quorum-project' })),
  ...createInferenceResultHandlers(createProjectHost({ appVersion: 'test', defaultProjectDir: '/nonexistent/quorum-project' })),
  ...createStudyHandlers(createProjectHost({ appVersion: 'test', defaultProjectDir: '/nonexistent/quorum-project' })),
  ...createEvaluationHandlers(createProjectHost({ appVersion: 'test', defaultProjectDir: '/nonexistent/quorum-project' })),
  ...createLabelHandlers(createProjectHost({ appVersion: 'test', defaultProjectDir: '/nonexistent/quorum-project' })),
  ...createAdminHandlers(createProjectHost({ appVersion: 'test', defaultProjectDir: '/nonexistent/quorum-project' })),
  ...createNativeInferenceHandlers({
    native: { unavailable: 'not in this test' },
    models: { load: async () => fail('not-found', 'no') },
    openedCase: () => undefined,
  }),
  ...createSequenceHandlers(createProjectHost({ appVersion: 'test', defaultProjectDir: '/nonexistent/quorum-project' }), {
    openCase: async () => ({ ok: false, error: { code: 'not-found', message: 'no' } }),
  }),
};

/** The one session token the dispatcher of these tests knows. */
const SESSION = 'session-of-an-annotator';
const mainFrame = { url: 'quorum://app/index.html', parent: null };
const event = (senderFrame: InvokeEventLike['senderFrame']): InvokeEventLike => ({ senderFrame });

function setup() {
  const ipc = fakeIpcMain();
  const logs: string[] = [];
  registerIpcChannels(
    ipc,
    createDispatch(
      channels,
      async (token) => (token === SESSION ? ok({ raterId: 'rater_test', role: 'annotator' }) : fail('unauthorized', 'not signed in')),
      (m) => logs.push(m),
    ),
    (m) => logs.push(m),
  );
  const invoke = (channel: string, e: InvokeEventLike, ...args: unknown[]) => {
    const listener = ipc.listeners.get(channel);
    if (!listener) throw new Error(`No handler registered for '${channel}'`);
    return listener(e, ...args) as Promise<Result<unknown>>;
  };
  return { ipc, logs, invoke };
}

describe('registerIpcChannels', () => {
  it('registers exactly the contract channels', () => {
    expect([...setup().ipc.listeners.keys()].sort()).toEqual(Object.keys(contract).sort());
  });

  it('passes a valid request from the app main frame to the handler', async () => {
    const { invoke } = setup();
    expect(await invoke('quorum:app.info', event(mainFrame), {})).toEqual({
      ok: true,
      value: { version: '1.2.3', mode: 'electron', demoProjectPath: '/demo' },
    });
  });

  it.each([
    ['a subframe', { url: 'quorum://app/index.html', parent: {} }],
    ['another origin', { url: 'https://evil.example/', parent: null }],
    ['a look-alike host', { url: 'quorum://app.evil/index.html', parent: null }],
    ['a file: page', { url: 'file:///tmp/x.html', parent: null }],
    ['a destroyed frame', null],
  ])('refuses %s without running the handler, and logs why', async (_name, frame) => {
    const { invoke, logs } = setup();
    calls.length = 0;
    const result = await invoke('quorum:case.open', event(frame), { session: SESSION, path: '/x.nii' });
    expect(!result.ok && result.error.code).toBe('unauthorized');
    expect(calls).toEqual([]);
    expect(logs.some((l) => l.includes('refused quorum:case.open'))).toBe(true);
  });

  it('refuses a malformed request with bad-request before the handler', async () => {
    const { invoke } = setup();
    calls.length = 0;
    for (const bad of [
      { session: SESSION, path: 7 },
      { session: SESSION, path: '' },
      { session: SESSION, path: ['/a'] },
    ]) {
      const result = await invoke('quorum:case.open', event(mainFrame), bad);
      expect(!result.ok && result.error.code).toBe('bad-request');
    }
    // Not even an object: no session in it, so the access rule refuses it first.
    for (const bad of [null, 'x']) expect((await invoke('quorum:case.open', event(mainFrame), bad)).ok).toBe(false);
    expect(calls).toEqual([]);
  });

  it('refuses extra or missing arguments', async () => {
    const { invoke } = setup();
    expect(((await invoke('quorum:app.info', event(mainFrame))) as { ok: boolean }).ok).toBe(false);
    expect(((await invoke('quorum:app.info', event(mainFrame), {}, {})) as { ok: boolean }).ok).toBe(false);
  });
});

describe('checkSender', () => {
  it('accepts only the main frame of quorum://app', () => {
    expect(checkSender(mainFrame)).toBe(true);
    expect(checkSender({ url: 'quorum://app/deep/page.html?x=1', parent: null })).toBe(true);
    expect(checkSender({ url: 'not a url', parent: null })).toMatch(/does not parse/);
  });
});

describe('createBridge (the preload body)', () => {
  it('has one method per channel plus onMenuCommand, each invoking its own channel', async () => {
    const invoked: Array<[string, unknown]> = [];
    const bridge = createBridge(
      async (channel, request) => {
        invoked.push([channel, request]);
        return { ok: true, value: null };
      },
      () => () => undefined,
    );
    expect(Object.keys(bridge)).toEqual(
      expect.arrayContaining([
        'appInfo',
        'caseOpen',
        'fsList',
        'onMenuCommand',
        'projectListCases',
        'recentList',
        'raterSignIn',
        'annotationSave',
        'projectCaseList',
      ]),
    );
    expect(Object.keys(bridge)).toHaveLength(Object.keys(contract).length + 1);
    await bridge.caseOpen({ session: 's', path: '/a.nii' });
    await bridge.projectListCases({});
    expect(invoked).toEqual([
      ['quorum:case.open', { session: 's', path: '/a.nii' }],
      ['quorum:project.listCases', {}],
    ]);
  });

  it('forwards menu commands and unsubscribes', () => {
    let listener: ((c: unknown) => void) | null = null;
    const bridge = createBridge(
      async () => null,
      (l) => {
        listener = l;
        return () => {
          listener = null;
        };
      },
    );
    const got: unknown[] = [];
    const off = bridge.onMenuCommand((c) => got.push(c));
    if (listener === null) throw new Error('the bridge did not subscribe');
    (listener as (c: unknown) => void)({ type: 'show-help' });
    off();
    expect(got).toEqual([{ type: 'show-help' }]);
    expect(listener).toBeNull();
  });
});
