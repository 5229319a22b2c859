/**
 * The grids a case evaluation's input holds, and freeing the ones nobody needs any more (issue 15):
 * a dropped 75 MiB grid (512×512×300) otherwise stays in the renderer's memory until its isolate's
 * next collection (src-shared/volume/freeGrid.ts). Used where an input is let go: the metrics worker
 * replacing its case, and the panel dropping a load that a newer one superseded. Labelmaps in memory
 * shared with the page (stored versions, sharedLabelmaps.ts) are never freed (freeGrid leaves them).
 */
import { freeGrid } from '../volume/freeGrid';
import type { CaseSourcesInput } from './types';

/** The raters' labelmaps, the model's map (its codes) and its saved mask. */
function gridsOf(input: CaseSourcesInput): Array<{ readonly buffer: ArrayBufferLike }> {
  const p = input.model?.probability;
  return [
    ...input.raters.flatMap((r) => (r.labelmap ? [r.labelmap] : [])),
    ...(p ? [p instanceof Float32Array ? p : p.codes] : []),
    ...(input.model?.savedMask ? [input.model.savedMask] : []),
  ];
}

/** Frees `dropped`'s grids, except those `kept` (the input that replaces it) still holds. */
export function freeInputGrids(dropped: CaseSourcesInput, kept?: CaseSourcesInput): void {
  const keep = new Set(kept ? gridsOf(kept).map((g) => g.buffer) : []);
  for (const grid of gridsOf(dropped)) if (!keep.has(grid.buffer)) freeGrid(grid);
}
