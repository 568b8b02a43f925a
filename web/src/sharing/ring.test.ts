import { describe, expect, it } from 'vitest';
import { decodeFixed, encodeFixed, encodeFixedInto, recombineInto, roundHalfEven, splitInto, toBigInt } from './ring';
import { cryptoRandom, deterministicRandom } from './random';

const M = 1n << 64n;

describe('fixed-point encoding (FixedPointFormat.Encode)', () => {
  it('rounds half to even, like Math.Round(x, MidpointRounding.ToEven)', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999, 2.5001, -2.5001].map(x => roundHalfEven(x) + 0)).toEqual([0, 2, 2, 0, -2, -2, 2, 3, -3]);
  });

  it('encodes positives, negatives (two\'s complement) and midpoints with f fractional bits', () => {
    expect(encodeFixed(1, 16)).toBe(65536n);
    expect(encodeFixed(-1, 16)).toBe(M - 65536n);
    expect(encodeFixed(0.5 / 65536, 16)).toBe(0n); // 0.5 ulp → 0 (even)
    expect(encodeFixed(1.5 / 65536, 16)).toBe(2n); // 1.5 ulp → 2
    expect(encodeFixed(-1.5 / 65536, 16)).toBe(M - 2n);
    expect(encodeFixed(-2.5 / 65536, 16)).toBe(M - 2n);
    expect(encodeFixed(Math.fround(-1.2345678), 16)).toBe(M - BigInt(Math.round(1.2345678 * 65536)));
    expect(encodeFixed(-0, 16)).toBe(0n);
    // Crossing the 32-bit limb: 2^40 · 2^-8 … and large negatives.
    expect(encodeFixed(2 ** 20, 20)).toBe(1n << 40n);
    expect(encodeFixed(-(2 ** 20) - 0.25, 20)).toBe(M - ((1n << 40n) + (1n << 18n)));
    expect(encodeFixed(-(2 ** 47), 16)).toBe(M - (1n << 63n)); // −2^63 is representable
  });

  it('refuses values outside ±2^(63−f) and non-finite values', () => {
    expect(() => encodeFixed(2 ** 47, 16)).toThrow(RangeError);
    expect(() => encodeFixed(Number.NaN, 16)).toThrow(/not finite/);
    expect(() => encodeFixed(Number.POSITIVE_INFINITY, 16)).toThrow(RangeError);
  });

  it('decodes the signed reading back', () => {
    const limbs = new Uint32Array(4);
    encodeFixedInto(-3.25, 16, limbs, 0);
    encodeFixedInto(1234.5, 16, limbs, 1);
    expect([decodeFixed(limbs, 0, 16), decodeFixed(limbs, 1, 16)]).toEqual([-3.25, 1234.5]);
  });
});

describe('additive splitting mod 2^64', () => {
  it('party 1 holds secret − mask, and the two recombine to the secret, borrows and carries included', () => {
    const n = 1000;
    const secret = new Uint32Array(2 * n);
    for (let i = 0; i < n; i++) encodeFixedInto((i - 500) * 0.37, 16, secret, i);
    secret.set([0, 0, 0xffffffff, 0xffffffff], 0); // 0 and 2^64 − 1
    const mask = new Uint32Array(2 * n);
    deterministicRandom(42n)(mask);
    mask.set([1, 0, 0xffffffff, 0xffffffff], 0);
    const share1 = new Uint32Array(2 * n);
    splitInto(secret, mask, share1);
    for (let i = 0; i < n; i++) {
      expect(toBigInt(share1, i)).toBe(((toBigInt(secret, i) - toBigInt(mask, i)) % M + M) % M);
    }
    const back = new Uint32Array(2 * n);
    recombineInto(mask, share1, back);
    expect(back).toEqual(secret);
  });

  it('a share from the CSPRNG recombines too, and the mask is not the secret', () => {
    const secret = new Uint32Array(40000);
    for (let i = 0; i < 20000; i++) encodeFixedInto(Math.sin(i), 16, secret, i);
    const mask = new Uint32Array(secret.length);
    cryptoRandom(mask); // more than one getRandomValues call's worth
    const share1 = new Uint32Array(secret.length);
    splitInto(secret, mask, share1);
    const back = new Uint32Array(secret.length);
    recombineInto(mask, share1, back);
    expect(back).toEqual(secret);
    expect(mask.subarray(32000).some(v => v !== 0)).toBe(true);
  });

  it('checks lengths', () => {
    expect(() => splitInto(new Uint32Array(4), new Uint32Array(2), new Uint32Array(4))).toThrow(RangeError);
  });
});
