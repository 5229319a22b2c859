/**
 * The integrity report run when a project opens: SQLite's own `PRAGMA integrity_check`, then every
 * file the versions reference is checked for presence and sha256. It only reports: nothing is
 * deleted or repaired, because a "repair" of medical annotations must be a person's decision.
 * It also lists leftovers that are harmless but worth knowing: temp files of interrupted saves and
 * complete files no version references (a crash between rename and DB commit).
 */
import { seesAllRaters } from '../../../src-shared/project/blinding';
import type { Session } from '../../../src-shared/project/types';
import type { StoreContext } from './context';
import { text } from './sqlite';

export interface FileProblem {
  versionId: string;
  raterId: string;
  caseId: string;
  fileName: string;
  fileHash: string;
  problem: 'missing' | 'hash-mismatch';
}

export interface IntegrityReport {
  /** True when SQLite reports "ok" and every referenced file is present with the recorded hash. */
  ok: boolean;
  /** SQLite's integrity_check lines ("ok" alone when healthy). */
  sqlite: string[];
  fileProblems: FileProblem[];
  /** Names in annotations/ of interrupted saves' temp files. */
  tempFiles: string[];
  /** Complete files no version references. */
  unreferencedFiles: string[];
  checkedFiles: number;
}

export async function checkIntegrity(ctx: StoreContext): Promise<IntegrityReport> {
  const sqlite = await ctx.db.integrityCheck();
  // Model results reference a second file (the probability map) beside the version's mask.
  const rows = await ctx.db.all(
    `SELECT version_id, rater_id, case_id, file_name, file_hash, seq FROM annotation_versions WHERE file_hash IS NOT NULL
     UNION ALL
     SELECT v.version_id, v.rater_id, v.case_id, r.probability_file AS file_name, r.probability_hash AS file_hash, v.seq
       FROM inference_results r JOIN annotation_versions v ON v.version_id = r.version_id
     ORDER BY seq`,
  );
  const fileProblems: FileProblem[] = [];
  const checked = new Map<string, FileProblem['problem'] | 'ok'>();
  for (const r of rows) {
    const fileName = text(r, 'file_name');
    const fileHash = text(r, 'file_hash');
    let state = checked.get(fileName);
    if (state === undefined) {
      state = await ctx.blobs.check(fileName, fileHash);
      checked.set(fileName, state);
    }
    if (state !== 'ok') {
      fileProblems.push({
        versionId: text(r, 'version_id'),
        raterId: text(r, 'rater_id'),
        caseId: text(r, 'case_id'),
        fileName,
        fileHash,
        problem: state,
      });
    }
  }
  const names = await ctx.blobs.names();
  const tempFiles = names.temp.sort();
  const unreferencedFiles = names.stored.filter((n) => !checked.has(n)).sort();
  return {
    ok: sqlite.length === 1 && sqlite[0] === 'ok' && fileProblems.length === 0,
    sqlite,
    fileProblems,
    tempFiles,
    unreferencedFiles,
    checkedFiles: checked.size,
  };
}

/** The report as a session may see it: annotators get only problems with their own files. */
export function integrityFor(report: IntegrityReport, viewer: Session): IntegrityReport {
  if (seesAllRaters(viewer.role)) return report;
  const own = report.fileProblems.filter((p) => p.raterId === viewer.raterId);
  // File names are content hashes of possibly others' work: leave the folder listings out.
  return {
    ...report,
    fileProblems: own,
    tempFiles: [],
    unreferencedFiles: [],
    ok: report.sqlite.length === 1 && report.sqlite[0] === 'ok' && own.length === 0,
  };
}
