/**
 * A tiny store of immutable snapshots with typed events, after Cornerstone's segmentation state
 * manager (replace a frozen state, announce the change) and NiiVue's event map (each event name
 * tied to its payload type). React reads it through useSyncExternalStore.
 */

export interface Store<S, E extends Record<string, unknown>> {
  getState(): S;
  /** Replaces the snapshot with `update(current)` (shallow-frozen) and notifies subscribers. */
  update(update: (current: S) => S): void;
  subscribe(listener: () => void): () => void;
  emit<K extends keyof E>(name: K, detail: E[K]): void;
  on<K extends keyof E>(name: K, listener: (detail: E[K]) => void): () => void;
}

export function createStore<S extends object, E extends Record<string, unknown>>(initial: S): Store<S, E> {
  let state: S = Object.freeze({ ...initial });
  const listeners = new Set<() => void>();
  const eventListeners = new Map<keyof E, Set<(detail: never) => void>>();

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
    emit(name, detail) {
      for (const listener of [...(eventListeners.get(name) ?? [])]) (listener as (d: typeof detail) => void)(detail);
    },
    on(name, listener) {
      let set = eventListeners.get(name);
      if (!set) {
        set = new Set();
        eventListeners.set(name, set);
      }
      set.add(listener as (detail: never) => void);
      return () => set.delete(listener as (detail: never) => void);
    },
  };
}
