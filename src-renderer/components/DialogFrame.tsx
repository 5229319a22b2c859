/**
 * The frame of a dialog that keeps its visibility in its own state (Archive, Exchange, Labels): the
 * backdrop (a click on it closes), the dialog box (clicks inside stay inside), Escape to close, and
 * focus moved into the box when it opens and handed back to what had it (the opening button) when
 * it closes, so a keyboard user is not left on the page behind. Dialogs whose visibility lives in
 * the app store (Open, Settings, Help) close through the global Escape shortcut instead.
 */
import { useEffect, useRef, type ReactNode } from 'react';
import { useEscapeKey } from './useEscapeKey';

export function DialogFrame({
  label,
  className,
  testId,
  onClose,
  children,
}: {
  /** The dialog's accessible name. */
  label: string;
  /** Added to `dialog` (the width rules of styles.css). */
  className: string;
  testId: string;
  onClose: () => void;
  children: ReactNode;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEscapeKey(onClose);
  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    // The first field or button, or the box itself, so Tab starts inside the dialog.
    const first = box.current?.querySelector<HTMLElement>('input, select, textarea, button');
    (first ?? box.current)?.focus();
    return () => before?.focus();
  }, []);
  return (
    <div className="overlay" onClick={onClose}>
      <div
        ref={box}
        className={`dialog ${className}`}
        role="dialog"
        aria-modal="true"
        aria-label={label}
        data-testid={testId}
        tabIndex={-1}
        onClick={(e) => e.stopPropagation()}
      >
        {children}
      </div>
    </div>
  );
}
