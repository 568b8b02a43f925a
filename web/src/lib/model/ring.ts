// Z_2^64 arithmetic for the owner's reconstruction, without BigInt: a ring word is read as two 32-bit halves.
// Additive shares recombine as s0 + s1 mod 2^64 (Imguard.Mpc.Sharing.SecretSharer.Reconstruct); a fixed-point word
// decodes as the signed 64-bit integer times 2^-f (Imguard.Mpc.Encoding.FixedPointFormat.Decode).
//
// Rounding matches .NET's `(double)(long)w * 2^-f` exactly: hi·2^32 (|hi| ≤ 2^31) and lo (< 2^32) are both exact
// doubles, so hi·2^32 + lo is rounded once, to nearest-even, like the long → double conversion; scaling by a power of
// two is exact.

const TWO_32 = 4294967296;

/** The signed 64-bit integer (s0 + s1) mod 2^64 as the nearest double; words little-endian at the given byte offsets. */
export function addWordsToDouble(a: DataView, aOffset: number, b: DataView, bOffset: number): number {
  const lo = a.getUint32(aOffset, true) + b.getUint32(bOffset, true);
  const carry = lo >= TWO_32 ? 1 : 0;
  const hi = (a.getInt32(aOffset + 4, true) + b.getInt32(bOffset + 4, true) + carry) | 0; // wraps mod 2^32, signed
  return hi * TWO_32 + (lo - carry * TWO_32);
}

/** Whether (s0 + s1) mod 2^64 equals the small non-negative integer `value` (< 2^32). */
export function addWordsEquals(a: DataView, aOffset: number, b: DataView, bOffset: number, value: number): boolean {
  const lo = (a.getUint32(aOffset, true) + b.getUint32(bOffset, true)) % TWO_32;
  const carry = a.getUint32(aOffset, true) + b.getUint32(bOffset, true) >= TWO_32 ? 1 : 0;
  const hi = (a.getUint32(aOffset + 4, true) + b.getUint32(bOffset + 4, true) + carry) % TWO_32;
  return hi === 0 && lo === value;
}

/** Reconstructs `count` fixed-point words (s0 + s1, decoded with f fractional bits) into doubles. */
export function reconstructFixedPoint(a: DataView, aOffset: number, b: DataView, bOffset: number, count: number, fractionalBits: number): Float64Array {
  const inverse = 2 ** -fractionalBits;
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = addWordsToDouble(a, aOffset + 8 * i, b, bOffset + 8 * i) * inverse;
  return out;
}

/** .NET's Math.Round(double): to the nearest integer, halves to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

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
