import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client';
import type { GlobalRole, User } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { ErrorMessage } from '../components/ErrorMessage';
import { StatusBadge } from '../components/StatusBadge';
import { formatDate } from '../lib/format';

export function UsersPage() {
  const { user: me } = useAuth();
  const [users, setUsers] = useState<User[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [rowError, setRowError] = useState<{ id: string; error: unknown } | null>(null);

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

  return (
    <>
      <h1>Users</h1>
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
