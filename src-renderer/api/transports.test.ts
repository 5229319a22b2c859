/**
 * The renderer transports with doubles only at their edges: a fake fetch (HTTP) and a fake bridge
 * (IPC). The server side of the same wire is covered by src-main/server/httpServer.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame, FRAME_CONTENT_TYPE } from '../../src-shared/api/binaryFrame';
import { createBridge } from '../../src-shared/api/bridge';
import { createHttpApi } from './httpTransport';
import { createIpcApi } from './ipcTransport';
import { captureToken } from './token';

const info = { version: '1.0.0', mode: 'browser', demoProjectPath: '/demo' };

describe('HTTP transport', () => {
  it('POSTs JSON to api/<channel> relative to the page, with the token header', async () => {
    const seen: Array<{ url: string; init: RequestInit | undefined }> = [];
    const fakeFetch = (async (url: string | URL | Request, init?: RequestInit) => {
      seen.push({ url: String(url), init });
      return new Response(JSON.stringify({ ok: true, value: info }), { status: 200 });
    }) as typeof fetch;
    const api = createHttpApi({ baseUrl: 'http://127.0.0.1:5170/index.html?x=1', token: 'T0K', fetch: fakeFetch });
    expect(await api['quorum:app.info']({})).toEqual({ ok: true, value: info });
    expect(seen[0].url).toBe('http://127.0.0.1:5170/api/app.info');
    expect(seen[0].init?.method).toBe('POST');
    expect(seen[0].init?.headers).toEqual({ 'Content-Type': 'application/json', 'X-Quorum-Token': 'T0K' });
    expect(seen[0].init?.body).toBe('{}');
  });

  it('sends a request holding bytes as a binary frame and decodes a frame response', async () => {
    const seen: RequestInit[] = [];
    const fakeFetch = (async (_url: string | URL | Request, init?: RequestInit) => {
      seen.push(init ?? {});
      return new Response(encodeFrame({ ok: true, value: info }), { headers: { 'Content-Type': FRAME_CONTENT_TYPE } });
    }) as typeof fetch;
    const api = createHttpApi({ baseUrl: 'http://127.0.0.1:1/', token: 't', fetch: fakeFetch });
    const labelmap = Uint8Array.of(0, 1, 2, 1);
    // app.info takes no bytes; the transport does not look at the channel, only at the value.
    expect(await api['quorum:app.info']({ labelmap } as never)).toEqual({ ok: true, value: info });
    expect(seen[0].headers).toEqual({ 'Content-Type': FRAME_CONTENT_TYPE, 'X-Quorum-Token': 't' });
    expect(decodeFrame(seen[0].body as Uint8Array)).toEqual({ labelmap });
  });

  it('passes error results through even with a 4xx status', async () => {
    const fakeFetch = (async () =>
      new Response(JSON.stringify({ ok: false, error: { code: 'forbidden-path', message: 'no' } }), { status: 403 })) as typeof fetch;
    const api = createHttpApi({ baseUrl: 'http://127.0.0.1:1/', token: 't', fetch: fakeFetch });
    expect(await api['quorum:case.open']({ session: 's', path: '/x' })).toEqual({
      ok: false,
      error: { code: 'forbidden-path', message: 'no' },
    });
  });

  it('turns a response that breaks the contract into an internal error', async () => {
    const fakeFetch = (async () => new Response(JSON.stringify({ ok: true, value: { version: 1 } }))) as typeof fetch;
    const api = createHttpApi({ baseUrl: 'http://127.0.0.1:1/', token: 't', fetch: fakeFetch });
    const result = await api['quorum:app.info']({});
    expect(!result.ok && result.error.code).toBe('internal');
    expect(!result.ok && result.error.message).toContain('contract');
  });

  it('reports an unreachable server as a clear error, not an exception', async () => {
    const fakeFetch = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    const api = createHttpApi({ baseUrl: 'http://127.0.0.1:1/', token: 't', fetch: fakeFetch });
    const result = await api['quorum:recent.list']({ session: 's' });
    expect(!result.ok && result.error.message).toContain('fetch failed');
  });
});

describe('IPC transport', () => {
  it('calls the bridge method of each channel and checks the result', async () => {
    const bridge = createBridge(
      async (channel) => (channel === 'quorum:app.info' ? { ok: true, value: { ...info, mode: 'electron' } } : { bogus: true }),
      () => () => undefined,
    );
    const api = createIpcApi(bridge);
    expect(await api['quorum:app.info']({})).toEqual({ ok: true, value: { ...info, mode: 'electron' } });
    const broken = await api['quorum:recent.list']({ session: 's' });
    expect(!broken.ok && broken.error.code).toBe('internal');
  });

  it('reports a rejected invoke as an error result', async () => {
    const bridge = createBridge(
      async () => {
        throw new Error('No handler registered');
      },
      () => () => undefined,
    );
    const result = await createIpcApi(bridge)['quorum:app.info']({});
    expect(!result.ok && result.error.message).toContain('No handler registered');
  });
});

describe('token capture', () => {
  function env(href: string) {
    const store = new Map<string, string>();
    const replaced: string[] = [];
    return {
      replaced,
      store,
      env: {
        location: { href },
        history: { state: null, replaceState: (_s: unknown, _t: string, url?: string | URL | null) => void replaced.push(String(url)) },
        storage: { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) },
      },
    };
  }

  it('takes the token from the URL, stores it and strips it from the address bar', () => {
    const e = env('http://127.0.0.1:5170/?token=abc&case=1#view');
    expect(captureToken(e.env)).toBe('abc');
    expect(e.replaced).toEqual(['/?case=1#view']);
    expect(e.store.get('quorum.token')).toBe('abc');
  });

  it('falls back to the stored token after a reload, and to null without one', () => {
    const e = env('http://127.0.0.1:5170/');
    expect(captureToken(e.env)).toBeNull();
    e.store.set('quorum.token', 'kept');
    expect(captureToken(e.env)).toBe('kept');
    expect(e.replaced).toEqual([]);
  });
});
