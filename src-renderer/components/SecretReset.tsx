/**
 * An admin sets a person's password or PIN: for someone who forgot theirs, or whose sign-in is
 * paused after failed attempts (a reset lifts the pause and ends that person's sessions). The
 * server checks the role again; this only hides the form from others.
 */
import { useEffect, useState } from 'react';
import type { Rater } from '../../src-shared/project/types';
import { getApi } from '../api';
import { tell, useAnnotationState } from '../state/annotationState';
import { resetSecret } from '../state/raterActions';

export function SecretReset() {
  const signedIn = useAnnotationState((s) => s.signedIn);
  const [people, setPeople] = useState<readonly Rater[]>([]);
  const [raterId, setRaterId] = useState('');
  const [secret, setSecret] = useState('');
  const token = signedIn?.role === 'admin' ? signedIn.token : null;

  useEffect(() => {
    if (!token) return;
    const listRaters = getApi()['quorum:rater.list'];
    void listRaters({ session: token }).then((r) => {
      if (r.ok) setPeople(r.value.filter((p) => p.kind === 'human'));
      else tell(r.error.message, true);
    });
  }, [token]);

  if (!token) return null;
  return (
    <details className="secret-reset" data-testid="secret-reset">
      <summary>Set a password</summary>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (raterId && secret) void resetSecret(raterId, secret).then((ok) => ok && setSecret(''));
        }}
      >
        <select data-testid="secret-reset-person" aria-label="Person" value={raterId} onChange={(e) => setRaterId(e.target.value)}>
          <option value="">Person…</option>
          {people.map((p) => (
            <option key={p.raterId} value={p.raterId}>
              {p.name}
            </option>
          ))}
        </select>
        <input
          type="password"
          data-testid="secret-reset-secret"
          aria-label="New password or PIN"
          placeholder="New password or PIN"
          autoComplete="new-password"
          value={secret}
          onChange={(e) => setSecret(e.target.value)}
        />
        <button type="submit" data-testid="secret-reset-submit" disabled={!raterId || !secret}>
          Set
        </button>
      </form>
    </details>
  );
}
