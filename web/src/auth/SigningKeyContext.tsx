import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import type { SigningKeyView } from '../api/types';
import { fromBase64, toBase64 } from '../lib/consent/approval';
import { ownerKeyFor, type StoredOwnerKey } from '../lib/consent/keystore';
import { keyFingerprint } from '../lib/consent/signing';
import { useAuth } from './AuthContext';

/**
 * This browser's signing key for the signed-in user and the key their account names (PUT/GET /api/me/signing-key):
 * on sign-in the browser's key is registered when the account has none; when the account has another (made on
 * another device or browser), the page shows both fingerprints and offers to replace it ("Use this browser's key").
 */
export interface SigningKeyState {
  /** This browser's key for the user (made on first use), or null before it is read. */
  browserKey: StoredOwnerKey | null;
  browserFingerprint: string | null;
  /** The account's registered key; null: none; undefined: not known (loading, or the platform did not answer). */
  account: SigningKeyView | null | undefined;
  /** The account key's short fingerprint, computed here from the key (not the platform's text). */
  accountFingerprint: string | null;
  /** 'same': the account names this browser's key; 'other': another key; 'unknown': not (yet) known. */
  status: 'same' | 'other' | 'unknown';
  error: unknown;
  /** Replaces the account's key with this browser's. */
  useBrowserKey(): Promise<void>;
}

const SigningKeyContext = createContext<SigningKeyState | null>(null);

export function SigningKeyProvider({ children }: { children: ReactNode }) {
  const { user } = useAuth();
  const [browserKey, setBrowserKey] = useState<StoredOwnerKey | null>(null);
  const [browserFingerprint, setBrowserFingerprint] = useState<string | null>(null);
  const [account, setAccount] = useState<SigningKeyView | null | undefined>(undefined);
  const [accountFingerprint, setAccountFingerprint] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const userName = user?.userName;

  useEffect(() => {
    setBrowserKey(null);
    setBrowserFingerprint(null);
    setAccount(undefined);
    setError(null);
    if (!userName) return;
    let live = true;
    void (async () => {
      try {
        const key = await ownerKeyFor(userName);
        const fingerprint = (await keyFingerprint(key.publicKey)).short;
        if (!live) return;
        setBrowserKey(key);
        setBrowserFingerprint(fingerprint);
        let registered = await api.signingKey();
        // An account without a key gets this browser's: it is then named when the user receives a model.
        if (registered === null) registered = await api.setSigningKey(toBase64(key.publicKey));
        if (live) setAccount(registered);
      } catch (e) {
        // No key store (private window) or a platform without the endpoint: nothing to show; approving says why.
        if (live) setError(e);
      }
    })();
    return () => { live = false; };
  }, [userName]);

  const useBrowserKey = useCallback(async () => {
    if (!browserKey) return;
    setError(null);
    try {
      setAccount(await api.setSigningKey(toBase64(browserKey.publicKey)));
    } catch (e) {
      setError(e);
      throw e;
    }
  }, [browserKey]);

  useEffect(() => {
    setAccountFingerprint(null);
    if (!account) return;
    let live = true;
    keyFingerprint(fromBase64(account.key)).then(f => { if (live) setAccountFingerprint(f.short); }, () => undefined);
    return () => { live = false; };
  }, [account]);

  const status: SigningKeyState['status'] = !account || !browserKey ? 'unknown'
    : account.key === toBase64(browserKey.publicKey) ? 'same' : 'other';
  const value = useMemo(() => ({ browserKey, browserFingerprint, account, accountFingerprint, status, error, useBrowserKey }),
    [browserKey, browserFingerprint, account, accountFingerprint, status, error, useBrowserKey]);
  return <SigningKeyContext.Provider value={value}>{children}</SigningKeyContext.Provider>;
}

export function useSigningKey(): SigningKeyState {
  const state = useContext(SigningKeyContext);
  if (!state) throw new Error('useSigningKey outside SigningKeyProvider');
  return state;
}
