/**
 * Time on task: segments are appended and summed per rater × case (annotation time only in the
 * worklist), the idle pause of the renderer's timer (driven by a fake clock here) decides what is
 * recorded, implausible segments are refused, and the CSV export sums per rater × case × mode.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { IDLE_PAUSE_MS, startActiveTimer } from '../../../src-shared/project/activeTime';
import { DB_FILE } from './ProjectStore';
import { Db } from './sqlite';
import { GRID, populated, tempDir, type Populated } from './testSupport';
import { TIME_ON_TASK_CSV_HEADER, type WorkSessionInput } from './workSessions';

let p: Populated | null = null;
afterEach(() => {
  p?.store.close();
  p = null;
});

const T0 = Date.parse('2026-11-27T03:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

function segment(
  caseId: string,
  startMs: number,
  endMs: number,
  activeMs: number,
  extra: Partial<WorkSessionInput> = {},
): WorkSessionInput {
  return { caseId, mode: 'annotate', startedAt: iso(startMs), endedAt: iso(endMs), activeMs, endReason: 'switch', ...extra };
}

describe('time on task', () => {
  it('sums the segments per rater and case, and shows the sums to reviewers only', async () => {
    const pp = await populated();
    p = pp;
    const { store, alice, bob, reviewer, caseA } = pp;
    const c = caseA.caseId;
    expect((await store.recordWorkSession(alice, segment(c, T0, T0 + 40_000, 30_000))).totalActiveMs).toBe(30_000);
    expect(
      (await store.recordWorkSession(alice, segment(c, T0 + 100_000, T0 + 160_000, 45_500, { endReason: 'submit' }))).totalActiveMs,
    ).toBe(75_500);
    await store.recordWorkSession(alice, segment(c, T0 + 200_000, T0 + 200_000, 0, { endReason: 'hidden' }));
    await store.recordWorkSession(bob, segment(c, T0, T0 + 20_000, 10_000));
    // A reviewer's review time is kept apart from annotation time.
    await store.recordWorkSession(reviewer, segment(c, T0, T0 + 90_000, 90_000, { mode: 'review' }));
    const rows = (await store.worklist(reviewer)).rows.map((r) => [r.raterName, r.activeMs, r.workSessions]);
    expect(rows).toEqual([
      ['Alice Annotator', 75_500, 3],
      ['Bob Blinded', 10_000, 1],
    ]);
    expect((await store.worklist(alice)).rows.map((r) => r.activeMs)).toEqual([null]);
    expect((await store.auditLog(alice))[0]).toMatchObject({ action: 'work.session', caseId: c });
  });

  it('records what the idle-paused timer measured: a 10-minute absence counts 60 s', async () => {
    const pp = await populated();
    p = pp;
    let now = T0;
    const timer = startActiveTimer(() => now);
    now += 30_000;
    timer.activity(); // 30 s of painting
    now += 10 * 60_000; // away
    timer.activity(); // back: the gap counts the idle limit only
    now += 15_000;
    const seg = timer.stop();
    expect(seg.activeMs).toBe(30_000 + IDLE_PAUSE_MS + 15_000);
    await pp.store.recordWorkSession(pp.alice, segment(pp.caseA.caseId, seg.startedAtMs, seg.endedAtMs, seg.activeMs));
    expect((await pp.store.worklist(pp.reviewer, { raterId: pp.alice.raterId })).rows[0].activeMs).toBe(105_000);
  });

  it('refuses implausible segments with a clear message and records nothing', async () => {
    const pp = await populated();
    p = pp;
    const { store, alice, admin, caseA } = pp;
    const c = caseA.caseId;
    const other = await store.addCase(admin, {
      name: 'not-hers',
      source: 'nifti',
      series: [{ label: 'T1', path: '/n.nii', geometry: GRID }],
    });
    const cases: Array<[WorkSessionInput, RegExp]> = [
      [segment(c, T0, T0 + 10_000, 12_000), /active time 12000 ms is longer than the segment itself \(10000 ms\)/],
      [segment(c, T0 + 10_000, T0, 0), /ends .* before it starts/],
      [segment(c, T0, T0 + 25 * 3600_000, 1000), /cannot be longer than 24 h/],
      [segment(c, Date.now(), Date.now() + 3600_000, 1000), /ends in the future/],
      [segment(c, T0, T0 + 10_000, 1.5), /whole number of ms/],
      [segment(c, T0, T0 + 10_000, -1), /whole number of ms/],
      [{ ...segment(c, T0, T0 + 10_000, 1), startedAt: 'yesterday' }, /startedAt must be an ISO date-time/],
      [segment(other.caseId, T0, T0 + 10_000, 1000), /no case .* for this rater/],
      [segment(c, T0, T0 + 10_000, 1000, { mode: 'review' }), /only reviewers and admins record review time/],
      // @ts-expect-error: an unknown end reason from an untyped caller
      [segment(c, T0, T0 + 10_000, 1000, { endReason: 'lunch' }), /end reason must be one of/],
    ];
    for (const [input, message] of cases) await expect(async () => await store.recordWorkSession(alice, input)).rejects.toThrow(message);
    expect((await store.worklist(admin)).rows[0].workSessions).toBe(0);
  });

  it('exports time on task as CSV for reviewers, summed per rater, case and mode; annotators are refused', async () => {
    const pp = await populated();
    p = pp;
    const { store, alice, reviewer, caseA } = pp;
    const c = caseA.caseId;
    await store.recordWorkSession(alice, segment(c, T0, T0 + 70_000, 60_000));
    await store.recordWorkSession(alice, segment(c, T0 + 100_000, T0 + 200_000, 90_000));
    await store.recordWorkSession(reviewer, segment(c, T0 + 300_000, T0 + 330_000, 30_000, { mode: 'review' }));
    const { csv, rows } = await store.timeOnTaskCsv(reviewer);
    expect(rows).toBe(2);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe(TIME_ON_TASK_CSV_HEADER.join(','));
    // 60 + 90 s = 150 s = 2.50 min, 2 segments, from the first start to the last end.
    expect(lines[1]).toBe(`${c},case-A,${alice.raterId},Alice Annotator,annotate,150000,2.50,2,${iso(T0)},${iso(T0 + 200_000)}`);
    expect(lines[2]).toBe(`${c},case-A,${reviewer.raterId},Rita Reviewer,review,30000,0.50,1,${iso(T0 + 300_000)},${iso(T0 + 330_000)}`);
    await expect(async () => await store.timeOnTaskCsv(alice)).rejects.toThrow(/reviewers and admins only/);
  });

  it('keeps segments append-only in SQL', async () => {
    const dir = tempDir();
    const pp = await populated(dir);
    await pp.store.recordWorkSession(pp.alice, segment(pp.caseA.caseId, T0, T0 + 1000, 1000));
    pp.store.close();
    const db = new Db(path.join(dir, DB_FILE));
    try {
      expect(() => db.run('UPDATE work_sessions SET active_ms = 0')).toThrow(/append-only/);
      expect(() => db.run('DELETE FROM work_sessions')).toThrow(/append-only/);
    } finally {
      db.close();
    }
  });
});
