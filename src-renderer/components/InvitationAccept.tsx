/**
 * "Set your password": what a page opened from an invitation link shows instead of the sign-in
 * picker. It names the invited person (or says why the link no longer works), takes the new
 * password twice, and accepting signs the person in; the link is then used up.
 */
import { useEffect, useState } from 'react';
import { inspectInvitation } from '../state/adminActions';
import { useControllers } from '../controllers/ControllersContext';
import { acceptInvitation } from '../state/raterActions';
import { agreedSecret, NewSecretFields, NO_NEW_SECRET } from './NewSecretFields';

export function InvitationAccept(props: { inviteToken: string; onDone(): void }) {
  const { inviteToken, onDone } = props;
  const { annotation } = useControllers();
  const [whom, setWhom] = useState<{ name: string; role: string } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [typed, setTyped] = useState(NO_NEW_SECRET);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void inspectInvitation(inviteToken).then((r) => (r.ok ? setWhom(r.value) : setProblem(r.message)));
  }, [inviteToken]);

  const secret = agreedSecret(typed);
  return (
    <form
      className="rater-panel"
      data-testid="invitation-accept"
      onSubmit={(e) => {
        e.preventDefault();
        if (secret === null) return;
        setBusy(true);
        void acceptInvitation(annotation, inviteToken, secret).then((why) => {
          setBusy(false);
          if (why === null) onDone();
          else setProblem(why);
        });
      }}
    >
      <h3>Set your password</h3>
      {whom && (
        <p data-testid="invitation-name">
          {whom.name} <span className="muted">({whom.role})</span>: choose a password (8+ characters) or PIN (6+ digits).
        </p>
      )}
      {problem && (
        <p className="model-error" role="alert" data-testid="invitation-problem">
          {problem}
        </p>
      )}
      {whom && (
        <>
          <NewSecretFields testId="invitation-secret" value={typed} onChange={setTyped} />
          <button type="submit" data-testid="invitation-submit" disabled={busy || secret === null}>
            Set and sign in
          </button>
        </>
      )}
      <button type="button" data-testid="invitation-cancel" onClick={onDone}>
        Back to sign-in
      </button>
    </form>
  );
}
