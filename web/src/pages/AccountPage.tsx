import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { ApiToken, CreatedApiToken } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { useSigningKey } from '../auth/SigningKeyContext';
import { SigningKeyNotice } from '../components/SigningKeyNotice';
import { ErrorMessage } from '../components/ErrorMessage';
import { OneTimeSecret } from '../components/OneTimeSecret';
import { StatusBadge } from '../components/StatusBadge';
import { formatDate } from '../lib/format';
import { cliLoginCommand, tokenState } from '../lib/tokens';

/** The signed-in user's account: who they are, and their API tokens for the `imguard` CLI. */
export function AccountPage() {
  const { user } = useAuth();
  const [tokens, setTokens] = useState<ApiToken[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<CreatedApiToken | null>(null);
  const [rowError, setRowError] = useState<{ id: string; error: unknown } | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);

  const load = useCallback(() => api.tokens().then(setTokens, setError), []);
  useEffect(() => { void load(); }, [load]);

  async function revoke(token: ApiToken) {
    setRowError(null);
    try {
      await api.revokeToken(token.id);
      setConfirming(null);
    } catch (e) {
      setRowError({ id: token.id, error: e });
    }
    await load();
  }

  if (!user) return null;
  return (
    <div className="account">
      <h1>Account</h1>
      <dl className="facts">
        <div><dt>User name</dt><dd>{user.userName}</dd></div>
        {user.displayName && user.displayName !== user.userName && <div><dt>Display name</dt><dd>{user.displayName}</dd></div>}
        <div><dt>Role</dt><dd>{user.role}</dd></div>
        <div><dt>Member since</dt><dd>{formatDate(user.createdAt)}</dd></div>
      </dl>

      <SigningKeySection />

      <h2>API tokens</h2>
      <p>
        An API token lets the <code>imguard</code> command line act as you (sharing datasets, starting jobs, downloading
        models) without your password. Give each machine its own token, so you can revoke one without the others.
      </p>
      {created ? (
        <OneTimeSecret title={`Token “${created.name}” created`} label="API token" secret={created.token} onDone={() => setCreated(null)}>
          <p>It expires {formatDate(created.expiresAt)}. To use it, save it in the CLI's profile on your machine (the CLI reads it from standard input; <code>ca.crt</code> is your deployment's CA certificate):</p>
          <pre><code>{cliLoginCommand(window.location.origin, created.token)}</code></pre>
        </OneTimeSecret>
      ) : (
        <NewTokenForm userName={user.userName} onCreated={token => { setCreated(token); void load(); }} />
      )}

      <ErrorMessage error={error} />
      {tokens && tokens.length === 0 && <p className="muted">You have no API tokens.</p>}
      {tokens && tokens.length > 0 && (
        <div className="table-scroll">
          <table className="table tokens-table">
            <caption className="visually-hidden">Your API tokens, newest first</caption>
            <thead>
              <tr><th scope="col">Name</th><th scope="col">Token</th><th scope="col">Status</th><th scope="col">Created</th><th scope="col">Expires</th><th scope="col">Last used</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr>
            </thead>
            <tbody>
              {tokens.map(t => {
                const state = tokenState(t);
                return (
                  <tr key={t.id}>
                    <td className="nowrap">{t.name}</td>
                    <td><code>{t.prefix}…</code></td>
                    <td><StatusBadge value={state} />{t.revokedAt && <div className="muted small">{formatDate(t.revokedAt)}</div>}</td>
                    <td className="nowrap">{formatDate(t.createdAt)}</td>
                    <td className="nowrap">{formatDate(t.expiresAt)}</td>
                    <td className="nowrap">{t.lastUsedAt ? formatDate(t.lastUsedAt) : 'never'}</td>
                    <td>
                      {state !== 'Revoked' && (confirming === t.id ? (
                        <span className="actions">
                          <span>Revoke “{t.name}”? The CLI using it stops working.</span>
                          <button type="button" className="danger" onClick={() => void revoke(t)}>Revoke now<span className="visually-hidden"> {t.name}</span></button>
                          <button type="button" onClick={() => setConfirming(null)}>Keep</button>
                        </span>
                      ) : (
                        <button type="button" className="danger" onClick={() => setConfirming(t.id)}>Revoke<span className="visually-hidden"> {t.name}</span></button>
                      ))}
                      {rowError?.id === t.id && <ErrorMessage error={rowError.error} />}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

/** POST /api/auth/tokens takes the user name and password (it is also the CLI's login), so the form asks for the password again. */
function NewTokenForm({ userName, onCreated }: { userName: string; onCreated: (token: CreatedApiToken) => void }) {
  const [name, setName] = useState('');
  const [days, setDays] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const lifetime = days.trim() ? Number(days) : undefined;
      const token = await api.createToken(userName, password, name.trim(), lifetime);
      setPassword('');
      setName('');
      setDays('');
      onCreated(token);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card form-grid" onSubmit={submit} aria-labelledby="new-token-title">
      <h3 id="new-token-title">New API token</h3>
      <div className="field">
        <label htmlFor="token-name">Name</label>
        <input id="token-name" required maxLength={100} placeholder="e.g. laptop" value={name} onChange={e => setName(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="token-days">Lifetime in days (optional)</label>
        <input id="token-days" type="number" inputMode="numeric" min={1} step={1} placeholder="platform default" value={days}
          onChange={e => setDays(e.target.value)} aria-describedby="token-days-hint" />
      </div>
      <div className="field">
        <label htmlFor="token-password">Your password</label>
        <input id="token-password" type="password" required autoComplete="current-password" value={password}
          onChange={e => setPassword(e.target.value)} />
      </div>
      <p id="token-days-hint" className="hint wide">Without a lifetime the platform's default applies (90 days unless your operator changed it); the platform caps it.</p>
      <ErrorMessage error={error} action="login" />
      <div className="wide"><button type="submit" className="primary" disabled={busy || !name.trim() || !password}>{busy ? 'Creating…' : 'Create token'}</button></div>
    </form>
  );
}

/** This browser's signing key and the one the account names (the key a job names when the user receives a model). */
function SigningKeySection() {
  const signing = useSigningKey();
  return (
    <section aria-labelledby="signing-key-title">
      <h2 id="signing-key-title">Signing key</h2>
      <p>
        You approve jobs over your datasets, and collect models, with a key made in this browser (its private half cannot
        leave it). Datasets you share here carry it; the servers use them only in jobs it signed.
      </p>
      <dl className="facts">
        <div><dt>This browser's key</dt><dd><code>{signing.browserFingerprint ?? 'none (this browser keeps no keys)'}</code></dd></div>
        <div><dt>Your account's key</dt><dd data-testid="account-signing-key">{signing.account === undefined ? 'unknown' : signing.account === null ? 'none' : <code>{signing.accountFingerprint ?? '…'}</code>}</dd></div>
      </dl>
      <SigningKeyNotice />
    </section>
  );
}
