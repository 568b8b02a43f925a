import { describe, expect, it } from 'vitest';
import { exportPublicKey, generateOwnerKey, keyFingerprint, signDigest, verifyDigest } from './signing';

describe('owner signing key', () => {
  it('keeps its private half inside Web Crypto', async () => {
    const pair = await generateOwnerKey();
    expect(pair.privateKey.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('pkcs8', pair.privateKey)).rejects.toThrow();
    expect((await exportPublicKey(pair.publicKey)).length).toBe(91);
  });

  it('signs a digest that verifies under its key only', async () => {
    const owner = await generateOwnerKey();
    const other = await generateOwnerKey();
    const digest = new Uint8Array(32).fill(7);
    const signature = await signDigest(owner.privateKey, digest);
    expect(signature.length).toBe(64);
    expect(await verifyDigest(await exportPublicKey(owner.publicKey), digest, signature)).toBe(true);
    expect(await verifyDigest(await exportPublicKey(other.publicKey), digest, signature)).toBe(false);
    expect(await verifyDigest(Uint8Array.of(0x30, 0), digest, signature)).toBe(false);
    expect(await verifyDigest(await exportPublicKey(owner.publicKey), digest.slice(1), signature)).toBe(false);
    await expect(signDigest(owner.privateKey, new Uint8Array(31))).rejects.toThrow(/32 bytes/);
  });

  it('names a key by the SHA-256 of its SPKI', async () => {
    const spki = await exportPublicKey((await generateOwnerKey()).publicKey);
    const { full, short } = await keyFingerprint(spki);
    expect(full).toBe(Buffer.from(new Uint8Array(await crypto.subtle.digest('SHA-256', spki as BufferSource))).toString('hex'));
    expect(short).toBe(`${full.slice(0, 4)}:${full.slice(4, 8)}:${full.slice(8, 12)}:${full.slice(12, 16)}`);
  });
});
