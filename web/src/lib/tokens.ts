// API tokens as the account page shows them.
import type { ApiToken } from '../api/types';

export type TokenState = 'Active' | 'Expired' | 'Revoked';

/** Whether a token still works: revoked beats expired. */
export function tokenState(token: Pick<ApiToken, 'expiresAt' | 'revokedAt'>, now: number = Date.now()): TokenState {
  if (token.revokedAt) return 'Revoked';
  return Date.parse(token.expiresAt) <= now ? 'Expired' : 'Active';
}

/**
 * The shell line that saves a token in the CLI's profile: `imguard login --token-stdin` reads it from standard
 * input (never from the command line, where other users' `ps` could see it). `origin` is the platform's URL.
 */
export function cliLoginCommand(origin: string, token: string): string {
  return `printf '%s\\n' '${token.replace(/'/g, `'\\''`)}' | imguard login --platform ${origin} --ca ca.crt --token-stdin`;
}
