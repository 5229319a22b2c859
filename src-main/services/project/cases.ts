/**
 * Cases, their image series and assignments. A case's images stay where they are (or in the
 * project folder): the DB keeps the path, relative when inside the project, plus each series'
 * geometry so masks can be validated without loading the image. Series 0 is the reference grid
 * every annotation mask must match (all b-values of a DWI share it).
 */
import path from 'node:path';
import { mayManageProject, needsAssignmentToAnnotate, seesAllRaters } from '../../../src-shared/project/blinding';
import type { CaseRecord, SeriesGeometry, SeriesRecord, Session } from '../../../src-shared/project/types';
import type { Direction, Vec3 } from '../../../src-shared/volume/types';
import { appendAudit } from './audit';
import { enrolCase } from './enrolment';
import { newId, nowIso, type StoreContext } from './context';
import { fail } from './errors';
import { int, numOrNull, text, type Row } from './sqlite';

export interface NewSeries {
  label: string;
  path: string;
  bValue?: number | null;
  geometry: SeriesGeometry;
}

export interface NewCase {
  name: string;
  source: 'nifti' | 'dicom';
  series: NewSeries[];
}

function isVec(v: unknown, n: number): boolean {
  return Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'number' && Number.isFinite(x));
}

function checkGeometry(g: SeriesGeometry, label: string): void {
  const ok =
    isVec(g?.dims, 3) &&
    g.dims.every((d) => Number.isInteger(d) && d > 0) &&
    isVec(g.spacingMm, 3) &&
    g.spacingMm.every((s) => s > 0) &&
    isVec(g.originLps, 3) &&
    isVec(g.direction, 9);
  if (!ok) fail('bad-request', `series "${label}": geometry needs integer dims > 0, spacing > 0, a finite origin and 9 direction cosines`);
}

/** Stores paths inside the project relative to it, so the project folder can be moved as a whole. */
function storedPath(ctx: StoreContext, p: string): string {
  const abs = path.resolve(ctx.dir, p);
  const rel = path.relative(ctx.dir, abs);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : abs;
}

/**
 * Adds a case. `actor` null is the app itself (the composition root registering the demo's cases
 * before anyone has signed in); a session must be an admin's.
 */
export function addCase(ctx: StoreContext, actor: Session | null, input: NewCase): CaseRecord {
  if (actor !== null && !mayManageProject(actor.role)) fail('forbidden', 'only an admin can add cases');
  const name = typeof input?.name === 'string' ? input.name.trim() : '';
  if (!name) fail('bad-request', 'a case needs a name');
  if (input.source !== 'nifti' && input.source !== 'dicom') fail('bad-request', `case source must be nifti or dicom, not "${String(input.source)}"`);
  if (!Array.isArray(input.series) || input.series.length === 0) fail('bad-request', `case "${name}" needs at least one image series`);
  input.series.forEach((s) => checkGeometry(s.geometry, s.label));
  return ctx.db.transaction(() => {
    if (ctx.db.get('SELECT 1 AS x FROM cases WHERE name = ?', [name])) fail('bad-request', `a case named "${name}" already exists`);
    const caseId = newId('case');
    const createdAt = nowIso();
    ctx.db.run('INSERT INTO cases (case_id, name, source, created_at) VALUES (?, ?, ?, ?)', [caseId, name, input.source, createdAt]);
    const series: SeriesRecord[] = input.series.map((s, ordinal) => {
      const rec: SeriesRecord = {
        seriesId: newId('series'),
        caseId,
        ordinal,
        label: s.label,
        path: storedPath(ctx, s.path),
        bValue: s.bValue ?? null,
        geometry: { dims: [...s.geometry.dims] as unknown as Vec3, spacingMm: [...s.geometry.spacingMm] as unknown as Vec3, originLps: [...s.geometry.originLps] as unknown as Vec3, direction: [...s.geometry.direction] as unknown as Direction },
      };
      ctx.db.run(
        'INSERT INTO series (series_id, case_id, ordinal, label, path, b_value, dims, spacing_mm, origin_lps, direction) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [rec.seriesId, caseId, ordinal, rec.label, rec.path, rec.bValue, JSON.stringify(rec.geometry.dims), JSON.stringify(rec.geometry.spacingMm), JSON.stringify(rec.geometry.originLps), JSON.stringify(rec.geometry.direction)],
      );
      return rec;
    });
    appendAudit(ctx, { actorRaterId: actor?.raterId ?? null, action: 'case.add', caseId, detail: { name, series: series.length } });
    enrolCase(ctx, caseId);
    return { caseId, name, source: input.source, createdAt, series };
  });
}

function toSeries(r: Row): SeriesRecord {
  return {
    seriesId: text(r, 'series_id'),
    caseId: text(r, 'case_id'),
    ordinal: int(r, 'ordinal'),
    label: text(r, 'label'),
    path: text(r, 'path'),
    bValue: numOrNull(r, 'b_value'),
    geometry: {
      dims: JSON.parse(text(r, 'dims')) as Vec3,
      spacingMm: JSON.parse(text(r, 'spacing_mm')) as Vec3,
      originLps: JSON.parse(text(r, 'origin_lps')) as Vec3,
      direction: JSON.parse(text(r, 'direction')) as Direction,
    },
  };
}

export function isAssigned(ctx: StoreContext, raterId: string, caseId: string): boolean {
  return ctx.db.get('SELECT 1 AS x FROM assignments WHERE rater_id = ? AND case_id = ?', [raterId, caseId]) !== null;
}

/** The case as the session may see it; an annotator must be assigned to it. Unknown and hidden look alike. */
export function getCase(ctx: StoreContext, viewer: Session, caseId: string): CaseRecord {
  const r = ctx.db.get('SELECT * FROM cases WHERE case_id = ?', [caseId]);
  if (!r || (needsAssignmentToAnnotate(viewer.role) && !isAssigned(ctx, viewer.raterId, caseId))) fail('not-found', `no case ${caseId} for this rater`);
  const series = ctx.db.all('SELECT * FROM series WHERE case_id = ? ORDER BY ordinal', [caseId]).map(toSeries);
  return { caseId, name: text(r, 'name'), source: text(r, 'source') as CaseRecord['source'], createdAt: text(r, 'created_at'), series };
}

/** Cases the session may see: all for reviewers/admins, assigned ones for annotators. */
export function listCases(ctx: StoreContext, viewer: Session): CaseRecord[] {
  const ids = seesAllRaters(viewer.role)
    ? ctx.db.all('SELECT case_id FROM cases ORDER BY name')
    : ctx.db.all('SELECT c.case_id FROM cases c JOIN assignments a ON a.case_id = c.case_id WHERE a.rater_id = ? ORDER BY c.name', [viewer.raterId]);
  return ids.map((r) => getCase(ctx, viewer, text(r, 'case_id')));
}

/** The reference grid of a case (series 0), for mask validation and for encoding saves. No blinding: internal. */
export function referenceGeometry(ctx: StoreContext, caseId: string): SeriesGeometry {
  const r = ctx.db.get('SELECT * FROM series WHERE case_id = ? AND ordinal = 0', [caseId]);
  if (!r) fail('not-found', `no case ${caseId}`);
  return toSeries(r).geometry;
}

export function assign(ctx: StoreContext, actor: Session, raterId: string, caseId: string): void {
  if (!mayManageProject(actor.role)) fail('forbidden', 'only an admin can assign cases');
  ctx.db.transaction(() => {
    if (!ctx.db.get('SELECT 1 AS x FROM raters WHERE rater_id = ?', [raterId])) fail('not-found', `no rater ${raterId}`);
    if (!ctx.db.get('SELECT 1 AS x FROM cases WHERE case_id = ?', [caseId])) fail('not-found', `no case ${caseId}`);
    if (isAssigned(ctx, raterId, caseId)) return;
    ctx.db.run('INSERT INTO assignments (rater_id, case_id, assigned_at) VALUES (?, ?, ?)', [raterId, caseId, nowIso()]);
    appendAudit(ctx, { actorRaterId: actor.raterId, action: 'case.assign', caseId, subjectId: raterId });
  });
}

/** Raters assigned to a case (reviewers/admins only: who else works on a case is itself unblinding). */
export function assignedRaterIds(ctx: StoreContext, viewer: Session, caseId: string): string[] {
  if (!seesAllRaters(viewer.role)) fail('forbidden', 'only reviewers and admins see who is assigned to a case');
  return ctx.db.all('SELECT rater_id FROM assignments WHERE case_id = ? ORDER BY assigned_at', [caseId]).map((r) => text(r, 'rater_id'));
}
