/**
 * The grids a case evaluation's input holds, and freeing the ones nobody needs any more (issue 15):
 * a dropped 75 MiB grid (512×512×300) otherwise stays in the renderer's memory until its isolate's
 * next collection (src-shared/volume/freeGrid.ts). The same list says what a request hands over to
 * the metrics worker (workerProtocol.ts transferablesOf). Freed where an input or an answer is let
 * go: the metrics worker replacing its case, the panel dropping a load that a newer one superseded,
 * an answer whose payloads were copied out. Labelmaps in memory shared with the page (stored
 * versions, sharedLabelmaps.ts) are never freed (freeGrid leaves them).
 */
import { freeGrid } from '../volume/freeGrid';
import { probabilityArgs } from './sources';
import type { CaseSourcesInput, ModelSource } from './types';

type Grid = Float32Array | Uint8Array;

/** A model's map and its saved mask. */
export function modelGrids(model: ModelSource | null | undefined): Grid[] {
  // A coded map's table is small: only its codes are a grid.
  return [...(model?.probability ? [probabilityArgs(model.probability).prob] : []), ...(model?.savedMask ? [model.savedMask] : [])];
}

/** The raters' labelmaps, the model's map and its saved mask. */
export function inputGrids(input: CaseSourcesInput): Grid[] {
  return [...input.raters.flatMap((r) => (r.labelmap ? [r.labelmap] : [])), ...modelGrids(input.model)];
}

/** Frees each of `grids` whose buffer `holder` (the input that goes on) does not hold. */
export function freeUnheld(grids: Iterable<{ readonly buffer: ArrayBufferLike }>, holder?: CaseSourcesInput): void {
  const keep = new Set(holder ? inputGrids(holder).map((g) => g.buffer) : []);
  for (const grid of grids) if (!keep.has(grid.buffer)) freeGrid(grid);
}

/** Frees `dropped`'s grids, except those `kept` (the input that replaces it) still holds. */
export function freeInputGrids(dropped: CaseSourcesInput, kept?: CaseSourcesInput): void {
  freeUnheld(inputGrids(dropped), kept);
}
