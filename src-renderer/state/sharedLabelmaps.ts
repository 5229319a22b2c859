/**
 * One decoded copy of each stored annotation version in the renderer, shared by the review's layers
 * and the metrics worker.
 *
 * Review mode drew every rater's labelmap as a layer while the metrics panel decoded the same
 * versions again and handed its copies to the worker (a thread of the same renderer process), so
 * each rater cost twice its grid (2 × 75 MiB on a 512×512×300 CT). A version never changes (stored
 * versions are content-addressed and append-only), so one copy serves both: it lives in a
 * SharedArrayBuffer, which the worker receives as a view of the same memory (structured clone
 * shares it; transferablesOf leaves it out of the transfer list). The page is cross-origin
 * isolated (src-main/server/headers.ts), which is what makes SharedArrayBuffer available; without
 * isolation every caller keeps its own copy, as before.
 *
 * Held weakly: a version's copy lives as long as a layer or the worker's case holds it.
 */

import { checkOnCaseGrid, onCaseGrid } from '../api/voxelPayload';

const kept = new Map<string, WeakRef<Uint8Array>>();
/** Loads under way that share version copies (the review's layers). */
const sharing = new Set<Promise<unknown>>();

function canShare(): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && globalThis.crossOriginIsolated === true;
}

/** The shared copy of `versionId` if one is alive, so its payload need not be fetched or decoded again. */
export function sharedVersionLabelmap(versionId: string): Uint8Array | null {
  const live = kept.get(versionId)?.deref();
  if (!live) kept.delete(versionId);
  return live ?? null;
}

/** Marks `load` as one that shares version copies, so `liveVersionLabelmaps` waits for it. */
export function sharingWhile<T>(load: Promise<T>): Promise<T> {
  sharing.add(load);
  const done = () => void sharing.delete(load);
  load.then(done, done);
  return load;
}

/**
 * Every live shared copy by version id, once the sharing loads under way have settled, held strongly by the returned map: a caller that tells the
 * server it holds these versions (evaluation.caseSources' `held`) keeps them alive until the answer
 * that leaves their voxels out has arrived.
 */
export async function liveVersionLabelmaps(): Promise<Map<string, Uint8Array>> {
  // Opening a case in review mode starts the metrics panel's load and the review's layers in one
  // synchronous step, the panel's first: one turn later the layers' load is registered, and waiting
  // for it means the panel's answer leaves out every version instead of carrying them all again.
  await Promise.resolve();
  await Promise.allSettled([...sharing]);
  const live = new Map<string, Uint8Array>();
  for (const versionId of [...kept.keys()]) {
    const copy = sharedVersionLabelmap(versionId);
    if (copy) live.set(versionId, copy);
  }
  return live;
}

/**
 * The one copy of `versionId`'s voxels, from its payload as it `arrived` (maybe a view into a
 * response, checked against the case's `voxelCount`): the live shared copy if there is one (two loads
 * raced), else the payload copied once into shared memory. Read-only for everyone: the layers and the
 * worker look at the same bytes. Without isolation, the caller's own array (onCaseGrid).
 */
export function shareVersionLabelmap(versionId: string, arrived: Uint8Array, voxelCount: number): Uint8Array {
  const live = sharedVersionLabelmap(versionId);
  if (live) return live;
  if (!canShare()) return onCaseGrid(arrived, voxelCount);
  checkOnCaseGrid(arrived, voxelCount);
  const shared = new Uint8Array(new SharedArrayBuffer(arrived.length));
  shared.set(arrived);
  kept.set(versionId, new WeakRef(shared));
  return shared;
}
