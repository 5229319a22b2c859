/**
 * The sidebar's annotation section: sign-in, then the annotate or review panel. It also keeps the
 * viewer's annotation layers and tools in step with the state (useAnnotationSync).
 */
import { useEffect } from 'react';
import { appStore, useAppState } from '../state/appState';
import { chooseEditTool, flushOwnAnnotation, markEdited, changeBrushRadius } from '../state/annotationActions';
import { annotationStore, useAnnotationState } from '../state/annotationState';
import { loadIdentities } from '../state/raterActions';
import { applyEditTool, onOwnLabelmapEdited } from '../viewer/annotationSession';
import { AdminButton } from './AdminDialog';
import { AnnotatePanel } from './AnnotatePanel';
import { ArchiveButton } from './ArchiveDialog';
import { ArchiveStoreButton } from './ArchiveStoreDialog';
import { ExchangeButton } from './ExchangeDialog';
import { LabelsButton } from './LabelsDialog';
import { RaterPanel } from './RaterPanel';
import { SecretReset } from './SecretReset';
import { ReviewPanel } from './ReviewPanel';
import { RevisionBanner } from './worklist/ReviewActions';

function useAnnotationSync(): void {
  const tool = useAnnotationState((s) => s.tool);
  const radiusMm = useAnnotationState((s) => s.radiusMm);
  const label = useAnnotationState((s) => s.label);
  const own = useAnnotationState((s) => s.own.versionId);
  // A brush picked while the layer was still loading is bound once it mounts.
  const ownLayerMounts = useAnnotationState((s) => s.ownLayerMounts);
  const primaryTool = useAppState((s) => s.primaryTool);

  useEffect(() => {
    void loadIdentities();
    const offEdited = onOwnLabelmapEdited((slices) => markEdited(slices));
    // Picking a navigation tool (C, W, P, Z) puts the brush away, also when it is the tool chosen
    // before the brush: an effect on primaryTool missed that case, and the brush kept the button.
    const offPrimary = appStore.on('primaryToolChosen', () => {
      if (annotationStore.getState().tool !== null) chooseEditTool(null);
    });
    // Autosave before the case changes (the old labelmap is still in memory until the new case shows).
    let openCase = appStore.getState().openCase;
    const offCase = appStore.subscribe(() => {
      const next = appStore.getState().openCase;
      if (next !== openCase) {
        openCase = next;
        void flushOwnAnnotation('switch');
      }
    });
    // …and when the window is hidden or closed.
    const onHidden = () => {
      if (document.visibilityState === 'hidden') void flushOwnAnnotation('switch');
    };
    document.addEventListener('visibilitychange', onHidden);
    // Ctrl+wheel over the viewports resizes the brush instead of scrolling slices.
    const onWheel = (e: WheelEvent) => {
      if (!e.ctrlKey || annotationStore.getState().tool === null) return;
      if (!(e.target instanceof Element) || !e.target.closest('[data-testid="viewer-grid"]')) return;
      e.preventDefault();
      e.stopPropagation();
      changeBrushRadius(e.deltaY < 0 ? 0.5 : -0.5);
    };
    window.addEventListener('wheel', onWheel, { capture: true, passive: false });
    return () => {
      offEdited();
      offPrimary();
      offCase();
      document.removeEventListener('visibilitychange', onHidden);
      window.removeEventListener('wheel', onWheel, { capture: true });
    };
  }, []);

  useEffect(() => {
    applyEditTool(tool, appStore.getState().primaryTool, radiusMm, label);
  }, [tool, radiusMm, label, own, ownLayerMounts, primaryTool]);
}

export function AnnotationSection() {
  useAnnotationSync();
  const signedIn = useAnnotationState((s) => s.signedIn);
  const mode = useAnnotationState((s) => s.mode);
  const currentCase = useAnnotationState((s) => s.currentCase);
  const message = useAnnotationState((s) => s.message);

  return (
    <section className="annotation-section" data-testid="annotation-section">
      <h2>Rater</h2>
      <RaterPanel />
      {signedIn && currentCase && mode === 'annotate' && <RevisionBanner />}
      {signedIn && currentCase && mode === 'annotate' && <AnnotatePanel />}
      {signedIn && currentCase && mode === 'review' && <ReviewPanel />}
      {signedIn && signedIn.role !== 'annotator' && <ExchangeButton />}
      {signedIn?.role === 'admin' && <ArchiveButton />}
      <ArchiveStoreButton />
      {signedIn?.role === 'admin' && <LabelsButton />}
      {signedIn?.role === 'admin' && <AdminButton />}
      <SecretReset />
      {message && (
        <div className={message.error ? 'annotation-message error' : 'annotation-message'} data-testid="annotation-message" role="status">
          {message.text}
        </div>
      )}
    </section>
  );
}
