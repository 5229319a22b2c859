/**
 * Closes a dialog on Escape while it is mounted. Dialogs whose visibility lives in the app store
 * are closed by the global Escape shortcut (keyboard/shortcuts.ts); this is for dialogs that keep
 * it in their own state, which that shortcut cannot see.
 */
import { useEffect, useRef } from 'react';

export function useEscapeKey(onEscape: () => void): void {
  // The latest callback, so a re-render does not re-register the listener.
  const latest = useRef(onEscape);
  latest.current = onEscape;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') latest.current();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
