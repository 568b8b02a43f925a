import { useState } from 'react';
import { useSigningKey } from '../auth/SigningKeyContext';
import { ErrorMessage } from './ErrorMessage';

/**
 * Shown when the account names another signing key than this browser's: both fingerprints, and "Use this browser's
 * key" to replace the account's (future jobs then name this browser's key when the user receives a model; datasets
 * already shared stay bound to the key they were shared with).
 */
export function SigningKeyNotice() {
  const signing = useSigningKey();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [replaced, setReplaced] = useState(false);
  if (signing.status !== 'other' && !replaced) return null;
  if (replaced && signing.status === 'same') {
    return <p className="notice" role="status">Your account now names this browser's key <code>{signing.browserFingerprint}</code>.</p>;
  }
  async function replace() {
    setBusy(true);
    setError(null);
    try {
      await signing.useBrowserKey();
      setReplaced(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  return (
    <div className="notice" role="status" data-testid="signing-key-notice">
      <p>
        Your account's signing key is <code>{signing.accountFingerprint ?? '…'}</code>, made on another device or browser;
        this browser's key is <code>{signing.browserFingerprint}</code>. Jobs name the account's key for you as a model
        recipient. Datasets keep the key they were shared with.
      </p>
      <button type="button" disabled={busy} onClick={() => void replace()}>Use this browser's key</button>
      <ErrorMessage error={error} />
    </div>
  );
}
