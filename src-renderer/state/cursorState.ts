/**
 * The cursor readout (world position and voxel value under the mouse). Kept apart from the app
 * state because it changes on every mouse move and only the status bar needs it.
 */
import { useSyncExternalStore } from 'react';
import type { Vec3 } from '../../src-shared/volume/types';
import { createStore } from './createStore';

export interface CursorReadout {
  readonly worldLps: Vec3;
  /** The voxel under the cursor, or null outside the volume. */
  readonly voxel: Vec3 | null;
  /** The stored (rescaled) value, exactly as in the file; null outside the volume. */
  readonly value: number | null;
  readonly unit: string | null;
  readonly viewportId: string;
}

const cursorStore = createStore<{ readout: CursorReadout | null }, Record<string, never>>({ readout: null });

export function setCursorReadout(readout: CursorReadout | null): void {
  cursorStore.update(() => ({ readout }));
}

export function useCursorReadout(): CursorReadout | null {
  return useSyncExternalStore(cursorStore.subscribe, () => cursorStore.getState().readout);
}
