/**
 * The application menu as data. main.ts turns it into Electron's template, opening native dialogs
 * for the pick-* intents, connecting to team servers for the *-team-server ones and sending the
 * others to the renderer as MenuCommand events; keeping the
 * structure here lets tests check it without Electron.
 */
import type { MenuCommand } from '../../src-shared/api/contract';

/** What a menu item asks for. */
export type MenuIntent =
  /** Native file dialog for a NIfTI file, then open-path. */
  | { kind: 'pick-file' }
  /** Native folder dialog for a DICOM series folder, then open-path. */
  | { kind: 'pick-folder' }
  /** Native folder dialog for a project folder, then open-project. */
  | { kind: 'pick-project' }
  /** Send this command to the renderer as is. */
  | { kind: 'send'; command: MenuCommand }
  /** The window asking for a team server's address, then the connection (teamServerConnection.ts). */
  | { kind: 'connect-team-server' }
  /** Connect again to a trusted team server (its certificate is checked against the trusted one). */
  | { kind: 'open-team-server'; origin: string };

/** Electron's built-in roles we use; Electron implements them. */
export type MenuRole =
  | 'quit'
  | 'undo'
  | 'redo'
  | 'cut'
  | 'copy'
  | 'paste'
  | 'selectAll'
  | 'reload'
  | 'forceReload'
  | 'toggleDevTools'
  | 'resetZoom'
  | 'zoomIn'
  | 'zoomOut'
  | 'togglefullscreen'
  | 'minimize'
  | 'close'
  | 'about'
  | 'hide'
  | 'hideOthers'
  | 'unhide'
  | 'services';

export type MenuItemSpec =
  | { type: 'intent'; label: string; accelerator?: string; intent: MenuIntent }
  | { type: 'role'; role: MenuRole; accelerator?: string }
  | { type: 'separator' }
  | { type: 'label'; label: string }
  | { type: 'submenu'; label: string; items: MenuItemSpec[] };

export interface MenuOptions {
  platform: NodeJS.Platform;
  appName: string;
  /** Recent paths, newest first. */
  recent: readonly string[];
  /** Trusted team servers' origins, most recently used first. */
  teamServers: readonly string[];
  /** Developer tools in the View menu only in development builds. */
  devTools: boolean;
}

/** The last path component, so long recent paths stay readable in the menu. */
function recentLabel(p: string): string {
  const parts = p.split(/[\\/]/).filter((s) => s.length > 0);
  const name = parts[parts.length - 1] ?? p;
  // '&' is a mnemonic marker on Windows/Linux menus; double it to show it literally.
  return `${name.replace(/&/g, '&&')} — ${p.replace(/&/g, '&&')}`;
}

export function buildMenuTemplate(options: MenuOptions): MenuItemSpec[] {
  const isMac = options.platform === 'darwin';
  const recentItems: MenuItemSpec[] =
    options.recent.length === 0
      ? [{ type: 'label', label: 'No recent cases' }]
      : options.recent.map((p) => ({
          type: 'intent',
          label: recentLabel(p),
          intent: { kind: 'send', command: { type: 'open-path', path: p } },
        }));
  const teamItems: MenuItemSpec[] =
    options.teamServers.length === 0
      ? [{ type: 'label', label: 'No team servers yet' }]
      : options.teamServers.map((origin) => ({
          type: 'intent',
          label: origin.replace(/&/g, '&&'),
          intent: { kind: 'open-team-server', origin },
        }));

  const file: MenuItemSpec = {
    type: 'submenu',
    label: '&File',
    items: [
      { type: 'intent', label: 'Open File…', accelerator: 'CmdOrCtrl+O', intent: { kind: 'pick-file' } },
      { type: 'intent', label: 'Open Folder…', accelerator: 'CmdOrCtrl+Shift+O', intent: { kind: 'pick-folder' } },
      { type: 'intent', label: 'Open Project…', accelerator: 'CmdOrCtrl+Alt+O', intent: { kind: 'pick-project' } },
      { type: 'submenu', label: 'Open Recent', items: recentItems },
      { type: 'separator' },
      { type: 'intent', label: 'Connect to Team Server…', intent: { kind: 'connect-team-server' } },
      { type: 'submenu', label: 'Recent Team Servers', items: teamItems },
      { type: 'separator' },
      isMac ? { type: 'role', role: 'close' } : { type: 'role', role: 'quit', accelerator: 'CmdOrCtrl+Q' },
    ],
  };
  const edit: MenuItemSpec = {
    type: 'submenu',
    label: '&Edit',
    items: [
      { type: 'role', role: 'undo' },
      { type: 'role', role: 'redo' },
      { type: 'separator' },
      { type: 'role', role: 'cut' },
      { type: 'role', role: 'copy' },
      { type: 'role', role: 'paste' },
      { type: 'role', role: 'selectAll' },
    ],
  };
  const view: MenuItemSpec = {
    type: 'submenu',
    label: '&View',
    items: [
      { type: 'role', role: 'reload' },
      { type: 'role', role: 'forceReload' },
      ...(options.devTools ? [{ type: 'role', role: 'toggleDevTools' } as const] : []),
      { type: 'separator' },
      { type: 'role', role: 'resetZoom' },
      { type: 'role', role: 'zoomIn' },
      { type: 'role', role: 'zoomOut' },
      { type: 'separator' },
      { type: 'role', role: 'togglefullscreen' },
    ],
  };
  const help: MenuItemSpec = {
    type: 'submenu',
    label: '&Help',
    items: [{ type: 'intent', label: 'Keyboard Shortcuts', accelerator: 'F1', intent: { kind: 'send', command: { type: 'show-help' } } }],
  };
  const appMenu: MenuItemSpec[] = isMac
    ? [
        {
          type: 'submenu',
          label: options.appName,
          items: [
            { type: 'role', role: 'about' },
            { type: 'separator' },
            { type: 'role', role: 'services' },
            { type: 'separator' },
            { type: 'role', role: 'hide' },
            { type: 'role', role: 'hideOthers' },
            { type: 'role', role: 'unhide' },
            { type: 'separator' },
            { type: 'role', role: 'quit' },
          ],
        },
      ]
    : [];
  return [...appMenu, file, edit, view, help];
}
