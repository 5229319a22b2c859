/**
 * Two sequences side by side (issue 12): whether the pair is open, which volume of the case each
 * pane shows, and the linked crosshair point (LPS) both panes draw. Apart from the app state: it
 * belongs to the sequence pair alone and changes on every click in it.
 */
import { useSyncExternalStore } from 'react';
import { defaultPair } from '../../src-shared/project/sequences';
import type { Vec3 } from '../../src-shared/volume/types';
import { appStore } from './appState';
import { createStore } from './createStore';

export interface SequencePairState {
  /** Volume indices of the open case shown in the two panes; null while the pair is closed. */
  readonly panes: readonly [number, number] | null;
  readonly point: Vec3 | null;
}

const sequencePairStore = createStore<SequencePairState, Record<string, never>>({ panes: null, point: null });

export function useSequencePair(): SequencePairState {
  return useSyncExternalStore(sequencePairStore.subscribe, sequencePairStore.getState);
}

/** Opens the pair on the case's reading pair (DWI b1000 + ADC when present), or closes it. Key X. */
export function toggleSequencePair(): void {
  const { openCase } = appStore.getState();
  const pair = openCase && sequencePairStore.getState().panes === null ? defaultPair(openCase.volumes) : null;
  sequencePairStore.update(() => ({ panes: pair, point: null }));
}

export function closeSequencePairPanes(): void {
  sequencePairStore.update((s) => (s.panes === null ? s : { panes: null, point: null }));
}

export function choosePairVolume(pane: 0 | 1, index: number): void {
  sequencePairStore.update((s) => (s.panes === null ? s : { ...s, panes: pane === 0 ? [index, s.panes[1]] : [s.panes[0], index] }));
}

export function setPairPoint(point: Vec3): void {
  sequencePairStore.update((s) => ({ ...s, point }));
}
