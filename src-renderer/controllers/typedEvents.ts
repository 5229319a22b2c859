/**
 * One typed event map, after NiiVue's: each event name is tied to its payload type, so a listener
 * cannot be registered for a name that does not exist or read a field its event does not carry.
 * The stores (createStore.ts) and the viewer's events (viewerEvents.ts) both use it.
 */

export type EventMap = Record<string, unknown>;

export interface TypedEvents<E extends EventMap> {
  /** Adds a listener; returns the function that removes it again. */
  on<K extends keyof E>(name: K, listener: (detail: E[K]) => void): () => void;
  off<K extends keyof E>(name: K, listener: (detail: E[K]) => void): void;
  /** Calls the listeners registered now (one that unsubscribes another while running does not skip it). */
  emit<K extends keyof E>(name: K, detail: E[K]): void;
}

export function createTypedEvents<E extends EventMap>(): TypedEvents<E> {
  const listeners = new Map<keyof E, Set<(detail: never) => void>>();
  const off = <K extends keyof E>(name: K, listener: (detail: E[K]) => void): void => {
    listeners.get(name)?.delete(listener as (detail: never) => void);
  };
  return {
    on(name, listener) {
      let set = listeners.get(name);
      if (!set) {
        set = new Set();
        listeners.set(name, set);
      }
      set.add(listener as (detail: never) => void);
      return () => off(name, listener);
    },
    off,
    emit(name, detail) {
      for (const listener of [...(listeners.get(name) ?? [])]) (listener as (d: typeof detail) => void)(detail);
    },
  };
}
