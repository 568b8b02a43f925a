// The ring Z_2^64 and its fixed-point encoding: the one place the browser does share arithmetic, for the owner's
// sharing (encode, split) and reconstruction (recombine, decode) alike. No BigInt in the hot loops: a ring element is
// two 32-bit limbs, either in a Uint32Array (limbs[2i] = low 32 bits, limbs[2i+1] = high 32 bits, which on a
// little-endian machine is exactly the 8-byte little-endian layout of the files) or as a little-endian word in a
// DataView of a file's bytes.
//
// Matches the C# side: Imguard.Mpc.Encoding.FixedPointFormat.Encode (round(x · 2^f) half to even, then two's
// complement) and .Decode (the signed 64-bit reading times 2^-f), Imguard.Mpc.Sharing.SecretSharer (party 1 holds
// secret − mask; s0 + s1 mod 2^64 reconstructs).

/** The largest fractional-bit count the learning code reads (FixedPointFormat allows 0..40). */
export const MAX_FRACTIONAL_BITS = 40;
/** FixedPointFormat.Default: 16 fractional bits. */
export const DEFAULT_FRACTIONAL_BITS = 16;

const TWO_32 = 4294967296;
const TWO_63 = 9223372036854775808;

/**
 * .NET's Math.Round(double) (MidpointRounding.ToEven) for a finite double: the nearest integer, halves to even, and
 * the sign of a zero result kept (Math.Round(-0.4) is -0).
 */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor; // exact for every double
  const r = fraction < 0.5 ? floor : fraction > 0.5 ? floor + 1 : floor % 2 === 0 ? floor : floor + 1;
  return r === 0 ? x * 0 : r; // x · 0 is -0 for a negative x, +0 otherwise
}

// --- limbs in a Uint32Array ---------------------------------------------------------------------------------------

/**
 * Writes the fixed-point encoding of `value` (f fractional bits) as ring element `index` of `limbs`. Throws for a value
 * that is not finite or outside ±2^(63−f), as the C# encoder does.
 */
export function encodeFixedInto(value: number, fractionalBits: number, limbs: Uint32Array, index: number): void {
  const scaled = roundHalfEven(value * 2 ** fractionalBits);
  if (!(scaled >= -TWO_63 && scaled < TWO_63)) {
    throw new RangeError(`A value is not finite or outside the fixed-point range ±2^${63 - fractionalBits}.`);
  }
  const magnitude = Math.abs(scaled);
  let hi = Math.floor(magnitude / TWO_32);
  let lo = magnitude - hi * TWO_32;
  if (scaled < 0) {
    // Two's complement of the magnitude: invert and add one, carrying into the high limb.
    lo = (~lo + 1) >>> 0;
    hi = (~hi + (lo === 0 ? 1 : 0)) >>> 0;
  }
  limbs[2 * index] = lo;
  limbs[2 * index + 1] = hi;
}

/** The fixed-point encoding of one value as an unsigned 64-bit BigInt (tests, vectors). */
export function encodeFixed(value: number, fractionalBits: number): bigint {
  const limbs = new Uint32Array(2);
  encodeFixedInto(value, fractionalBits, limbs, 0);
  return toBigInt(limbs, 0);
}

/** Ring element `index` of `limbs` as an unsigned BigInt. */
export function toBigInt(limbs: Uint32Array, index: number): bigint {
  return (BigInt(limbs[2 * index + 1]!) << 32n) | BigInt(limbs[2 * index]!);
}

/** The signed reading of ring element `index`, divided by 2^f (FixedPointFormat.Decode). */
export function decodeFixed(limbs: Uint32Array, index: number, fractionalBits: number): number {
  const hi = limbs[2 * index + 1]! | 0; // signed high limb
  return (hi * TWO_32 + limbs[2 * index]!) / 2 ** fractionalBits;
}

/**
 * Splits `secret` into two additive shares mod 2^64: `mask` (already filled with uniformly random limbs) is party 0's
 * share, and `share1` receives secret − mask. All three hold the same number of limbs.
 */
export function splitInto(secret: Uint32Array, mask: Uint32Array, share1: Uint32Array): void {
  if (secret.length !== mask.length || secret.length !== share1.length || secret.length % 2 !== 0) {
    throw new RangeError(`Splitting needs equal even lengths (secret ${secret.length}, mask ${mask.length}, share ${share1.length}).`);
  }
  for (let i = 0; i < secret.length; i += 2) {
    const sLo = secret[i]!, rLo = mask[i]!;
    const borrow = sLo < rLo ? 1 : 0;
    share1[i] = (sLo - rLo) >>> 0;
    share1[i + 1] = (secret[i + 1]! - mask[i + 1]! - borrow) >>> 0;
  }
}

/** share0 + share1 mod 2^64 into `destination` (reconstruction; owner side and tests only). */
export function recombineInto(share0: Uint32Array, share1: Uint32Array, destination: Uint32Array): void {
  if (share0.length !== share1.length || share0.length !== destination.length) {
    throw new RangeError(`Recombining needs equal lengths (${share0.length}, ${share1.length}, ${destination.length}).`);
  }
  for (let i = 0; i < share0.length; i += 2) {
    const lo = share0[i]! + share1[i]!;
    destination[i] = lo >>> 0;
    destination[i + 1] = (share0[i + 1]! + share1[i + 1]! + (lo >= TWO_32 ? 1 : 0)) >>> 0;
  }
}

/** Whether this machine stores a Uint32Array little-endian (every browser in use does; the file layout needs it). */
export function isLittleEndian(): boolean {
  return new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
}

// --- little-endian words in a file's bytes (reconstruction straight from the two parties' share files) ------------
//
// Rounding matches .NET's `(double)(long)w * 2^-f` exactly: hi·2^32 (|hi| ≤ 2^31) and lo (< 2^32) are both exact
// doubles, so hi·2^32 + lo is rounded once, to nearest-even, like the long → double conversion; scaling by a power of
// two is exact.

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

/** One fixed-point value from its two shares' words: (s0 + s1) mod 2^64, decoded with f fractional bits. */
export function recombineFixed(a: DataView, aOffset: number, b: DataView, bOffset: number, fractionalBits: number): number {
  return addWordsToDouble(a, aOffset, b, bOffset) * 2 ** -fractionalBits;
}

/** Reconstructs `count` fixed-point words (s0 + s1, decoded with f fractional bits) into doubles. */
export function reconstructFixedPoint(a: DataView, aOffset: number, b: DataView, bOffset: number, count: number, fractionalBits: number): Float64Array {
  const inverse = 2 ** -fractionalBits;
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = addWordsToDouble(a, aOffset + 8 * i, b, bOffset + 8 * i) * inverse;
  return out;
}
