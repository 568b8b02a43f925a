import { describe, expect, it } from 'vitest';
import { type OwnerKeyStore, type StoredOwnerKey, ownerKeyFor } from './keystore';
import { signDigest, verifyDigest } from './signing';

function memoryStore(): OwnerKeyStore & { size: () => number } {
  const keys = new Map<string, StoredOwnerKey>();
  return {
    get: async user => keys.get(user),
    add: async key => {
      const existing = keys.get(key.user);
      if (existing) return existing;
      keys.set(key.user, key);
      return key;
    },
    size: () => keys.size,
  };
}

describe('owner key store', () => {
  it('makes a key once per user and gives the same key afterwards', async () => {
    const store = memoryStore();
    const first = await ownerKeyFor('alice', store);
    const again = await ownerKeyFor('alice', store);
    const bob = await ownerKeyFor('bob', store);
    expect(again.publicKey).toEqual(first.publicKey);
    expect(bob.publicKey).not.toEqual(first.publicKey);
    expect(store.size()).toBe(2);
    expect(first.pair.privateKey.extractable).toBe(false);
  });

  it('keeps the first key when two tabs make one at once', async () => {
    const store = memoryStore();
    const [a, b] = await Promise.all([ownerKeyFor('alice', store), ownerKeyFor('alice', store)]);
    expect(b.publicKey).toEqual(a.publicKey);
    const digest = new Uint8Array(32).fill(1);
    expect(await verifyDigest(a.publicKey, digest, await signDigest(b.pair.privateKey, digest))).toBe(true);
  });
});
