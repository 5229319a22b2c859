/**
 * Reads the series list a 'multiple-series' error carries in `detail`. The loader's exact shape
 * is its own business, so this accepts `{ series: [...] }` or a bare array, with each item's UID
 * under `seriesInstanceUid` (or `uid`) and an optional description, number, matrix, plane, slice
 * and file count. Series in one folder often share a description and number (localizers,
 * repeats), so the choice shows everything that can tell them apart.
 */
import { z } from '../../src-shared/zod';
import type { SeriesChoice } from './appState';

const item = z
  .object({
    seriesInstanceUid: z.string().optional(),
    uid: z.string().optional(),
    description: z.string().optional(),
    seriesDescription: z.string().optional(),
    seriesNumber: z.number().nullable().optional(),
    modality: z.string().optional(),
    fileCount: z.number().optional(),
    count: z.number().optional(),
    files: z.number().optional(),
    rows: z.number().optional(),
    columns: z.number().optional(),
    plane: z.string().nullable().optional(),
    sliceCount: z.number().optional(),
  })
  .loose();

const detailSchema = z.union([z.object({ series: z.array(item) }).loose(), z.array(item)]);

export function parseSeriesChoices(detail: unknown): SeriesChoice[] {
  const parsed = detailSchema.safeParse(detail);
  if (!parsed.success) return [];
  const items = Array.isArray(parsed.data) ? parsed.data : parsed.data.series;
  const choices: SeriesChoice[] = [];
  for (const s of items) {
    const uid = s.seriesInstanceUid ?? s.uid;
    if (!uid) continue;
    const number = s.seriesNumber != null ? `#${s.seriesNumber} ` : '';
    const text = s.description ?? s.seriesDescription ?? '';
    const modality = s.modality ? ` (${s.modality})` : '';
    const files = s.fileCount ?? s.count ?? s.files;
    const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
    const details = [
      s.columns !== undefined && s.rows !== undefined ? `${s.columns} × ${s.rows}` : null,
      s.plane ?? null,
      s.sliceCount !== undefined ? plural(s.sliceCount, 'slice') : null,
      files !== undefined ? plural(files, 'file') : null,
    ].filter((d): d is string => d !== null);
    choices.push({ seriesInstanceUid: uid, description: `${number}${text}${modality}`.trim() || uid, details });
  }
  return choices;
}
