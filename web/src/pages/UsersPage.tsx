import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client';
import type { GeneratedPassword, GlobalRole, User } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { ErrorMessage } from '../components/ErrorMessage';
import { OneTimeSecret } from '../components/OneTimeSecret';
import { StatusBadge } from '../components/StatusBadge';
import { formatDate } from '../lib/format';

export function UsersPage() {
  const { user: me } = useAuth();
  const [users, setUsers] = useState<User[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [rowError, setRowError] = useState<{ id: string; error: unknown } | null>(null);
  // The user whose password reset awaits confirmation, and the last reset's generated password (shown once).
  const [confirmingReset, setConfirmingReset] = useState<string | null>(null);
  const [generated, setGenerated] = useState<GeneratedPassword | null>(null);

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
      setGenerated(await api.resetPassword(user.id));
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
          <p>Give it to {generated.userName} over a channel you trust. Their browser sessions have ended; their API tokens still work until revoked.</p>
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
                  {u.isDisabled ? <StatusBadge value="Disabled" /> : u.lockoutEnd && Date.parse(u.lockoutEnd) > Date.now()
                    ? <span className="badge badge-pending">Locked until {formatDate(u.lockoutEnd)}</span> : <StatusBadge value="ok" />}
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
                      <button type="button" className="danger" onClick={() => void resetPassword(u)}>Reset now<span className="visually-hidden"> {u.userName}</span></button>
                      <button type="button" onClick={() => setConfirmingReset(null)}>Cancel</button>
                    </span>
                  ) : (
                    <button type="button" disabled={u.id === me?.id} title={u.id === me?.id ? 'Not your own password' : undefined}
                      onClick={() => { setConfirmingReset(u.id); setGenerated(null); }}>
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
