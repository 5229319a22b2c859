/**
 * A tiny store of immutable snapshots with typed events, after Cornerstone's segmentation state
 * manager (replace a frozen state, announce the change) and NiiVue's event map (each event name
 * tied to its payload type: the one implementation in controllers/typedEvents.ts). React reads it
 * through useSyncExternalStore.
 */
import { createTypedEvents, type TypedEvents } from '../controllers/typedEvents';

export interface Store<S, E extends Record<string, unknown>> extends Pick<TypedEvents<E>, 'emit' | 'on'> {
  getState(): S;
  /** Replaces the snapshot with `update(current)` (shallow-frozen) and notifies subscribers. */
  update(update: (current: S) => S): void;
  subscribe(listener: () => void): () => void;
}

export function createStore<S extends object, E extends Record<string, unknown>>(initial: S): Store<S, E> {
  let state: S = Object.freeze({ ...initial });
  const listeners = new Set<() => void>();
  const events = createTypedEvents<E>();

  return {
    getState: () => state,
    update(update) {
      const next = update(state);
      if (next === state) return;
      state = Object.freeze({ ...next });
      for (const listener of [...listeners]) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit: events.emit,
    on: events.on,
  };
}
