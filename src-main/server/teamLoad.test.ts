/**
 * The team load run (bench/teamLoad.ts), bounded: a few raters saving a few small labelmaps at
 * once through two server processes on one PostgreSQL database, and the single-user server on
 * SQLite. Correctness only (nothing lost, nothing corrupted, every save acknowledged); the timed
 * run with the full sizes is `npm run bench -- teamLoad`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSingleUser, runTeamLoad, type LoadPlan } from '../../bench/teamLoad';
import { pgUnavailable } from '../services/project/pgCluster.testSupport';

const SMOKE: LoadPlan = { raters: 4, versionsPerRater: 3, dims: [64, 64, 16] };
const tmp = mkdtempSync(path.join(tmpdir(), 'quorum-team-load-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const unavailable = pgUnavailable();
if (unavailable !== null) console.warn(unavailable);

describe('the team load run, bounded', () => {
  it.skipIf(unavailable !== null)(
    'loses and corrupts nothing when raters save at once through two processes on one PostgreSQL database',
    async () => {
      const team = await runTeamLoad(path.join(tmp, 'team'), SMOKE);
      expect(team).toMatchObject({ acknowledged: SMOKE.raters * SMOKE.versionsPerRater, lost: 0, corrupted: 0 });
      expect(team.latenciesMs).toHaveLength(team.acknowledged);
    },
    180_000,
  );

  it('loses and corrupts nothing on the single-user server', async () => {
    const single = await runSingleUser(path.join(tmp, 'single'), { ...SMOKE, raters: 1 });
    expect(single).toMatchObject({ acknowledged: SMOKE.versionsPerRater, lost: 0, corrupted: 0 });
  }, 120_000);
});
