import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client';
import type { GeneratedPassword, GlobalRole, User } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { ErrorMessage } from '../components/ErrorMessage';
import { OneTimeSecret } from '../components/OneTimeSecret';
import { StatusBadge } from '../components/StatusBadge';
import { formatDate } from '../lib/format';
import { describeReset } from '../lib/users';

export function UsersPage() {
  const { user: me } = useAuth();
  const [users, setUsers] = useState<User[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [rowError, setRowError] = useState<{ id: string; error: unknown } | null>(null);
  // The user whose password reset awaits confirmation, and the last reset's generated password (shown once).
  const [confirmingReset, setConfirmingReset] = useState<string | null>(null);
  const [generated, setGenerated] = useState<GeneratedPassword | null>(null);
  // Revoking the user's API tokens with the reset is the default: a reset is often for an account that may be compromised.
  const [revokeTokens, setRevokeTokens] = useState(true);
  const [revoked, setRevoked] = useState(true);

  const load = useCallback(() => api.users().then(setUsers, setError), []);
  useEffect(() => { void load(); }, [load]);

  async function act(user: User, action: () => Promise<unknown>) {
    setRowError(null);
    try {
      await action();
    } catch (e) {
      setRowError({ id: user.id, error: e });
    }
    await load();
  }

  async function resetPassword(user: User) {
    setRowError(null);
    setGenerated(null);
    try {
      setGenerated(await api.resetPassword(user.id, revokeTokens));
      setRevoked(revokeTokens);
      setConfirmingReset(null);
    } catch (e) {
      setRowError({ id: user.id, error: e });
    }
    await load();
  }

  return (
    <>
      <h1>Users</h1>
      {generated && (
        <OneTimeSecret title={`New password for ${generated.userName}`} label={`Password for ${generated.userName}`} secret={generated.password}
          onDone={() => setGenerated(null)}>
          <p>Give it to {generated.userName} over a channel you trust. {describeReset(generated, revoked)}</p>
        </OneTimeSecret>
      )}
      <ErrorMessage error={error} />
      {users && (
        <table className="table">
          <thead><tr><th scope="col">User</th><th scope="col">Role</th><th scope="col">Status</th><th scope="col">Last sign-in</th><th scope="col">Created</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr></thead>
          <tbody>
            {users.map(u => (
              <tr key={u.id}>
                <td>{u.userName}{u.displayName && u.displayName !== u.userName && <div className="muted small">{u.displayName}</div>}</td>
                <td>
                  <label htmlFor={`urole-${u.id}`} className="visually-hidden">Role of {u.userName}</label>
                  <select id={`urole-${u.id}`} value={u.role} onChange={e => void act(u, () => api.setUserRole(u.id, e.target.value as GlobalRole))}>
                    <option value="User">User</option>
                    <option value="Admin">Admin</option>
                  </select>
                </td>
                <td>
                  {u.isDisabled ? <StatusBadge value="Disabled" /> : <StatusBadge value="ok" />}
                </td>
                <td>{formatDate(u.lastLoginAt)}</td>
                <td>{formatDate(u.createdAt)}</td>
                <td>
                  <button type="button" className={u.isDisabled ? '' : 'danger'} disabled={u.id === me?.id}
                    onClick={() => void act(u, () => api.setUserDisabled(u.id, !u.isDisabled))}>
                    {u.isDisabled ? 'Enable' : 'Disable'}<span className="visually-hidden"> {u.userName}</span>
                  </button>
                  {' '}
                  {confirmingReset === u.id ? (
                    <span className="actions" role="group" aria-label={`Reset the password of ${u.userName}`}>
                      <span>Give {u.userName} a new generated password? Their current password stops working and they are signed out.</span>
                      <label>
                        <input type="checkbox" checked={revokeTokens} onChange={e => setRevokeTokens(e.target.checked)} />
                        {' '}Also revoke all their API tokens<span className="visually-hidden"> of {u.userName}</span>
                      </label>
                      <button type="button" className="danger" onClick={() => void resetPassword(u)}>Reset now<span className="visually-hidden"> {u.userName}</span></button>
                      <button type="button" onClick={() => setConfirmingReset(null)}>Cancel</button>
                    </span>
                  ) : (
                    <button type="button" disabled={u.id === me?.id} title={u.id === me?.id ? 'Not your own password' : undefined}
                      onClick={() => { setConfirmingReset(u.id); setGenerated(null); setRevokeTokens(true); }}>
                      Reset password<span className="visually-hidden"> {u.userName}</span>
                    </button>
                  )}
                  {rowError?.id === u.id && <ErrorMessage error={rowError.error} />}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
