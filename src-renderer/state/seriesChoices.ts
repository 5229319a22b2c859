/**
 * Reads the series list a 'multiple-series' error carries in `detail`. The loader's exact shape
 * is its own business, so this accepts `{ series: [...] }` or a bare array, with each item's UID
 * under `seriesInstanceUid` (or `uid`) and an optional description and file count.
 */
import { z } from 'zod';
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
    choices.push({
      seriesInstanceUid: uid,
      description: `${number}${text}${modality}`.trim() || uid,
      fileCount: s.fileCount ?? s.count ?? s.files ?? null,
    });
  }
  return choices;
}
