/**
 * The Reader study workspace. Signed in as a reader: the open studies one reads, then one trial at a
 * time (StudyReader). Signed in as an admin: the set-up form, the studies with their progress and
 * lifecycle buttons, and the report of a closed study (StudyReport); an admin who is also a reader
 * sees their own reading list too.
 */
import { useCallback, useEffect, useState } from 'react';
import type { ReaderStudy, StudySummary } from '../../../src-shared/api/studyChannels';
import { useAnnotationState } from '../../state/annotationState';
import { useControllers } from '../../controllers/ControllersContext';
import { StudyList } from './StudyList';
import { StudyReader } from './StudyReader';
import { StudyReport } from './StudyReport';
import { StudySetup } from './StudySetup';

type Screen = { kind: 'home' } | { kind: 'read'; studyId: string } | { kind: 'report'; studyId: string };

export function StudyView() {
  const { study } = useControllers();
  const signedIn = useAnnotationState((s) => s.signedIn);
  const [screen, setScreen] = useState<Screen>({ kind: 'home' });
  const [mine, setMine] = useState<readonly ReaderStudy[]>([]);
  const [studies, setStudies] = useState<readonly StudySummary[]>([]);
  const [error, setError] = useState<string | null>(null);
  const token = signedIn?.token ?? null;
  const isAdmin = signedIn?.role === 'admin';

  const refresh = useCallback(async () => {
    if (token === null) return;
    setError(null);
    try {
      setMine(await study.call('quorum:study.mine', { session: token }));
      if (isAdmin) setStudies(await study.call('quorum:study.list', { session: token }));
    } catch (e) {
      setError((e as Error).message);
    }
  }, [study, token, isAdmin]);

  useEffect(() => {
    setScreen({ kind: 'home' });
    void refresh();
  }, [refresh]);

  if (signedIn === null || token === null) {
    return (
      <div className="study-view" data-testid="study-view">
        <h2>Reader study</h2>
        <p className="muted" data-testid="study-sign-in">
          Sign in (sidebar) as a reader to take part in a study, or as an admin to set one up.
        </p>
      </div>
    );
  }

  const act = async (action: () => Promise<unknown>) => {
    setError(null);
    try {
      await action();
    } catch (e) {
      setError((e as Error).message);
    }
    await refresh();
  };

  if (screen.kind === 'read') {
    return (
      <div className="study-view" data-testid="study-view">
        <StudyReader
          token={token}
          studyId={screen.studyId}
          onExit={() => {
            setScreen({ kind: 'home' });
            void refresh();
          }}
        />
      </div>
    );
  }
  if (screen.kind === 'report') {
    return (
      <div className="study-view" data-testid="study-view">
        <StudyReport token={token} studyId={screen.studyId} onClose={() => setScreen({ kind: 'home' })} />
      </div>
    );
  }

  return (
    <div className="study-view" data-testid="study-view">
      <h2>Reader study</h2>
      {error && (
        <p className="error" role="alert" data-testid="study-error">
          {error}
        </p>
      )}
      <section>
        <h3>Studies you read</h3>
        {mine.length === 0 ? (
          <p className="muted" data-testid="study-none">
            No open study lists you as a reader.
          </p>
        ) : (
          <ul className="study-mine">
            {mine.map((m) => (
              <li key={m.studyId} data-testid="my-study" data-study-id={m.studyId}>
                {m.title} — {m.answered} / {m.total} answered{' '}
                <button
                  type="button"
                  className="primary"
                  onClick={() => setScreen({ kind: 'read', studyId: m.studyId })}
                  data-testid="study-start"
                >
                  {m.answered === 0 ? 'Start' : m.answered < m.total ? 'Continue' : 'Review'}
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
      {isAdmin && (
        <>
          <section>
            <h3>Studies</h3>
            <StudyList
              studies={studies}
              onOpen={(id) => void act(() => study.call('quorum:study.open', { session: token, studyId: id }))}
              onClose={(id) => void act(() => study.call('quorum:study.close', { session: token, studyId: id }))}
              onReport={(id) => setScreen({ kind: 'report', studyId: id })}
            />
          </section>
          <StudySetup token={token} onCreated={() => void refresh()} />
        </>
      )}
    </div>
  );
}
