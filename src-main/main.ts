/**
 * Electron main, kept thin: privileged quorum:// scheme, one hardened window, IPC, the menu, and
 * windows on team servers (their certificates pinned: shell/teamServerConnection.ts).
 * Everything with logic (routes, headers, IPC sender checks, menu structure, window policy) lives in
 * plain Node modules under server/, services/ and shell/, tested without Electron.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, type MenuItemConstructorOptions } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { contract, type MenuCommand } from '../src-shared/api/contract';
import { APP_SCHEME, MENU_COMMAND_CHANNEL } from '../src-shared/api/transport';
import { createBackend } from './server/backend';
import type { Dispatch } from './services/apiDispatch';
import { registerIpcChannels } from './shell/ipcAdapter';
import { buildMenuTemplate, type MenuIntent, type MenuItemSpec } from './shell/menuTemplate';
import { connectPageUrl, readConnectSubmission } from './shell/connectPage';
import { bundlePaths, resourcePaths } from './shell/packagedLayout';
import { capabilityDispatch, PathCapabilities, type ChoosePath } from './shell/pathCapabilities';
import { createProtocolHandler } from './shell/protocolHandler';
import {
  CertificateChangedError,
  firstConnectionPrompt,
  parseTeamServerAddress,
  pinnedCertificateVerdict,
  planConnection,
  type TeamServerAddress,
} from './shell/teamServerConnection';
import { createTrustStore, type TrustedServer } from './shell/trustedServers';
import { APP_ENTRY_URL, isNavigationAllowed, isPermissionAllowed, secureWebPreferences } from './shell/windowPolicy';

const here = path.dirname(fileURLToPath(import.meta.url));

// Must run before `ready`: a standard + secure scheme gets an origin ('self' in the CSP works), fetch,
// CORS and streaming, and counts as a secure context (needed for SharedArrayBuffer/WASM threads).
protocol.registerSchemesAsPrivileged([
  {
    scheme: APP_SCHEME,
    privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, stream: true, codeCache: true },
  },
]);

if (!app.requestSingleInstanceLock()) app.quit();

/** Web contents id → the team server origin its window shows; its navigation stays there. */
const teamWindows = new Map<number, string>();

// Defence in depth for any web contents, including ones we never create on purpose.
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event, url) => {
    if (!isNavigationAllowed(url, teamWindows.get(contents.id))) event.preventDefault();
  });
  // A server-side redirect is a navigation too, and does not fire will-navigate.
  contents.on('will-redirect', (event, url) => {
    if (!isNavigationAllowed(url, teamWindows.get(contents.id))) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

async function start(): Promise<void> {
  const { projectDir, bundledModelsDir } = resourcePaths(app.isPackaged ? process.resourcesPath : app.getAppPath());
  const { rendererDir, preload, nativeInferenceWorker } = bundlePaths(here);
  const backend = await createBackend({
    mode: 'electron',
    version: app.getVersion(),
    projectDir,
    bundledModelsDir,
    rendererDir,
    dataDir: app.getPath('userData'),
    // A worker thread of this process: native CPU inference for this computer's own window.
    nativeWorker: { kind: 'bundled', path: nativeInferenceWorker },
  });

  session.defaultSession.setPermissionRequestHandler((contents, permission, callback) => {
    callback(isPermissionAllowed(permission, contents.getURL()));
  });
  // Synchronous permission checks (e.g. navigator.permissions, clipboard reads) get the same answer.
  session.defaultSession.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    isPermissionAllowed(permission, requestingOrigin),
  );
  protocol.handle(APP_SCHEME, createProtocolHandler(backend.routes));

  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'Quorum',
    show: false,
    webPreferences: { ...secureWebPreferences, preload },
  });
  window.once('ready-to-show', () => window.show());

  const send = (command: MenuCommand): void => window.webContents.send(MENU_COMMAND_CHANNEL, command);

  async function pick(kind: 'file' | 'folder'): Promise<string | null> {
    const result = await dialog.showOpenDialog(window, {
      properties: kind === 'file' ? ['openFile'] : ['openDirectory'],
      filters: kind === 'file' ? [{ name: 'NIfTI', extensions: ['nii', 'gz'] }] : [],
    });
    return result.canceled ? null : (result.filePaths[0] ?? null);
  }

  // A path reaches the backend from the page only if it was handed out here first (pathCapabilities.ts).
  const capabilities = new PathCapabilities();
  const choosePath: ChoosePath = async (kind, suggested) => {
    if (kind === 'save-file') {
      const saved = await dialog.showSaveDialog(window, { defaultPath: suggested });
      return saved.canceled ? null : (saved.filePath ?? null);
    }
    const properties: Array<'openFile' | 'openDirectory' | 'createDirectory'> =
      kind === 'open-file'
        ? ['openFile']
        : kind === 'open-folder'
          ? ['openDirectory']
          : kind === 'save-folder'
            ? ['openDirectory', 'createDirectory']
            : ['openFile', 'openDirectory'];
    const opened = await dialog.showOpenDialog(window, { defaultPath: suggested, properties });
    return opened.canceled ? null : (opened.filePaths[0] ?? null);
  };

  // Team servers: the trusted list in the data folder, and one session for their windows in which a
  // certificate is accepted only if it is the one trusted for its host (no CA decides).
  const trustStore = createTrustStore(path.join(app.getPath('userData'), 'team-servers.json'));
  let trusted: TrustedServer[] = [];
  const teamSession = session.fromPartition('persist:quorum-team-servers');
  teamSession.setCertificateVerifyProc((request, callback) =>
    callback(pinnedCertificateVerdict(request.hostname, request.certificate.data, trusted)),
  );
  // Only a team window's own server is granted anything, and only what the app itself gets.
  const teamPermission = (contentsId: number | undefined, permission: string, url: string): boolean => {
    const origin = contentsId === undefined ? undefined : teamWindows.get(contentsId);
    return origin !== undefined && isPermissionAllowed(permission, url, origin);
  };
  teamSession.setPermissionRequestHandler((contents, permission, callback) => {
    callback(teamPermission(contents.id, permission, contents.getURL()));
  });
  teamSession.setPermissionCheckHandler((contents, permission, requestingOrigin) =>
    teamPermission(contents?.id, permission, requestingOrigin),
  );

  const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

  async function loadTrusted(): Promise<void> {
    try {
      trusted = await trustStore.list();
    } catch (e) {
      // An unreadable list was set aside (trustedServers.ts); say so, and go on with an empty one.
      trusted = [];
      void dialog.showMessageBox(window, { type: 'warning', message: 'Trusted team servers', detail: errorText(e) });
    }
    await refreshMenu(menuSession);
  }

  function openTeamWindow(address: TeamServerAddress): void {
    // No preload: the server's own page talks to it over HTTPS, as in a browser.
    const team = new BrowserWindow({
      width: 1400,
      height: 900,
      title: `Quorum — ${address.origin}`,
      show: false,
      webPreferences: { ...secureWebPreferences, session: teamSession },
    });
    const id = team.webContents.id;
    teamWindows.set(id, address.origin);
    team.on('closed', () => teamWindows.delete(id));
    team.once('ready-to-show', () => team.show());
    void team.loadURL(address.url);
  }

  async function connectTo(typed: string): Promise<void> {
    try {
      const address = parseTeamServerAddress(typed);
      const plan = await planConnection(address.origin, trustStore);
      if (plan.kind === 'first') {
        const answer = await dialog.showMessageBox(window, {
          type: 'question',
          ...firstConnectionPrompt(plan.probe),
          buttons: ['Cancel', 'Trust and Connect'],
          defaultId: 0,
          cancelId: 0,
        });
        if (answer.response !== 1) return;
        await trustStore.trust(address.origin, plan.probe.fingerprint256);
      } else {
        await trustStore.markUsed(address.origin);
      }
      await loadTrusted();
      openTeamWindow(address);
    } catch (e) {
      if (e instanceof CertificateChangedError) {
        const answer = await dialog.showMessageBox(window, {
          type: 'error',
          message: "The team server's certificate has changed",
          detail: e.message,
          buttons: ['Close', 'Forget the Trusted Certificate'],
          defaultId: 0,
          cancelId: 0,
        });
        if (answer.response === 1) {
          await trustStore.forget(e.remembered.origin);
          await loadTrusted();
        }
        return;
      }
      await dialog.showMessageBox(window, { type: 'error', message: 'Could not connect to the team server', detail: errorText(e) });
    }
  }

  function openConnectWindow(): void {
    const form = new BrowserWindow({
      parent: window,
      modal: true,
      width: 520,
      height: 230,
      title: 'Connect to Team Server',
      webPreferences: { ...secureWebPreferences },
    });
    // The form's submission is a navigation to a reserved address: read it, never follow it.
    form.webContents.on('will-navigate', (event, url) => {
      const submitted = readConnectSubmission(url);
      if (submitted === null) return;
      event.preventDefault();
      form.close();
      if (submitted.kind === 'address') void connectTo(submitted.address);
    });
    void form.loadURL(connectPageUrl());
  }

  async function runIntent(intent: MenuIntent): Promise<void> {
    if (intent.kind === 'send') return send(intent.command);
    if (intent.kind === 'connect-team-server') return openConnectWindow();
    if (intent.kind === 'open-team-server') return connectTo(intent.origin);
    const picked = await pick(intent.kind === 'pick-file' ? 'file' : 'folder');
    if (picked === null) return;
    capabilities.grant(picked);
    send(intent.kind === 'pick-project' ? { type: 'open-project', path: picked } : { type: 'open-path', path: picked });
  }

  const toElectron = (item: MenuItemSpec): MenuItemConstructorOptions => {
    switch (item.type) {
      case 'intent':
        return { label: item.label, accelerator: item.accelerator, click: () => void runIntent(item.intent) };
      case 'role':
        return { role: item.role, accelerator: item.accelerator };
      case 'separator':
        return { type: 'separator' };
      case 'label':
        return { label: item.label, enabled: false };
      case 'submenu':
        return { label: item.label, submenu: item.items.map(toElectron) };
    }
  };

  /** Whose recent list the menu shows: the last case opener's session, null after a sign-out. */
  let menuSession: string | null = null;

  /** The menu's recent list is the signed-in person's (`session`), empty when nobody is. */
  async function refreshMenu(session: string | null): Promise<void> {
    menuSession = session;
    const recent = session === null ? null : await backend.handlers.channels['quorum:recent.list']({ session });
    const template = buildMenuTemplate({
      platform: process.platform,
      appName: app.name,
      recent: recent?.ok ? recent.value.paths : [],
      teamServers: trusted.map((s) => s.origin),
      devTools: !app.isPackaged,
    });
    Menu.setApplicationMenu(Menu.buildFromTemplate(template.map(toElectron)));
  }

  const dispatch: Dispatch = async (channel, request) => {
    const result = await backend.dispatch(channel, request);
    // Opening a case changes the opener's recent list; signing out hides it again.
    if (channel === 'quorum:case.open' && result.ok) void refreshMenu(contract['quorum:case.open'].request.parse(request).session);
    if (channel === 'quorum:rater.signOut') void refreshMenu(null);
    // Signing oneself out everywhere ends this window's session too (an admin ending someone else's does not).
    if (
      channel === 'quorum:rater.signOutEverywhere' &&
      result.ok &&
      contract[channel].request.safeParse(request).data?.raterId === undefined
    )
      void refreshMenu(null);
    return result;
  };
  registerIpcChannels(ipcMain, capabilityDispatch(dispatch, capabilities, choosePath));

  await loadTrusted();
  await window.loadURL(APP_ENTRY_URL);
}

app.on('window-all-closed', () => app.quit());

app
  .whenReady()
  .then(start)
  .catch((e: unknown) => {
    console.error('Quorum failed to start:', e);
    app.exit(1);
  });
