/** Window policy, menu structure and the quorum:// protocol mapping, checked without Electron. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { menuCommandSchema } from '../../src-shared/api/contract';
import { createAppRoutes } from '../server/appRoutes';
import { connectPageUrl, readConnectSubmission } from './connectPage';
import { buildMenuTemplate, type MenuItemSpec } from './menuTemplate';
import { createProtocolHandler } from './protocolHandler';
import { isAppUrl, isNavigationAllowed, isPermissionAllowed, secureWebPreferences } from './windowPolicy';

describe('window policy', () => {
  it('keeps the hardened webPreferences', () => {
    expect(secureWebPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
  });

  it('parses URLs instead of comparing prefixes', () => {
    expect(isAppUrl('quorum://app/index.html')).toBe(true);
    expect(isAppUrl('quorum://app.evil.com/index.html')).toBe(false);
    expect(isAppUrl('quorum://appx/')).toBe(false);
    expect(isAppUrl('https://quorum://app/')).toBe(false);
    expect(isAppUrl('http://127.0.0.1/')).toBe(false);
    expect(isNavigationAllowed('https://example.org/')).toBe(false);
    expect(isNavigationAllowed('javascript:alert(1)')).toBe(false);
  });

  it('grants only clipboard writes and fullscreen, only to the app', () => {
    expect(isPermissionAllowed('fullscreen', 'quorum://app/index.html')).toBe(true);
    expect(isPermissionAllowed('media', 'quorum://app/index.html')).toBe(false);
    expect(isPermissionAllowed('geolocation', 'quorum://app/index.html')).toBe(false);
    expect(isPermissionAllowed('fullscreen', 'https://evil.example/')).toBe(false);
  });

  it('answers permission checks, which name an origin rather than a page URL, the same way', () => {
    expect(isPermissionAllowed('clipboard-sanitized-write', 'quorum://app')).toBe(true);
    expect(isPermissionAllowed('clipboard-read', 'quorum://app')).toBe(false);
    expect(isPermissionAllowed('clipboard-sanitized-write', 'quorum://app.evil')).toBe(false);
  });

  it("keeps a team server's window on that server, and grants it only what the app gets", () => {
    const team = 'https://quorum.example.org:8443';
    expect(isNavigationAllowed('https://quorum.example.org:8443/?invite=x', team)).toBe(true);
    expect(isNavigationAllowed('https://quorum.example.org/', team)).toBe(false);
    expect(isNavigationAllowed('http://quorum.example.org:8443/', team)).toBe(false);
    expect(isNavigationAllowed('https://quorum.example.org:8443.evil.example/', team)).toBe(false);
    expect(isNavigationAllowed('quorum://app/index.html', team)).toBe(false);
    expect(isPermissionAllowed('fullscreen', 'https://quorum.example.org:8443/', team)).toBe(true);
    expect(isPermissionAllowed('media', 'https://quorum.example.org:8443/', team)).toBe(false);
    expect(isPermissionAllowed('fullscreen', 'https://evil.example/', team)).toBe(false);
  });

  it('refuses redirects out of the app like navigations', () => {
    expect(isNavigationAllowed('quorum://app/index.html#x')).toBe(true);
    expect(isNavigationAllowed('http://127.0.0.1:8080/')).toBe(false);
    expect(isNavigationAllowed('file:///etc/passwd')).toBe(false);
  });
});

function flatten(items: MenuItemSpec[]): MenuItemSpec[] {
  return items.flatMap((i) => (i.type === 'submenu' ? [i, ...flatten(i.items)] : [i]));
}

describe('menu template', () => {
  const linux = buildMenuTemplate({
    platform: 'linux',
    appName: 'Quorum',
    recent: ['/data/a & b.nii.gz', '/data/dicom'],
    teamServers: ['https://quorum.example.org:8443', 'https://10.0.0.5'],
    devTools: false,
  });

  it('has File/Edit/View/Help with Open file, folder, project, recent and Quit', () => {
    expect(linux.map((m) => m.type === 'submenu' && m.label)).toEqual(['&File', '&Edit', '&View', '&Help']);
    const labels = flatten(linux).map((i) => ('label' in i ? i.label : i.type === 'role' ? i.role : i.type));
    for (const wanted of [
      'Open File…',
      'Open Folder…',
      'Open Project…',
      'Open Recent',
      'quit',
      'copy',
      'paste',
      'undo',
      'zoomIn',
      'togglefullscreen',
    ]) {
      expect(labels).toContain(wanted);
    }
    expect(labels).not.toContain('toggleDevTools');
  });

  it('turns recent paths into valid open-path commands, escaping & for mnemonics', () => {
    const recent = flatten(linux).find((i) => i.type === 'submenu' && i.label === 'Open Recent');
    expect(recent?.type).toBe('submenu');
    if (recent?.type !== 'submenu') return;
    const first = recent.items[0];
    expect(first.type === 'intent' && first.label).toBe('a && b.nii.gz — /data/a && b.nii.gz');
    for (const item of recent.items) {
      expect(item.type).toBe('intent');
      if (item.type === 'intent' && item.intent.kind === 'send')
        expect(menuCommandSchema.safeParse(item.intent.command).success).toBe(true);
    }
  });

  it('has Connect to Team Server… in the File menu, and the trusted team servers, newest first, to connect again', () => {
    const file = linux[0];
    expect(file.type === 'submenu' && file.label).toBe('&File');
    if (file.type !== 'submenu') return;
    const connect = file.items.find((i) => i.type === 'intent' && i.label === 'Connect to Team Server…');
    expect(connect?.type === 'intent' && connect.intent).toEqual({ kind: 'connect-team-server' });
    const recentServers = file.items.find((i) => i.type === 'submenu' && i.label === 'Recent Team Servers');
    expect(recentServers?.type === 'submenu' && recentServers.items).toEqual([
      {
        type: 'intent',
        label: 'https://quorum.example.org:8443',
        intent: { kind: 'open-team-server', origin: 'https://quorum.example.org:8443' },
      },
      { type: 'intent', label: 'https://10.0.0.5', intent: { kind: 'open-team-server', origin: 'https://10.0.0.5' } },
    ]);
  });

  it('shows a disabled placeholder when nothing is recent, and the app menu on macOS', () => {
    const mac = buildMenuTemplate({ platform: 'darwin', appName: 'Quorum', recent: [], teamServers: [], devTools: true });
    expect(mac[0].type === 'submenu' && mac[0].label).toBe('Quorum');
    expect(flatten(mac).some((i) => i.type === 'label' && i.label === 'No recent cases')).toBe(true);
    expect(flatten(mac).some((i) => i.type === 'label' && i.label === 'No team servers yet')).toBe(true);
    expect(flatten(mac).some((i) => i.type === 'role' && i.role === 'toggleDevTools')).toBe(true);
  });
});

describe('the connect window', () => {
  // Submit the form as a browser does for method=get: the action, then the named fields as a query.
  const page = decodeURIComponent(connectPageUrl().replace(/^data:text\/html;charset=utf-8,/, ''));
  const action = /<form method="get" action="([^"]+)">/.exec(page)?.[1] ?? '';
  const field = /<input [^>]*name="([^"]+)"/.exec(page)?.[1] ?? '';
  const cancel = /<button type="submit" name="([^"]+)" value="([^"]+)"/.exec(page);

  it('is a static form with no script, whose answer main reads from the attempted navigation', () => {
    expect(page).not.toMatch(/<script/i);
    expect(page).toContain(`form-action ${action}`);
    const typed = ' https://quorum.example.org:8443/?invite=a&b ';
    expect(readConnectSubmission(`${action}?${new URLSearchParams({ [field]: typed }).toString()}`)).toEqual({
      kind: 'address',
      address: typed,
    });
    expect(
      readConnectSubmission(`${action}?${new URLSearchParams({ [field]: '', [cancel?.[1] ?? '']: cancel?.[2] ?? '' }).toString()}`),
    ).toEqual({
      kind: 'cancel',
    });
    expect(readConnectSubmission('https://quorum.example.org/?address=x')).toBeNull();
    expect(readConnectSubmission('not a url')).toBeNull();
  });
});

describe('quorum:// protocol handler', () => {
  let tmp: string;
  let handle: (request: Request) => Promise<Response>;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'quorum-proto-'));
    await mkdir(path.join(tmp, 'renderer', 'assets'), { recursive: true });
    await writeFile(path.join(tmp, 'renderer', 'index.html'), '<!doctype html>');
    await writeFile(path.join(tmp, 'renderer', 'assets', 'ort.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d]));
    await writeFile(path.join(tmp, 'secret.txt'), 'no');
    const routes = createAppRoutes({
      handlers: {
        readVolume: async () => ({ ok: false, error: { code: 'not-found', message: 'not open' } }),
        readCaseFile: async () => ({ ok: false, error: { code: 'forbidden-path', message: 'not granted' } }),
      },
      rendererDir: path.join(tmp, 'renderer'),
    });
    handle = createProtocolHandler(routes);
  });
  afterAll(() => rm(tmp, { recursive: true, force: true }));

  it('serves the page with CSP and isolation headers', async () => {
    const res = await handle(new Request('quorum://app/index.html'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(res.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self' 'wasm-unsafe-eval'");
  });

  it('serves wasm as application/wasm', async () => {
    const res = await handle(new Request('quorum://app/assets/ort.wasm'));
    expect(res.headers.get('content-type')).toBe('application/wasm');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(new Uint8Array([0, 0x61, 0x73, 0x6d]));
  });

  it('refuses other hosts, unopened roots and encoded traversal', async () => {
    expect((await handle(new Request('quorum://other/index.html'))).status).toBe(404);
    expect((await handle(new Request('quorum://app/files/abc/secret.txt'))).status).toBe(403);
    expect((await handle(new Request('quorum://app/assets/..%2f..%2fsecret.txt'))).status).toBe(403);
    expect((await handle(new Request('quorum://app/api/volume/a/b'))).status).toBe(404);
    expect((await handle(new Request('quorum://app/index.html', { method: 'POST' }))).status).toBe(405);
  });
});
