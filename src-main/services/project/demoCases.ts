/**
 * Registers the cases of an image folder (the bundled demo) in the app's own project, with the
 * geometry of each series as the case loader reads it, and turns on open enrolment (every rater is
 * assigned every case: nobody is there to assign them in a demo). Cases already registered (by
 * name) are left alone, so this runs on every start and only adds what is new, e.g. the CT once it
 * has been fetched. A case that fails to load is skipped with a note; the others still register.
 *
 * The series path is the absolute image path the case list gives, which is also the path the
 * renderer opens, so the renderer finds a case's project record by path.
 *
 * Plain Node; the loader is passed in (api.ts's CaseLoader port), so this knows no file format.
 */
import type { CaseEntry, VolumeInfo } from '../../../src-shared/api/contract';
import type { Result } from '../../../src-shared/api/contract';
import type { Direction } from '../../../src-shared/volume/types';
import type { ProjectStore } from './ProjectStore';

/** The contract's direction is a length-checked array (9 numbers); the store's type is the tuple. */
export function toDirection(d: readonly number[]): Direction {
  if (d.length !== 9) throw new Error(`expected 9 direction cosines, got ${d.length}`);
  return [d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8]];
}

export interface CaseGeometrySource {
  listCases(folder: string): Promise<Result<{ cases: CaseEntry[] }>>;
  /** The volumes of a case as the viewer would get them (geometry only is used). */
  volumesOf(casePath: string): Promise<Result<{ source: 'nifti' | 'dicom'; volumes: VolumeInfo[] }>>;
}

export async function registerFolderCases(
  store: ProjectStore,
  folder: string,
  source: CaseGeometrySource,
): Promise<{ added: string[]; skipped: string[] }> {
  await store.setOpenEnrolment(true);
  const listed = await source.listCases(folder);
  if (!listed.ok) return { added: [], skipped: [`${folder}: ${listed.error.message}`] };
  const known = new Set(await store.caseNames());
  const added: string[] = [];
  const skipped: string[] = [];
  for (const entry of listed.value.cases) {
    if (known.has(entry.name)) continue;
    // One unreadable case is skipped, never fatal: the project must open with the others.
    const loaded = await source.volumesOf(entry.path).catch((e: unknown) => ({
      ok: false as const,
      error: { message: e instanceof Error ? e.message : String(e) },
    }));
    if (!loaded.ok) {
      skipped.push(`${entry.name}: ${loaded.error.message}`);
      continue;
    }
    await store.addCaseAsApp({
      name: entry.name,
      source: loaded.value.source,
      series: loaded.value.volumes.map((v) => ({
        label: v.label,
        path: entry.path,
        bValue: v.bValue,
        geometry: { dims: v.dims, spacingMm: v.spacingMm, originLps: v.originLps, direction: toDirection(v.direction) },
      })),
    });
    added.push(entry.name);
  }
  return { added, skipped };
}
