/**
 * The dispatcher's one permission rule (channelAccess.ts), over every channel of the contract: a
 * caller the rule refuses never reaches the handler, whatever the request holds. The handler table
 * records every call, so "before any work" is what is checked, not just the answer.
 */
import { describe, expect, it } from 'vitest';
import { contract, type Channel, type QuorumApi } from '../../src-shared/api/contract';
import { ROLES, type Role, type Session } from '../../src-shared/project/types';
import { createDispatch } from './apiDispatch';
import { fail, ok } from './apiResult';
import { CHANNEL_ACCESS } from './channelAccess';
import { ProjectError } from './project/errors';
import type { ProjectHost } from './project/projectHost';
import { sessionOfHost } from './projectGuard';

const channels = Object.keys(contract) as Channel[];

function recordingDispatch() {
  const called: string[] = [];
  const table = Object.fromEntries(
    channels.map((c) => [
      c,
      async () => {
        called.push(c);
        return { ok: false, error: { code: 'internal', message: 'the handler ran' } };
      },
    ]),
  ) as unknown as QuorumApi;
  const sessions = new Map<string, Session>(ROLES.map((role) => [`token-${role}`, { raterId: `rater_${role}`, role }]));
  const dispatch = createDispatch(
    table,
    async (token) => {
      const session = sessions.get(token);
      return session ? ok(session) : fail('unauthorized', 'not signed in');
    },
    () => undefined,
  );
  return { called, dispatch };
}

const requiresSession = channels.filter((c) => CHANNEL_ACCESS[c].who === 'signed-in');

describe('the dispatcher checks who may call a channel before anything else', () => {
  it('has at least the channels that act on project data behind a session', () => {
    for (const c of [
      'quorum:case.open',
      'quorum:fs.list',
      'quorum:recent.list',
      'quorum:import.folder',
      'quorum:annotation.import',
      'quorum:audit.list',
    ] as const) {
      expect(requiresSession).toContain(c);
    }
  });

  it.each(requiresSession)('%s: no session, an unknown token or a wrong role never reaches the handler', async (channel) => {
    const { called, dispatch } = recordingDispatch();
    const access = CHANNEL_ACCESS[channel];
    const refusedRoles: Role[] = access.who === 'signed-in' ? ROLES.filter((r) => !access.roles.includes(r)) : [];
    const requests: unknown[] = [
      {},
      { session: 'forged' },
      { session: '' },
      null,
      'x',
      ...refusedRoles.map((r) => ({ session: `token-${r}` })),
    ];
    for (const request of requests) {
      const result = await dispatch(channel, request);
      expect({ request, code: !result.ok && result.error.code }).toEqual({ request, code: 'unauthorized' });
    }
    expect(called).toEqual([]);
  });

  it.each(requiresSession)('%s: an allowed role gets past the rule (to validation and the handler)', async (channel) => {
    const { dispatch } = recordingDispatch();
    const access = CHANNEL_ACCESS[channel];
    const allowed = access.who === 'signed-in' ? access.roles[0] : 'admin';
    const result = await dispatch(channel, { session: `token-${allowed}` });
    expect(!result.ok && result.error.code).not.toBe('unauthorized');
  });

  it('answers "unavailable" (try again), not "sign in again", while the session store cannot be reached', async () => {
    let reached = false;
    const dispatch = createDispatch(
      Object.fromEntries(channels.map((c) => [c, async () => ((reached = true), ok({}))])) as unknown as QuorumApi,
      // The real lookup over a registry whose database is away (the store throws this while PostgreSQL restarts).
      sessionOfHost({
        sessions: {
          resolve: async () => {
            throw new ProjectError('unavailable', 'The project database cannot be reached right now.');
          },
        },
      } as unknown as Pick<ProjectHost, 'sessions'>),
      () => undefined,
    );
    const result = await dispatch('quorum:annotation.list', { session: 'token-annotator', caseId: 'case_1' });
    expect(!result.ok && [result.error.code, result.error.message]).toEqual([
      'unavailable',
      'The project database cannot be reached right now.',
    ]);
    expect(reached).toBe(false);
  });
});
