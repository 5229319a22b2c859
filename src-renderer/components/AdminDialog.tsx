/**
 * The admin screen (issue 13): the project's people with their role (changed here), status
 * (invited / active / no password yet), last sign-in and a password reset; invitation links
 * (create, copy, revoke); and which cases each person is assigned to. Only admins see the button;
 * the server refuses every one of these calls to anyone else anyway. Everything is a form control
 * or a button, so it works from the keyboard (Tab, Space, Enter; Escape closes).
 */
import { useCallback, useEffect, useState } from 'react';
import type { Invitation, PersonSummary } from '../../src-shared/api/adminChannels';
import { ROLES, type Role } from '../../src-shared/project/types';
import {
  changeRole,
  createInvitation,
  invitationLink,
  loadAdminOverview,
  revokeInvitation,
  setAssigned,
  type AdminOverview,
} from '../state/adminActions';
import { resetSecret } from '../state/raterActions';
import { DialogFrame } from './DialogFrame';

const STATUS_TEXT: Record<PersonSummary['status'], string> = {
  active: 'active',
  invited: 'invited',
  'no-password': 'no password yet',
};

function when(iso: string | null): string {
  return iso === null ? 'never' : new Date(iso).toLocaleString();
}

function RoleSelect(props: { value: Role; label: string; testId: string; onChange(role: Role): void }) {
  return (
    <select
      aria-label={props.label}
      data-testid={props.testId}
      value={props.value}
      onChange={(e) => props.onChange(e.target.value as Role)}
    >
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {r}
        </option>
      ))}
    </select>
  );
}

/** A person's row: role, status, last sign-in, and a password reset behind a button. */
function PersonRow(props: { person: PersonSummary; onChanged(): void; onError(message: string): void }) {
  const { person } = props;
  const [resetting, setResetting] = useState(false);
  const [secret, setSecret] = useState('');
  return (
    <tr data-testid="admin-person" data-name={person.name} data-role={person.role} data-status={person.status}>
      <td>{person.name}</td>
      <td>
        <RoleSelect
          value={person.role}
          label={`Role of ${person.name}`}
          testId="admin-person-role"
          onChange={(role) => void changeRole(person.raterId, role).then((r) => (r.ok ? props.onChanged() : props.onError(r.message)))}
        />
      </td>
      <td>{STATUS_TEXT[person.status]}</td>
      <td>{when(person.lastSignInAt)}</td>
      <td>
        {resetting ? (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (secret)
                void resetSecret(person.raterId, secret).then((ok) => {
                  if (!ok) return;
                  setSecret('');
                  setResetting(false);
                  props.onChanged();
                });
            }}
          >
            <input
              type="password"
              aria-label={`New password or PIN for ${person.name}`}
              placeholder="New password or PIN"
              autoComplete="new-password"
              autoFocus
              value={secret}
              onChange={(e) => setSecret(e.target.value)}
            />
            <button type="submit" disabled={!secret}>
              Set
            </button>
            <button type="button" onClick={() => setResetting(false)}>
              Cancel
            </button>
          </form>
        ) : (
          <button type="button" aria-label={`Reset the password of ${person.name}`} onClick={() => setResetting(true)}>
            Reset password…
          </button>
        )}
      </td>
    </tr>
  );
}

function InviteForm(props: { onInvited(): void; onError(message: string): void }) {
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('annotator');
  const [link, setLink] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  return (
    <>
      <form
        className="admin-invite"
        onSubmit={(e) => {
          e.preventDefault();
          if (!name.trim()) return;
          void createInvitation(name.trim(), role).then((r) => {
            if (!r.ok) return props.onError(r.message);
            setLink(invitationLink(r.value.token));
            setCopied(false);
            setName('');
            props.onInvited();
          });
        }}
      >
        <input
          data-testid="admin-invite-name"
          aria-label="Name of the person to invite"
          placeholder="Name"
          maxLength={80}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <RoleSelect value={role} label="Role of the invited person" testId="admin-invite-role" onChange={setRole} />
        <button type="submit" data-testid="admin-invite-create" disabled={!name.trim()}>
          Create invitation
        </button>
      </form>
      {link && (
        <p className="admin-link">
          <input readOnly aria-label="Invitation link" data-testid="admin-invite-link" value={link} onFocus={(e) => e.target.select()} />
          <button
            type="button"
            data-testid="admin-invite-copy"
            onClick={() =>
              void navigator.clipboard.writeText(link).then(
                () => setCopied(true),
                () => setCopied(false),
              )
            }
          >
            {copied ? 'Copied' : 'Copy link'}
          </button>
          <span className="muted"> shown once: the server keeps only a hash of it</span>
        </p>
      )}
    </>
  );
}

function InvitationList(props: { invitations: readonly Invitation[]; onChanged(): void; onError(message: string): void }) {
  const open = props.invitations.filter((i) => i.state === 'open');
  if (open.length === 0) return <p className="muted">No open invitations.</p>;
  return (
    <ul className="admin-invitations">
      {open.map((i) => (
        <li key={i.invitationId} data-testid="admin-invitation" data-name={i.name}>
          {i.name} ({i.role}), until {when(i.expiresAt)}{' '}
          <button
            type="button"
            aria-label={`Revoke the invitation of ${i.name}`}
            onClick={() => void revokeInvitation(i.invitationId).then((r) => (r.ok ? props.onChanged() : props.onError(r.message)))}
          >
            Revoke
          </button>
        </li>
      ))}
    </ul>
  );
}

/** One person's cases as checkboxes: ticking assigns, unticking takes the case away (their work stays). */
function Assignments(props: { overview: AdminOverview; onChanged(): void; onError(message: string): void }) {
  const { people, cases } = props.overview;
  const [raterId, setRaterId] = useState('');
  const person = people.find((p) => p.raterId === raterId);
  return (
    <div data-testid="admin-assignments">
      <select
        aria-label="Person whose cases to assign"
        data-testid="admin-assign-person"
        value={raterId}
        onChange={(e) => setRaterId(e.target.value)}
      >
        <option value="">Person…</option>
        {people.map((p) => (
          <option key={p.raterId} value={p.raterId}>
            {p.name} ({p.role})
          </option>
        ))}
      </select>
      {person && (
        <ul className="admin-cases">
          {cases.map((c) => (
            <li key={c.caseId}>
              <label>
                <input
                  type="checkbox"
                  data-testid="admin-assign-case"
                  data-case={c.name}
                  checked={person.assignedCaseIds.includes(c.caseId)}
                  onChange={(e) =>
                    void setAssigned(person.raterId, c.caseId, e.target.checked).then((r) =>
                      r.ok ? props.onChanged() : props.onError(r.message),
                    )
                  }
                />{' '}
                {c.name}
              </label>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function AdminBody({ onClose }: { onClose(): void }) {
  const [overview, setOverview] = useState<AdminOverview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const refresh = useCallback(() => {
    void loadAdminOverview().then((r) => {
      if (r.ok) setOverview(r.value);
      else setError(r.message);
    });
  }, []);
  useEffect(refresh, [refresh]);
  const onError = (message: string) => {
    setError(message);
    refresh();
  };
  const onChanged = () => {
    setError(null);
    refresh();
  };
  return (
    <DialogFrame label="Admin" className="admin" testId="admin-dialog" onClose={onClose}>
      <h2>People and access</h2>
      {error && (
        <p className="model-error" role="alert" data-testid="admin-error">
          {error}
        </p>
      )}
      {overview === null ? (
        <p className="muted">Loading…</p>
      ) : (
        <>
          <table className="labels-table" data-testid="admin-people">
            <thead>
              <tr>
                <th>Name</th>
                <th>Role</th>
                <th>Status</th>
                <th>Last sign-in</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {overview.people.map((p) => (
                <PersonRow key={p.raterId} person={p} onChanged={onChanged} onError={onError} />
              ))}
            </tbody>
          </table>
          <h3>Invite someone</h3>
          <InviteForm onInvited={onChanged} onError={onError} />
          <InvitationList invitations={overview.invitations} onChanged={onChanged} onError={onError} />
          <h3>Case assignments</h3>
          <Assignments overview={overview} onChanged={onChanged} onError={onError} />
        </>
      )}
      <div className="dialog-actions">
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </DialogFrame>
  );
}

/** The admin's "Admin…" button in the annotation section and, while open, the admin screen. */
export function AdminButton() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" data-testid="admin-open" onClick={() => setOpen(true)}>
        Admin…
      </button>
      {open && <AdminBody onClose={() => setOpen(false)} />}
    </>
  );
}
