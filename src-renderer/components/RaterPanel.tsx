/**
 * Sign-in: choose your name and give your password or PIN (a person without one yet chooses it
 * here, twice), or create an identity with its secret; once signed in, who and which mode. A page
 * opened from an invitation link first asks for the invited person's new password.
 */
import { useState } from 'react';
import { useControllers } from '../controllers/ControllersContext';
import { useAnnotationState, type Identity } from '../state/annotationState';
import { takeInviteFromUrl } from '../state/adminActions';
import { chooseMode, createIdentity, signIn, signOut } from '../state/raterActions';
import { InvitationAccept } from './InvitationAccept';
import { agreedSecret, NewSecretFields, NO_NEW_SECRET } from './NewSecretFields';

export function RaterPanel() {
  const identities = useAnnotationState((s) => s.identities);
  const signedIn = useAnnotationState((s) => s.signedIn);
  const mode = useAnnotationState((s) => s.mode);
  const controllers = useControllers();
  // For tests: the own layer has (re)mounted, so an edit tool picked meanwhile is now bound.
  const layerMounts = useAnnotationState((s) => s.ownLayerMounts);
  const [chosen, setChosen] = useState<Identity | null>(null);
  // A page opened from an invitation link asks for the new password first.
  const [invite, setInvite] = useState(takeInviteFromUrl);

  if (signedIn) {
    return (
      <div className="rater-panel" data-testid="rater-panel">
        <div className="signed-in" data-testid="signed-in" data-role={signedIn.role} data-layer-mounts={layerMounts}>
          {signedIn.name} <span className="muted">({signedIn.role})</span>
        </div>
        {signedIn.role !== 'annotator' && (
          <div className="group" role="group" aria-label="Mode">
            {(['review', 'annotate'] as const).map((m) => (
              <button
                key={m}
                type="button"
                data-testid={`mode-${m}`}
                className={mode === m ? 'on' : ''}
                onClick={() => void chooseMode(controllers.annotation, m)}
              >
                {m === 'review' ? 'Review' : 'Annotate'}
              </button>
            ))}
          </div>
        )}
        <button type="button" data-testid="sign-out" onClick={() => void signOut(controllers)}>
          Sign out
        </button>
        <button
          type="button"
          data-testid="sign-out-everywhere"
          title="Ends your sessions in every tab and on every computer"
          onClick={() => void signOut(controllers, 'everywhere')}
        >
          Sign out everywhere
        </button>
      </div>
    );
  }
  if (invite) return <InvitationAccept inviteToken={invite} onDone={() => setInvite(null)} />;
  if (chosen) return <SecretForm key={chosen.name} identity={chosen} onDone={() => setChosen(null)} />;
  return (
    <div className="rater-panel" data-testid="sign-in" data-loaded={identities !== null}>
      <ul className="identity-list">
        {identities === null && <li className="muted">Loading the project's raters…</li>}
        {identities?.map((i) => (
          <li key={i.name}>
            <button type="button" className="identity" data-testid="identity-item" data-name={i.name} onClick={() => setChosen(i)}>
              {i.name}
            </button>
          </li>
        ))}
        {identities?.length === 0 && <li className="muted">No raters yet: the first one becomes the project admin.</li>}
      </ul>
      <NewIdentityForm />
    </div>
  );
}

/** The chosen person's password or PIN; on their first sign-in, the one they choose, typed twice. */
function SecretForm(props: { identity: Identity; onDone: () => void }) {
  const { identity, onDone } = props;
  const { annotation } = useControllers();
  const first = !identity.hasSecret;
  const [current, setCurrent] = useState('');
  const [typed, setTyped] = useState(NO_NEW_SECRET);
  const [busy, setBusy] = useState(false);
  const secret = first ? agreedSecret(typed) : current || null;
  return (
    <form
      className="rater-panel"
      data-testid="sign-in"
      data-first-sign-in={first}
      onSubmit={(e) => {
        e.preventDefault();
        if (secret === null) return;
        setBusy(true);
        void signIn(annotation, identity.name, secret, first).then((ok) => {
          setBusy(false);
          if (ok) onDone();
          else if (first) setTyped((t) => ({ ...t, secret: '' }));
          else setCurrent('');
        });
      }}
    >
      <div data-testid="sign-in-name">{identity.name}</div>
      {first && (
        <p className="muted" data-testid="set-secret-title">
          First sign-in: choose your password (8+ characters) or PIN (6+ digits).
        </p>
      )}
      {first ? (
        <NewSecretFields testId="sign-in-secret" value={typed} onChange={setTyped} />
      ) : (
        <input
          type="password"
          data-testid="sign-in-secret"
          aria-label="Password or PIN"
          placeholder="Password or PIN"
          autoComplete="current-password"
          autoFocus
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
        />
      )}
      <button type="submit" data-testid="sign-in-submit" disabled={busy || secret === null}>
        {first ? 'Set and sign in' : 'Sign in'}
      </button>
      <button type="button" data-testid="sign-in-cancel" onClick={onDone}>
        Back
      </button>
    </form>
  );
}

/** Self-registration: a name and the secret that protects it from the start. */
function NewIdentityForm() {
  const { annotation } = useControllers();
  const [name, setName] = useState('');
  const [secret, setSecret] = useState('');
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (name.trim() && secret)
          void createIdentity(annotation, name, secret).then((ok) => {
            if (ok) setName('');
            setSecret('');
          });
      }}
    >
      <input
        data-testid="new-rater-name"
        placeholder="New rater name"
        value={name}
        maxLength={80}
        onChange={(e) => setName(e.target.value)}
      />
      <input
        type="password"
        data-testid="new-rater-secret"
        aria-label="Password or PIN for the new rater"
        placeholder="Password or PIN"
        autoComplete="new-password"
        value={secret}
        onChange={(e) => setSecret(e.target.value)}
      />
      <button type="submit" data-testid="create-rater" disabled={!name.trim() || !secret}>
        Create & sign in
      </button>
    </form>
  );
}
