// The checksum every model and evaluation share file ends with, and its comparison.

/** SHA-256 of `bytes` (Web Crypto; available in browsers on secure origins and in Node ≥ 20). */
export async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}

/** Constant-time equality of two byte strings of the same length (false otherwise). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
