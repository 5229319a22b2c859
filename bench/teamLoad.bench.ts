/**
 * The team server under load (issue 13): 50 simulated raters, each saving 20 versions of a
 * 256×256×108 labelmap, all at once, through two server processes on one PostgreSQL database
 * (bench/teamLoad.ts), beside the single-user figure measured in the same run on the same machine:
 * one rater saving the same 20 labelmaps through one server process on its SQLite project.
 * Every version is read back and compared by hash; any lost or corrupted version fails the bench.
 * Prints the save latency (client-side: request sent → answer read) and the machine's load.
 * `QUORUM_LOAD_RATERS` / `QUORUM_LOAD_VERSIONS` shrink the run for a quick look.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { percentile, runSingleUser, runTeamLoad, type LoadFigures, type LoadPlan } from './teamLoad';

const PLAN: LoadPlan = {
  raters: Number(process.env.QUORUM_LOAD_RATERS ?? 50),
  versionsPerRater: Number(process.env.QUORUM_LOAD_VERSIONS ?? 20),
  dims: [256, 256, 108],
};

const loadAverage = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

function row(label: string, f: LoadFigures): string {
  const ms = (p: number): string => percentile(f.latenciesMs, p).toFixed(0);
  const perSecond = (f.acknowledged / (f.savingMs / 1000)).toFixed(1);
  return `| ${label} | ${f.acknowledged} | ${f.lost} | ${f.corrupted} | ${ms(50)} | ${ms(95)} | ${ms(100)} | ${perSecond} |`;
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'quorum-team-load-bench-'));
  try {
    const loadBefore = loadAverage();
    const single = await runSingleUser(path.join(dir, 'single'), { ...PLAN, raters: 1 });
    const team = await runTeamLoad(path.join(dir, 'team'), PLAN);
    const loadAfter = loadAverage();
    console.log(
      `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), load average ${loadBefore} before, ${loadAfter} after; labelmap ${PLAN.dims.join('×')}\n`,
    );
    console.log('| run | saves acknowledged | lost | corrupted | p50 ms | p95 ms | max ms | saves/s |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    console.log(row('single user: SQLite, 1 process, 1 rater', single));
    console.log(row(`team: PostgreSQL, 2 processes, ${PLAN.raters} raters at once`, team));
    if (team.lost + team.corrupted + single.lost + single.corrupted > 0) throw new Error('versions were lost or corrupted');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
