// An owner's signing key in the browser: ECDSA P-256 made by Web Crypto with its private half non-extractable (no
// script, the platform's included, can read it out; it can only ask this browser to sign). The public half travels as
// SubjectPublicKeyInfo DER, the form Imguard.Contracts.Consent.OwnerKeys reads; signatures are r ‖ s, 64 bytes
// (Imguard.Contracts.Consent.ConsentSignature).

const algorithm = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const signing = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** A fresh key pair whose private key cannot be exported. */
export async function generateOwnerKey(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(algorithm, false, ['sign', 'verify']);
}

export async function exportPublicKey(key: CryptoKey): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.exportKey('spki', key));
}

export async function importPublicKey(spki: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey('spki', spki as BufferSource, algorithm, true, ['verify']);
}

/** The owner's signature over a 32-byte consent digest. */
export async function signDigest(privateKey: CryptoKey, digest: Uint8Array): Promise<Uint8Array> {
  if (digest.length !== 32) throw new Error('A consent digest is 32 bytes.');
  return new Uint8Array(await crypto.subtle.sign(signing, privateKey, digest as BufferSource));
}

/** Whether signature is the holder of spki's signature over digest; false for a malformed key or signature. */
export async function verifyDigest(spki: Uint8Array, digest: Uint8Array, signature: Uint8Array): Promise<boolean> {
  if (digest.length !== 32 || signature.length !== 64) return false;
  let key: CryptoKey;
  try {
    key = await importPublicKey(spki);
  } catch {
    return false;
  }
  return crypto.subtle.verify(signing, key, signature as BufferSource, digest as BufferSource);
}

/** SHA-256 of the SPKI, lower-case hex (OwnerKeys.Fingerprint); the short form groups its first 16 digits by four. */
export async function keyFingerprint(spki: Uint8Array): Promise<{ full: string; short: string }> {
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', spki as BufferSource));
  const full = Array.from(hash, b => b.toString(16).padStart(2, '0')).join('');
  return { full, short: [full.slice(0, 4), full.slice(4, 8), full.slice(8, 12), full.slice(12, 16)].join(':') };
}
