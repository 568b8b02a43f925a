import { describe, expect, it } from 'vitest';
import { cliLoginCommand, tokenState } from './tokens';

const now = Date.parse('2026-02-03T12:00:00Z');

describe('tokenState', () => {
  it('is active until it expires', () => {
    expect(tokenState({ expiresAt: '2026-02-04T00:00:00Z', revokedAt: null }, now)).toBe('Active');
    expect(tokenState({ expiresAt: '2026-02-03T12:00:00Z', revokedAt: null }, now)).toBe('Expired');
  });
  it('says revoked for a revoked token, expired or not', () => {
    expect(tokenState({ expiresAt: '2026-02-04T00:00:00Z', revokedAt: '2026-02-02T00:00:00Z' }, now)).toBe('Revoked');
    expect(tokenState({ expiresAt: '2026-01-01T00:00:00Z', revokedAt: '2026-02-02T00:00:00Z' }, now)).toBe('Revoked');
  });
});

describe('cliLoginCommand', () => {
  it('pipes the token into imguard login --token-stdin for this platform', () => {
    expect(cliLoginCommand('https://127.0.0.1:7400', 'igt_abc'))
      .toBe(`printf '%s\\n' 'igt_abc' | imguard login --platform https://127.0.0.1:7400 --ca ca.crt --token-stdin`);
  });
  it('quotes a single quote safely', () => {
    expect(cliLoginCommand('https://p', "a'b")).toContain(`'a'\\''b'`);
  });
});
