/**
 * Cases, their image series and assignments. A case's images stay where they are (or in the
 * project folder): the DB keeps the path, relative when inside the project, plus each series'
 * geometry so masks can be validated without loading the image. Series 0 is the reference grid
 * every annotation mask must match (all b-values of a DWI share it). A case holds one or more named
 * sequences (issue 12); `series` are the volumes of the reference one.
 */
import path from 'node:path';
import { mayManageProject, needsAssignmentToAnnotate, seesAllRaters } from '../../../src-shared/project/blinding';
import { SEQUENCE_KINDS, SEQUENCE_NAME_PATTERN, type SequenceKind } from '../../../src-shared/project/sequences';
import type { CaseRecord, SequenceRecord, SeriesRecord, Session } from '../../../src-shared/project/types';
import type { Direction, Geometry, Vec3 } from '../../../src-shared/volume/types';
import { appendAudit } from './audit';
import { enrolCase } from './enrolment';
import { newId, nowIso, type StoreContext } from './context';
import { fail } from './errors';
import { int, numOrNull, text, type Row } from './sqlite';

export interface NewSeries {
  label: string;
  path: string;
  bValue?: number | null;
  geometry: Geometry;
}

export interface NewCase {
  name: string;
  source: 'nifti' | 'dicom';
  /** The volumes of the case's first sequence, its reference grid. */
  series: NewSeries[];
  /** That sequence's name and kind; by default "dwi" when a volume has a b-value, else "image" of kind "other". */
  sequence?: { name: string; kind: SequenceKind };
}

/** A sequence added to an existing case (addSequence), as the caller read it from its file. */
export interface NewSequence {
  name: string;
  kind: SequenceKind;
  path: string;
  volumes: { label: string; bValue: number | null }[];
  geometry: Geometry;
}

function isVec(v: unknown, n: number): boolean {
  return Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'number' && Number.isFinite(x));
}

function checkGeometry(g: Geometry, label: string): void {
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
export async function addCase(ctx: StoreContext, actor: Session | null, input: NewCase): Promise<CaseRecord> {
  if (actor !== null && !mayManageProject(actor.role)) fail('forbidden', 'only an admin can add cases');
  const name = typeof input?.name === 'string' ? input.name.trim() : '';
  if (!name) fail('bad-request', 'a case needs a name');
  if (input.source !== 'nifti' && input.source !== 'dicom')
    fail('bad-request', `case source must be nifti or dicom, not "${String(input.source)}"`);
  if (!Array.isArray(input.series) || input.series.length === 0) fail('bad-request', `case "${name}" needs at least one image series`);
  input.series.forEach((s) => checkGeometry(s.geometry, s.label));
  return await ctx.db.transaction(async () => {
    if (await ctx.db.get('SELECT 1 AS x FROM cases WHERE name = ?', [name])) fail('bad-request', `a case named "${name}" already exists`);
    const caseId = newId('case');
    const createdAt = nowIso();
    await ctx.db.run('INSERT INTO cases (case_id, name, source, created_at) VALUES (?, ?, ?, ?)', [caseId, name, input.source, createdAt]);
    const series: SeriesRecord[] = [];
    for (const [ordinal, s] of input.series.entries()) {
      const rec: SeriesRecord = {
        seriesId: newId('series'),
        caseId,
        ordinal,
        label: s.label,
        path: storedPath(ctx, s.path),
        bValue: s.bValue ?? null,
        geometry: {
          dims: [...s.geometry.dims] as unknown as Vec3,
          spacingMm: [...s.geometry.spacingMm] as unknown as Vec3,
          originLps: [...s.geometry.originLps] as unknown as Vec3,
          direction: [...s.geometry.direction] as unknown as Direction,
        },
      };
      await ctx.db.run(
        'INSERT INTO series (series_id, case_id, ordinal, label, path, b_value, dims, spacing_mm, origin_lps, direction) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [rec.seriesId, caseId, ordinal, rec.label, rec.path, rec.bValue, ...geometryColumns(rec.geometry)],
      );
      series.push(rec);
    }
    const dwi = input.series.some((s) => s.bValue !== undefined && s.bValue !== null);
    const first = input.sequence ?? (dwi ? { name: 'dwi', kind: 'dwi' as const } : { name: 'image', kind: 'other' as const });
    const sequence = await insertSequence(
      ctx,
      caseId,
      0,
      checkedSequence({
        ...first,
        path: input.series[0].path,
        volumes: input.series.map((s) => ({ label: s.label, bValue: s.bValue ?? null })),
        geometry: input.series[0].geometry,
      }),
    );
    await ctx.db.run('UPDATE cases SET reference_sequence_id = ? WHERE case_id = ?', [sequence.sequenceId, caseId]);
    await appendAudit(ctx, { actorRaterId: actor?.raterId ?? null, action: 'case.add', caseId, detail: { name, series: series.length } });
    await enrolCase(ctx, caseId);
    return { caseId, name, source: input.source, createdAt, series, sequences: [sequence], referenceSequenceId: sequence.sequenceId };
  });
}

function checkedSequence(input: NewSequence): NewSequence {
  const name = typeof input?.name === 'string' ? input.name.trim() : '';
  if (!SEQUENCE_NAME_PATTERN.test(name))
    fail(
      'bad-request',
      `sequence name "${name}" must be 1–40 lower-case letters, digits, "_" or "-", starting with a letter or digit (e.g. adc, flair, dwi_2)`,
    );
  if (!(SEQUENCE_KINDS as readonly string[]).includes(input.kind))
    fail('bad-request', `sequence kind must be one of ${SEQUENCE_KINDS.join(', ')}, not "${String(input.kind)}"`);
  if (!Array.isArray(input.volumes) || input.volumes.length === 0) fail('bad-request', `sequence "${name}" needs at least one volume`);
  checkGeometry(input.geometry, name);
  return { ...input, name };
}

async function insertSequence(ctx: StoreContext, caseId: string, ordinal: number, s: NewSequence): Promise<SequenceRecord> {
  const rec: SequenceRecord = {
    sequenceId: newId('seq'),
    name: s.name,
    kind: s.kind,
    path: storedPath(ctx, s.path),
    volumes: s.volumes.map((v) => ({ label: v.label, bValue: v.bValue })),
    geometry: s.geometry,
  };
  const g = s.geometry;
  await ctx.db.run(
    'INSERT INTO sequences (sequence_id, case_id, ordinal, name, kind, path, volumes, dims, spacing_mm, origin_lps, direction, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    [rec.sequenceId, caseId, ordinal, rec.name, rec.kind, rec.path, JSON.stringify(rec.volumes), ...geometryColumns(g), nowIso()],
  );
  return rec;
}

function toSequence(r: Row): SequenceRecord {
  return {
    sequenceId: text(r, 'sequence_id'),
    name: text(r, 'name'),
    kind: text(r, 'kind') as SequenceKind,
    path: text(r, 'path'),
    volumes: JSON.parse(text(r, 'volumes')) as SequenceRecord['volumes'],
    geometry: geometryOf(r),
  };
}

/** The dims, spacing_mm, origin_lps and direction columns, in that order, as geometryOf reads them back. */
function geometryColumns(g: Geometry): [string, string, string, string] {
  return [JSON.stringify(g.dims), JSON.stringify(g.spacingMm), JSON.stringify(g.originLps), JSON.stringify(g.direction)];
}

function geometryOf(r: Row): Geometry {
  return {
    dims: JSON.parse(text(r, 'dims')) as Vec3,
    spacingMm: JSON.parse(text(r, 'spacing_mm')) as Vec3,
    originLps: JSON.parse(text(r, 'origin_lps')) as Vec3,
    direction: JSON.parse(text(r, 'direction')) as Direction,
  };
}

/**
 * Adds a sequence to a case (reviewers and admins: who prepares the images, not who annotates). The
 * caller has read the file and checked that its field of view meets the reference grid's (that
 * needs the voxels); the store keeps names unique per case.
 */
export async function addSequence(ctx: StoreContext, actor: Session, caseId: string, input: NewSequence): Promise<SequenceRecord> {
  if (!seesAllRaters(actor.role)) fail('forbidden', 'only reviewers and admins can add sequences to a case');
  const checked = checkedSequence(input);
  return await ctx.db.transaction(async () => {
    if (!(await ctx.db.get('SELECT 1 AS x FROM cases WHERE case_id = ?', [caseId]))) fail('not-found', `no case ${caseId}`);
    if (await ctx.db.get('SELECT 1 AS x FROM sequences WHERE case_id = ? AND name = ?', [caseId, checked.name]))
      fail('bad-request', `the case already has a sequence named "${checked.name}"; choose another name`);
    const next = int(
      (await ctx.db.get('SELECT COALESCE(MAX(ordinal), -1) + 1 AS n FROM sequences WHERE case_id = ?', [caseId])) ?? { n: 0 },
      'n',
    );
    const rec = await insertSequence(ctx, caseId, next, checked);
    await appendAudit(ctx, {
      actorRaterId: actor.raterId,
      action: 'sequence.add',
      caseId,
      subjectId: rec.sequenceId,
      detail: { name: rec.name, kind: rec.kind },
    });
    return rec;
  });
}

/**
 * Makes another sequence the case's reference grid (admins), only while the case has no annotation
 * version of anyone (a model result included): masks are stored voxel for voxel on the reference
 * grid, and moving them to another grid would resample, and so change, what a rater drew. After the
 * first version the reference is fixed; the other sequences are still shown, resampled into it.
 * `series` is rewritten to the new reference's volumes, so every reader of the grid follows.
 */
export async function setReferenceSequence(ctx: StoreContext, actor: Session, caseId: string, sequenceId: string): Promise<CaseRecord> {
  if (!mayManageProject(actor.role)) fail('forbidden', "only an admin can choose a case's reference sequence");
  await ctx.db.transaction(async () => {
    const r = await ctx.db.get('SELECT * FROM sequences WHERE case_id = ? AND sequence_id = ?', [caseId, sequenceId]);
    if (!r) fail('not-found', `case ${caseId} has no sequence ${sequenceId}`);
    const versions = int((await ctx.db.get('SELECT COUNT(*) AS n FROM annotation_versions WHERE case_id = ?', [caseId])) ?? { n: 0 }, 'n');
    if (versions > 0)
      fail(
        'bad-request',
        `the reference grid cannot change once the case has annotations (${versions} saved version${versions === 1 ? '' : 's'} live on it); the other sequences are shown resampled into it`,
      );
    const seq = toSequence(r);
    await ctx.db.run('DELETE FROM series WHERE case_id = ?', [caseId]);
    for (const [ordinal, v] of seq.volumes.entries()) {
      const g = seq.geometry;
      await ctx.db.run(
        'INSERT INTO series (series_id, case_id, ordinal, label, path, b_value, dims, spacing_mm, origin_lps, direction) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [newId('series'), caseId, ordinal, v.label, seq.path, v.bValue, ...geometryColumns(g)],
      );
    }
    await ctx.db.run('UPDATE cases SET reference_sequence_id = ? WHERE case_id = ?', [sequenceId, caseId]);
    await appendAudit(ctx, {
      actorRaterId: actor.raterId,
      action: 'sequence.reference',
      caseId,
      subjectId: sequenceId,
      detail: { name: seq.name },
    });
  });
  return await getCase(ctx, actor, caseId);
}

/**
 * Removes a sequence from a case (admins), never its reference: annotations live on that grid. Only
 * the record goes; the image's files stay where they are (the project never owned them, and another
 * case may read the same file). The audit keeps what was removed, path included, so it can be added
 * back.
 */
export async function removeSequence(ctx: StoreContext, actor: Session, caseId: string, sequenceId: string): Promise<CaseRecord> {
  if (!mayManageProject(actor.role)) fail('forbidden', 'only an admin can remove a sequence from a case');
  await ctx.db.transaction(async () => {
    const r = await ctx.db.get('SELECT * FROM sequences WHERE case_id = ? AND sequence_id = ?', [caseId, sequenceId]);
    if (!r) fail('not-found', `case ${caseId} has no sequence ${sequenceId}`);
    const seq = toSequence(r);
    if (await ctx.db.get('SELECT 1 AS x FROM cases WHERE case_id = ? AND reference_sequence_id = ?', [caseId, sequenceId]))
      fail('bad-request', `"${seq.name}" is the case's reference grid, which annotations live on; it cannot be removed`);
    await ctx.db.run('DELETE FROM sequences WHERE sequence_id = ?', [sequenceId]);
    await appendAudit(ctx, {
      actorRaterId: actor.raterId,
      action: 'sequence.remove',
      caseId,
      subjectId: sequenceId,
      detail: { name: seq.name, kind: seq.kind, path: seq.path },
    });
  });
  return await getCase(ctx, actor, caseId);
}

function toSeries(r: Row): SeriesRecord {
  return {
    seriesId: text(r, 'series_id'),
    caseId: text(r, 'case_id'),
    ordinal: int(r, 'ordinal'),
    label: text(r, 'label'),
    path: text(r, 'path'),
    bValue: numOrNull(r, 'b_value'),
    geometry: geometryOf(r),
  };
}

export async function isAssigned(ctx: StoreContext, raterId: string, caseId: string): Promise<boolean> {
  return (await ctx.db.get('SELECT 1 AS x FROM assignments WHERE rater_id = ? AND case_id = ?', [raterId, caseId])) !== null;
}

/** The case as the session may see it; an annotator must be assigned to it. Unknown and hidden look alike. */
export async function getCase(ctx: StoreContext, viewer: Session, caseId: string): Promise<CaseRecord> {
  const r = await ctx.db.get('SELECT * FROM cases WHERE case_id = ?', [caseId]);
  if (!r || (needsAssignmentToAnnotate(viewer.role) && !(await isAssigned(ctx, viewer.raterId, caseId))))
    fail('not-found', `no case ${caseId} for this rater`);
  const series = (await ctx.db.all('SELECT * FROM series WHERE case_id = ? ORDER BY ordinal', [caseId])).map(toSeries);
  const sequences = (await ctx.db.all('SELECT * FROM sequences WHERE case_id = ? ORDER BY ordinal', [caseId])).map(toSequence);
  return {
    caseId,
    name: text(r, 'name'),
    source: text(r, 'source') as CaseRecord['source'],
    createdAt: text(r, 'created_at'),
    series,
    sequences,
    referenceSequenceId: text(r, 'reference_sequence_id'),
  };
}

/** Cases the session may see: all for reviewers/admins, assigned ones for annotators. */
export async function listCases(ctx: StoreContext, viewer: Session): Promise<CaseRecord[]> {
  const ids = seesAllRaters(viewer.role)
    ? await ctx.db.all('SELECT case_id FROM cases ORDER BY name')
    : await ctx.db.all('SELECT c.case_id FROM cases c JOIN assignments a ON a.case_id = c.case_id WHERE a.rater_id = ? ORDER BY c.name', [
        viewer.raterId,
      ]);
  return Promise.all(ids.map((r) => getCase(ctx, viewer, text(r, 'case_id'))));
}

/** The reference grid of a case (series 0), for mask validation and for encoding saves. No blinding: internal. */
export async function referenceGeometry(ctx: StoreContext, caseId: string): Promise<Geometry> {
  const r = await ctx.db.get('SELECT * FROM series WHERE case_id = ? AND ordinal = 0', [caseId]);
  if (!r) fail('not-found', `no case ${caseId}`);
  return toSeries(r).geometry;
}

export async function assign(ctx: StoreContext, actor: Session, raterId: string, caseId: string): Promise<void> {
  if (!mayManageProject(actor.role)) fail('forbidden', 'only an admin can assign cases');
  await ctx.db.transaction(async () => {
    if (!(await ctx.db.get('SELECT 1 AS x FROM raters WHERE rater_id = ?', [raterId]))) fail('not-found', `no rater ${raterId}`);
    if (!(await ctx.db.get('SELECT 1 AS x FROM cases WHERE case_id = ?', [caseId]))) fail('not-found', `no case ${caseId}`);
    if (await isAssigned(ctx, raterId, caseId)) return;
    await ctx.db.run('INSERT INTO assignments (rater_id, case_id, assigned_at) VALUES (?, ?, ?)', [raterId, caseId, nowIso()]);
    await appendAudit(ctx, { actorRaterId: actor.raterId, action: 'case.assign', caseId, subjectId: raterId });
  });
}

/** Takes a case away from a rater: they no longer see or annotate it; their versions stay (append-only). */
export async function unassign(ctx: StoreContext, actor: Session, raterId: string, caseId: string): Promise<void> {
  if (!mayManageProject(actor.role)) fail('forbidden', 'only an admin can unassign cases');
  await ctx.db.transaction(async () => {
    const removed = await ctx.db.run('DELETE FROM assignments WHERE rater_id = ? AND case_id = ?', [raterId, caseId]);
    if (removed.changes === 0) fail('not-found', `rater ${raterId} is not assigned to case ${caseId}`);
    await appendAudit(ctx, { actorRaterId: actor.raterId, action: 'case.unassign', caseId, subjectId: raterId });
  });
}

/** Raters assigned to a case (reviewers/admins only: who else works on a case is itself unblinding). */
export async function assignedRaterIds(ctx: StoreContext, viewer: Session, caseId: string): Promise<string[]> {
  if (!seesAllRaters(viewer.role)) fail('forbidden', 'only reviewers and admins see who is assigned to a case');
  return (await ctx.db.all('SELECT rater_id FROM assignments WHERE case_id = ? ORDER BY assigned_at', [caseId])).map((r) =>
    text(r, 'rater_id'),
  );
}
