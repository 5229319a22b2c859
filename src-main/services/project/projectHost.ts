/**
 * The one open project of an app process, and the session tokens signed in to it. The API handlers
 * (apiProject.ts) ask the host for the store; opening another project closes the current one and
 * signs everyone out, since sessions belong to one project's people, while re-opening the same
 * project (the same project id) keeps them. Signing in (name + secret, throttled) goes through
 * the host, which holds the clock and the policies.
 *
 * With no path, the host opens the app's own project: a writable folder in the app's data folder
 * (`<data-dir>/projects/demo/` in browser mode), created on first use and seeded by `seedDefault`
 * (the demo cases). The demo image folder itself stays read-only: it is part of the repository or
 * the installed app, so the database and annotations are never written there.
 *
 * Plain Node.
 */
import path from 'node:path';
import type { Session } from '../../../src-shared/project/types';
import { ProjectError } from './errors';
import { ProjectStore } from './ProjectStore';
import { createSessionRegistry, DEFAULT_SESSION_POLICY, type SessionPolicy, type SessionRegistry } from './sessionRegistry';
import { DEFAULT_SIGN_IN_POLICY, type SignInPolicy, type SignInRequest } from './signIn';

export interface ProjectHostOptions {
  appVersion: string;
  /** The app's own project folder, opened (and created) when no path is given. */
  defaultProjectDir: string;
  /**
   * The team server's project (`--database postgres://…`): opened instead of the default folder,
   * which then only anchors relative image paths.
   */
  defaultDatabaseUrl?: string;
  /** Runs once on the default project after it is opened, e.g. to register the demo cases. */
  seedDefault?: (store: ProjectStore) => Promise<void>;
  /** Epoch ms; tests move it to expire sessions and lift sign-in pauses without waiting. */
  nowMs?: () => number;
  sessionPolicy?: SessionPolicy;
  signInPolicy?: SignInPolicy;
}

export interface ProjectHost {
  /** Opens `dir` (default: the app's own project), closing the current project. */
  open(dir?: string, create?: boolean): Promise<ProjectStore>;
  /** The open project, opening the default one on first use. */
  current(): Promise<ProjectStore>;
  readonly sessions: SessionRegistry;
  /** The host's clock (epoch ms): session and invitation expiry. */
  readonly nowMs: () => number;
  /** Checks a name and secret against the open project and issues a session token. */
  signIn(req: SignInRequest): Promise<{ token: string; session: Session; name: string }>;
  /** Sets a secret (accountSetup.ts); the person's other sessions end. */
  changeSecret(token: string, input: { raterId: string; secret: string; currentSecret?: string }): Promise<void>;
  close(): void;
}

export function createProjectHost(options: ProjectHostOptions): ProjectHost {
  const nowMs = options.nowMs ?? Date.now;
  const signInPolicy = options.signInPolicy ?? DEFAULT_SIGN_IN_POLICY;
  const sessions = createSessionRegistry(async () => (await current()).sessions(), nowMs, options.sessionPolicy ?? DEFAULT_SESSION_POLICY);
  let store: ProjectStore | null = null;
  // Serialises opens, so two first requests arriving together open the project once.
  let pending: Promise<ProjectStore> | null = null;

  async function openStore(dir: string | undefined, create: boolean): Promise<ProjectStore> {
    // On the team server the default project is the database, not a folder: an admin's re-open
    // names the folder `project.open` reported, and must re-open the database, not look for a
    // quorum.sqlite there.
    const isDefault =
      dir === undefined || (options.defaultDatabaseUrl !== undefined && path.resolve(dir) === path.resolve(options.defaultProjectDir));
    const opened =
      isDefault && options.defaultDatabaseUrl !== undefined
        ? await ProjectStore.openPostgres(options.defaultDatabaseUrl, {
            appVersion: options.appVersion,
            imagesDir: options.defaultProjectDir,
          })
        : await ProjectStore.open(dir ?? options.defaultProjectDir, { appVersion: options.appVersion, create: isDefault || create });
    if (isDefault && options.seedDefault) {
      try {
        await options.seedDefault(opened);
      } catch (err) {
        opened.close();
        throw err;
      }
    }
    return opened;
  }

  async function openNow(dir: string | undefined, create: boolean): Promise<ProjectStore> {
    const previous = store;
    store = null;
    // Another folder may be opened beside the current project; the same one only once it is closed (one owner per project).
    const switching = previous !== null && path.resolve(dir ?? options.defaultProjectDir) !== previous.dir;
    if (!switching) previous?.close();
    try {
      const opened = await openStore(dir, create);
      // Sessions belong to one project's people: a switch to another project ends this one's (a re-open keeps them).
      if (switching && opened.openReport.projectId !== previous.openReport.projectId) await previous.sessions().removeAll();
      store = opened;
      return opened;
    } finally {
      if (switching) previous.close();
    }
  }

  function open(dir?: string, create = false): Promise<ProjectStore> {
    // A team server's processes all serve the database's project: one of them switching to a folder
    // would be state kept in that process alone. Naming the project's own folder (what
    // `project.open` reports) is an admin's re-open of the database, not a switch.
    if (dir !== undefined && options.defaultDatabaseUrl !== undefined && path.resolve(dir) !== path.resolve(options.defaultProjectDir))
      return Promise.reject(
        new ProjectError('forbidden', "a team server serves its database's project only: it cannot switch to a folder"),
      );
    const previous = pending ?? Promise.resolve(null);
    const next = previous.catch(() => null).then(() => openNow(dir, create));
    pending = next;
    return next;
  }

  async function current(): Promise<ProjectStore> {
    if (pending) await pending.catch(() => null);
    return store ?? open();
  }

  return {
    open,
    current,
    sessions,
    nowMs,
    async signIn(req) {
      const s = await (await current()).authenticate(req, nowMs, signInPolicy);
      // The store may have been switched while scrypt ran: the session must belong to the open project.
      const now = await current();
      const { name } = await now.whoIs(s);
      return { token: await sessions.issue(s), session: s, name };
    },
    async changeSecret(token, input) {
      const open = await current();
      await open.changeSecret(await sessions.resolve(token), input, nowMs, signInPolicy);
      await sessions.endSessionsOf(input.raterId, token);
    },
    // Sessions stay in the database: a restart signs nobody out.
    close() {
      store?.close();
      store = null;
    },
  };
}
