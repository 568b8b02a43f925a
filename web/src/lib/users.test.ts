import { describe, expect, it } from 'vitest';
import { describeReset } from './users';

describe('describeReset', () => {
  it('says how many API tokens the reset revoked', () => {
    expect(describeReset({ userName: 'bob', revokedTokens: 3 }, true))
      .toBe("bob's browser sessions have ended. All 3 of their API tokens were revoked: the CLI needs a new `imguard login`.");
    expect(describeReset({ userName: 'bob', revokedTokens: 1 }, true)).toMatch(/Their API token was revoked/);
    expect(describeReset({ userName: 'bob', revokedTokens: 0 }, true)).toMatch(/no API tokens to revoke/);
  });
  it('says the tokens still work when the administrator kept them', () => {
    expect(describeReset({ userName: 'bob', revokedTokens: 0 }, false)).toBe("bob's browser sessions have ended. Their API tokens still work until revoked.");
  });
});
