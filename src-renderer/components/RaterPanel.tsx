/** Sign-in: choose or create a rater identity (no passwords locally); once signed in, who and which mode. */
import { useState } from 'react';
import { useAnnotationState } from '../state/annotationState';
import { chooseMode, createIdentity, signIn, signOut } from '../state/raterActions';

export function RaterPanel() {
  const identities = useAnnotationState((s) => s.identities);
  const signedIn = useAnnotationState((s) => s.signedIn);
  const mode = useAnnotationState((s) => s.mode);
  // For tests: the own layer has (re)mounted, so an edit tool picked meanwhile is now bound.
  const layerMounts = useAnnotationState((s) => s.ownLayerMounts);
  const [name, setName] = useState('');

  if (signedIn) {
    return (
      <div className="rater-panel" data-testid="rater-panel">
        <div className="signed-in" data-testid="signed-in" data-role={signedIn.role} data-layer-mounts={layerMounts}>
          {signedIn.name} <span className="muted">({signedIn.role})</span>
        </div>
        {signedIn.role !== 'annotator' && (
          <div className="group" role="group" aria-label="Mode">
            {(['review', 'annotate'] as const).map((m) => (
              <button key={m} type="button" data-testid={`mode-${m}`} className={mode === m ? 'on' : ''} onClick={() => void chooseMode(m)}>
                {m === 'review' ? 'Review' : 'Annotate'}
              </button>
            ))}
          </div>
        )}
        <button type="button" data-testid="sign-out" onClick={() => void signOut()}>
          Sign out
        </button>
      </div>
    );
  }
  return (
    <div className="rater-panel" data-testid="sign-in">
      <ul className="identity-list">
        {identities.map((i) => (
          <li key={i.raterId}>
            <button
              type="button"
              className="identity"
              data-testid="identity-item"
              data-name={i.name}
              onClick={() => void signIn(i.raterId)}
            >
              {i.name} <span className="muted">{i.role}</span>
            </button>
          </li>
        ))}
        {identities.length === 0 && <li className="muted">No raters yet: the first one becomes the project admin.</li>}
      </ul>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim()) void createIdentity(name).then(() => setName(''));
        }}
      >
        <input
          data-testid="new-rater-name"
          placeholder="New rater name"
          value={name}
          maxLength={80}
          onChange={(e) => setName(e.target.value)}
        />
        <button type="submit" data-testid="create-rater" disabled={!name.trim()}>
          Create & sign in
        </button>
      </form>
    </div>
  );
}
