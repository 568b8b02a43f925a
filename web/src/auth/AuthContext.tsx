import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import type { User } from '../api/types';

interface AuthState {
  /** undefined while the first check runs; null when signed out. */
  user: User | null | undefined;
  /** True after this tab signed out (until the next sign-in). */
  signedOut: boolean;
  login(userName: string, password: string): Promise<User>;
  logout(): Promise<void>;
  refresh(): Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [signedOut, setSignedOut] = useState(false);

  const refresh = useCallback(async () => {
    try {
      setUser(await api.me());
    } catch {
      setUser(null); // 401: not signed in; anything else: the sign-in page shows the platform's answer at login
    }
  }, []);

  useEffect(() => { void refresh(); }, [refresh]);

  const login = useCallback(async (userName: string, password: string) => {
    const signedIn = await api.login(userName, password);
    setSignedOut(false);
    setUser(signedIn);
    return signedIn;
  }, []);

  const logout = useCallback(async () => {
    try {
      await api.logout();
    } finally {
      setSignedOut(true);
      setUser(null);
    }
  }, []);

  const value = useMemo(() => ({ user, signedOut, login, logout, refresh }), [user, signedOut, login, logout, refresh]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const state = useContext(AuthContext);
  if (!state) throw new Error('useAuth outside AuthProvider');
  return state;
}
