/**
 * A new password or PIN, typed twice: what a person chooses at their first sign-in (RaterPanel)
 * and when accepting an invitation (InvitationAccept). Typing it twice catches a typo before the
 * server stores a secret nobody knows; the server checks the password policy.
 */

/** What has been typed into the two fields. */
export interface NewSecret {
  secret: string;
  confirm: string;
}

export const NO_NEW_SECRET: NewSecret = { secret: '', confirm: '' };

/** The secret to send, once one is typed and repeated identically; null until then. */
export function agreedSecret(typed: NewSecret): string | null {
  return typed.secret !== '' && typed.confirm === typed.secret ? typed.secret : null;
}

/** `testId` names the first field; the repeat is `<testId>-confirm`. */
export function NewSecretFields(props: { testId: string; value: NewSecret; onChange(value: NewSecret): void }) {
  const { testId, value, onChange } = props;
  return (
    <>
      <input
        type="password"
        data-testid={testId}
        aria-label="New password or PIN"
        placeholder="New password or PIN"
        autoComplete="new-password"
        autoFocus
        value={value.secret}
        onChange={(e) => onChange({ ...value, secret: e.target.value })}
      />
      <input
        type="password"
        data-testid={`${testId}-confirm`}
        aria-label="Repeat it"
        placeholder="Repeat it"
        autoComplete="new-password"
        value={value.confirm}
        onChange={(e) => onChange({ ...value, confirm: e.target.value })}
      />
      {value.confirm.length > 0 && value.confirm !== value.secret && <p className="muted">The two entries differ.</p>}
    </>
  );
}
