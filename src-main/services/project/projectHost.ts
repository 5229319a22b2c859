/**
 * The one open project of an app process, and the session tokens signed in to it. The API handlers
 * (apiProject.ts) ask the host for the store; opening another project closes the current one and
 * signs everyone out, since sessions belong to one project's raters.
 *
 * With no path, the host opens the app's own project: a writable folder in the app's data folder
 * (`<data-dir>/projects/demo/` in browser mode), created on first use and seeded by `seedDefault`
 * (the demo cases). The demo image folder itself stays read-only: it is part of the repository or
 * the installed app, so the database and annotations are never written there.
 *
 * Plain Node.
 */
import { ProjectStore } from './ProjectStore';
import { createSessionRegistry, type SessionRegistry } from './sessionRegistry';

export interface ProjectHostOptions {
  appVersion: string;
  /** The app's own project folder, opened (and created) when no path is given. */
  defaultProjectDir: string;
  /** Runs once on the default project after it is opened, e.g. to register the demo cases. */
  seedDefault?: (store: ProjectStore) => Promise<void>;
}

export interface ProjectHost {
  /** Opens `dir` (default: the app's own project), closing the current project. */
  open(dir?: string, create?: boolean): Promise<ProjectStore>;
  /** The open project, opening the default one on first use. */
  current(): Promise<ProjectStore>;
  readonly sessions: SessionRegistry;
  close(): void;
}

export function createProjectHost(options: ProjectHostOptions): ProjectHost {
  const sessions = createSessionRegistry();
  let store: ProjectStore | null = null;
  // Serialises opens, so two first requests arriving together open the project once.
  let pending: Promise<ProjectStore> | null = null;

  async function openNow(dir: string | undefined, create: boolean): Promise<ProjectStore> {
    sessions.clear();
    store?.close();
    store = null;
    const isDefault = dir === undefined;
    const opened = ProjectStore.open(dir ?? options.defaultProjectDir, { appVersion: options.appVersion, create: isDefault || create });
    if (isDefault && options.seedDefault) {
      try {
        await options.seedDefault(opened);
      } catch (err) {
        opened.close();
        throw err;
      }
    }
    store = opened;
    return opened;
  }

  function open(dir?: string, create = false): Promise<ProjectStore> {
    const previous = pending ?? Promise.resolve(null);
    const next = previous.catch(() => null).then(() => openNow(dir, create));
    pending = next;
    return next;
  }

  return {
    open,
    async current() {
      if (pending) await pending.catch(() => null);
      return store ?? open();
    },
    sessions,
    close() {
      sessions.clear();
      store?.close();
      store = null;
    },
  };
}
