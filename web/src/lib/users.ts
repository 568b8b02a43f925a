// What the Users page says about an administrator's password reset (unit-tested in users.test.ts).
import type { GeneratedPassword } from '../api/types';

/** After a reset: the user's sessions ended; what became of their API tokens. */
export function describeReset(reset: Pick<GeneratedPassword, 'userName' | 'revokedTokens'>, revokeRequested: boolean): string {
  const sessions = `${reset.userName}'s browser sessions have ended.`;
  if (!revokeRequested) return `${sessions} Their API tokens still work until revoked.`;
  const n = reset.revokedTokens ?? 0;
  if (n === 0) return `${sessions} They had no API tokens to revoke.`;
  return `${sessions} ${n === 1 ? 'Their API token was' : `All ${n} of their API tokens were`} revoked: the CLI needs a new \`imguard login\`.`;
}
