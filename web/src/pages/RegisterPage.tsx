import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { api } from '../api/client';
import { ErrorMessage } from '../components/ErrorMessage';
import { PrivacyNotice } from '../components/PrivacyNotice';

export function RegisterPage() {
  const navigate = useNavigate();
  const [userName, setUserName] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const mismatch = confirm.length > 0 && confirm !== password;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (password !== confirm) return;
    setBusy(true);
    setError(null);
    try {
      const user = await api.register(userName.trim(), displayName.trim(), password);
      navigate('/login', { state: { registered: user.userName } });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="auth-layout">
      <section className="card auth-card" aria-labelledby="register-title">
        <h1 id="register-title">Create an account</h1>
        <form onSubmit={submit} noValidate>
          <label htmlFor="reg-user">User name</label>
          <input id="reg-user" autoComplete="username" required value={userName} onChange={e => setUserName(e.target.value)} />
          <label htmlFor="reg-display">Display name <span className="muted">(optional)</span></label>
          <input id="reg-display" autoComplete="name" value={displayName} onChange={e => setDisplayName(e.target.value)} />
          <label htmlFor="reg-password">Password</label>
          <input id="reg-password" type="password" autoComplete="new-password" required aria-describedby="reg-password-hint"
            value={password} onChange={e => setPassword(e.target.value)} />
          <p id="reg-password-hint" className="hint">Use a long passphrase; the platform checks its length and strength.</p>
          <label htmlFor="reg-confirm">Repeat password</label>
          <input id="reg-confirm" type="password" autoComplete="new-password" required aria-invalid={mismatch}
            aria-describedby={mismatch ? 'reg-confirm-error' : undefined} value={confirm} onChange={e => setConfirm(e.target.value)} />
          {mismatch && <p id="reg-confirm-error" className="error">The passwords differ.</p>}
          <ErrorMessage error={error} action="register" />
          <button type="submit" className="primary" disabled={busy || !userName || !password || password !== confirm}>
            {busy ? 'Creating…' : 'Create account'}
          </button>
        </form>
        <p>Have an account? <Link to="/login">Sign in</Link></p>
      </section>
      <PrivacyNotice />
    </div>
  );
}
