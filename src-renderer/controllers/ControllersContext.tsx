/**
 * How components reach the controllers made at start-up (startApp.ts): one React context, read
 * with `useControllers()`, and `useStoreState` to render a slice of a controller's store.
 */
import { createContext, useContext, useSyncExternalStore } from 'react';
import type { Store } from '../state/createStore';
import type { Controllers } from './startApp';

export const ControllersContext = createContext<Controllers | null>(null);

export function useControllers(): Controllers {
  const controllers = useContext(ControllersContext);
  if (!controllers) throw new Error('The controllers are made at start-up (main.tsx); this component was rendered outside them.');
  return controllers;
}

export function useStoreState<S, T>(store: Pick<Store<S, never>, 'getState' | 'subscribe'>, select: (state: S) => T): T {
  return useSyncExternalStore(store.subscribe, () => select(store.getState()));
}
