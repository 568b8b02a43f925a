import { useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { useAuth } from '../auth/AuthContext';
import { ErrorMessage, Notice } from '../components/ErrorMessage';
import { PrivacyNotice } from '../components/PrivacyNotice';

export function LoginPage() {
  const { login, signedOut } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [userName, setUserName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const state = location.state as { from?: string; registered?: string; signedOut?: boolean } | null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(userName.trim(), password);
      navigate(state?.from && state.from !== '/login' ? state.from : '/', { replace: true });
    } catch (e) {
      setError(e);
      setPassword('');
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="auth-layout">
      <section className="card auth-card" aria-labelledby="login-title">
        <h1 id="login-title">Sign in to IMGuard</h1>
        {state?.registered && <Notice>Account {state.registered} created. Sign in to continue.</Notice>}
        {(signedOut || state?.signedOut) && !error && <Notice>You have signed out.</Notice>}
        <form onSubmit={submit} noValidate>
          <label htmlFor="login-user">User name</label>
          <input id="login-user" name="username" autoComplete="username" required value={userName}
            onChange={e => setUserName(e.target.value)} />
          <label htmlFor="login-password">Password</label>
          <input id="login-password" name="password" type="password" autoComplete="current-password" required
            value={password} onChange={e => setPassword(e.target.value)} />
          <ErrorMessage error={error} action="login" />
          <button type="submit" className="primary" disabled={busy || !userName || !password}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
        <p>No account yet? <Link to="/register">Register</Link></p>
      </section>
      <PrivacyNotice />
    </div>
  );
}
