/**
 * The sidebar's annotation section: sign-in, then the annotate or review panel. The viewer's
 * annotation layers and tools follow the state through the wiring made at start-up (startApp.ts).
 */
import { useAnnotationState } from '../state/annotationState';
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

export function AnnotationSection() {
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
