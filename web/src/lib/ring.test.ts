import { describe, expect, it } from 'vitest';
import { cryptoRandom, deterministicRandom } from '../sharing/random';
import {
  addWordsEquals, addWordsToDouble, decodeFixed, encodeFixed, encodeFixedInto, recombineFixed, recombineInto, reconstructFixedPoint,
  roundHalfEven, splitInto, toBigInt,
} from './ring';

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

describe('ring and fixed point', () => {
  it('adds two words mod 2^64 and rounds to the nearest double like (double)(long)', () => {
    const a = new DataView(new ArrayBuffer(8));
    const b = new DataView(new ArrayBuffer(8));
    let state = 0x12345678n;
    const next = () => (state = (state * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn);
    for (let i = 0; i < 2000; i++) {
      const x = next(), y = i % 3 === 0 ? (2n ** 64n - x + BigInt(i - 1000)) & (2n ** 64n - 1n) : next();
      a.setBigUint64(0, x, true);
      b.setBigUint64(0, y, true);
      expect(addWordsToDouble(a, 0, b, 0)).toBe(Number(BigInt.asIntN(64, x + y)));
    }
  });

  it('rounds halves to even like .NET Math.Round', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999, 7].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, -2, 2, 7]);
  });
});

// Property-style checks over many seeded random draws (deterministic, so a failure reproduces): the laws every caller
// relies on, for the Uint32Array limbs the owner shares with and the file words the owner reconstructs from.
describe('ring laws', () => {
  const draws = (seed: bigint, n: number) => {
    const words = new Uint32Array(2 * n);
    deterministicRandom(seed)(words);
    return words;
  };
  const f64 = (limbs: Uint32Array) => new DataView(limbs.buffer, limbs.byteOffset, limbs.byteLength);

  it('recombine(split(x)) == x for random ring elements and random masks, and each share alone is not x', () => {
    const n = 5000;
    const secret = draws(1n, n), mask = draws(2n, n);
    const share1 = new Uint32Array(2 * n), back = new Uint32Array(2 * n);
    splitInto(secret, mask, share1);
    recombineInto(mask, share1, back);
    expect(back).toEqual(secret);
    for (let i = 0; i < n; i += 97) {
      expect((toBigInt(mask, i) + toBigInt(share1, i)) % M).toBe(toBigInt(secret, i)); // spot checks against BigInt
    }
    expect(share1).not.toEqual(secret);
  });

  it('wraps around 2^64: 2^64 − 1 + 1 is 0, −1 is 2^64 − 1, and the carry crosses the 32-bit limb', () => {
    const a = new Uint32Array([0xffffffff, 0xffffffff, 0xffffffff, 0, 5, 0]);
    const b = new Uint32Array([1, 0, 1, 0, 0xffffffff - 4, 0xffffffff]); // last: 5 + (2^64 − 5) = 0
    const sum = new Uint32Array(6);
    recombineInto(a, b, sum);
    expect([toBigInt(sum, 0), toBigInt(sum, 1), toBigInt(sum, 2)]).toEqual([0n, 1n << 32n, 0n]);
    const minusOne = new Uint32Array(2);
    splitInto(new Uint32Array(2), new Uint32Array([1, 0]), minusOne); // 0 − 1
    expect(toBigInt(minusOne, 0)).toBe(M - 1n);
    expect(addWordsToDouble(f64(a), 0, f64(b), 0)).toBe(0);
    expect(addWordsEquals(f64(a), 8, f64(b), 8, 0)).toBe(false);
    expect(recombineFixed(f64(new Uint32Array([0xffffffff, 0xffffffff])), 0, f64(new Uint32Array([0, 0])), 0, 16)).toBe(-1 / 65536);
  });

  it('decode(encode(x)) is x within half a unit of the last place (2^-(f+1)), for every f the learning code reads', () => {
    const random = draws(3n, 600);
    const misses: string[] = [];
    for (const f of [0, 8, 16, 20, 31, 40]) {
      const limbs = new Uint32Array(2);
      const bound = 2 ** (62 - f); // comfortably inside ±2^(63−f)
      for (let i = 0; i < 600; i++) {
        // Spread over magnitudes: a uniform fraction times a random power of two up to the bound, either sign.
        const u = random[2 * i]! / 2 ** 32, e = random[2 * i + 1]! % 63;
        const x = (i % 2 === 0 ? 1 : -1) * Math.min(bound, u * 2 ** (e - f));
        encodeFixedInto(x, f, limbs, 0);
        const back = decodeFixed(limbs, 0, f);
        const word = limbs.slice();
        encodeFixedInto(back, f, limbs, 0); // a decoded value encodes back to the same word
        if (Math.abs(back - x) > 2 ** -(f + 1) + Math.abs(x) * Number.EPSILON || limbs[0] !== word[0] || limbs[1] !== word[1]) {
          misses.push(`f=${f} x=${x} back=${back}`);
        }
      }
    }
    expect(misses).toEqual([]);
  });

  it('the two reconstruction paths agree: file words via DataView and limbs via recombine, split under a random mask', () => {
    const n = 3000, f = 16;
    const secret = new Uint32Array(2 * n);
    const values = draws(4n, n);
    for (let i = 0; i < n; i++) encodeFixedInto(((values[2 * i]! | 0) / 2 ** 31) * 1e6, f, secret, i);
    const mask = draws(5n, n), share1 = new Uint32Array(2 * n), back = new Uint32Array(2 * n);
    splitInto(secret, mask, share1);
    recombineInto(mask, share1, back);
    const fromFiles = reconstructFixedPoint(f64(mask), 0, f64(share1), 0, n, f);
    const disagreements = [];
    for (let i = 0; i < n; i++) {
      if (fromFiles[i] !== decodeFixed(back, i, f) || recombineFixed(f64(mask), 8 * i, f64(share1), 8 * i, f) !== fromFiles[i]) disagreements.push(i);
    }
    expect(disagreements).toEqual([]);
  });

  it('a one-hot word recombines to exactly 0 or 1 whatever the mask', () => {
    const n = 2000, mask = draws(6n, n), secret = new Uint32Array(2 * n), share1 = new Uint32Array(2 * n);
    for (let i = 0; i < n; i++) secret[2 * i] = i % 2;
    splitInto(secret, mask, share1);
    const wrong = [];
    for (let i = 0; i < n; i++) {
      if (!addWordsEquals(f64(mask), 8 * i, f64(share1), 8 * i, i % 2) || addWordsEquals(f64(mask), 8 * i, f64(share1), 8 * i, 1 - (i % 2))) wrong.push(i);
    }
    expect(wrong).toEqual([]);
  });
});
