import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { gunzipIfNeeded, parseIdxImages, parseIdxLabels } from './idx';
import { deterministicRandom } from './random';

function idx(magic: number, dims: number[], body: number[]): Uint8Array {
  const bytes = new Uint8Array(4 + 4 * dims.length + body.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, magic, false);
  dims.forEach((d, i) => view.setInt32(4 + 4 * i, d, false));
  bytes.set(body, 4 + 4 * dims.length);
  return bytes;
}

describe('IDX parsing (IdxReader)', () => {
  it('reads images and labels, gzipped or not', async () => {
    const images = idx(0x803, [2, 2, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const parsed = parseIdxImages(await gunzipIfNeeded(new Uint8Array(gzipSync(images)), 'i.gz'));
    expect([parsed.count, parsed.height, parsed.width]).toEqual([2, 2, 3]);
    expect(Array.from(parsed.pixels)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(Array.from(parseIdxLabels(idx(0x801, [3], [0, 9, 4])))).toEqual([0, 9, 4]);
  });

  it('names a bad magic, a wrong dimension count, truncation and trailing data', async () => {
    expect(() => parseIdxImages(idx(0x0801, [1], [0]), 'x')).toThrow("IDX file 'x' has 1 dimensions (magic 0x00000801); expected 3 (magic 0x00000803).");
    expect(() => parseIdxLabels(idx(0x12345678, [1], [0]), 'y')).toThrow("IDX file 'y' has bad magic 0x12345678; expected 0x00000801");
    expect(() => parseIdxLabels(new Uint8Array([0, 0]), 'z')).toThrow(/ends inside the 4-byte magic/);
    expect(() => parseIdxImages(idx(0x803, [1, 2], []), 'h')).toThrow(/header needs 16 bytes, the file has 12/);
    expect(() => parseIdxImages(idx(0x803, [2, 2, 2], [1, 2, 3]), 't')).toThrow(/truncated: the header announces 8 data bytes, the file has 3/);
    expect(() => parseIdxLabels(idx(0x801, [1], [1, 2]), 'l')).toThrow(/data after the 1 bytes/);
    const cut = new Uint8Array(gzipSync(idx(0x801, [4], [1, 2, 3, 4]))).subarray(0, 12);
    await expect(gunzipIfNeeded(cut, 'cut.gz')).rejects.toThrow(/not a valid gzip stream/);
  });

  // A user's bytes (issue 14, item 9): whatever the file, reading ends in the declared shape or an Error that names
  // the file, never another exception; a header that claims billions of bytes is truncated, not allocated.
  async function readsOrRefuses(bytes: Uint8Array, images: boolean) {
    try {
      const plain = await gunzipIfNeeded(bytes, 'f');
      if (images) {
        const parsed = parseIdxImages(plain, 'f');
        expect(parsed.pixels.length).toBe(parsed.count * parsed.height * parsed.width);
      } else {
        const labels = parseIdxLabels(plain, 'f');
        expect(labels.length).toBe(new DataView(plain.buffer, plain.byteOffset).getInt32(4, false));
      }
    } catch (e) {
      expect(e).toBeInstanceOf(Error);
      expect((e as Error).message).toMatch(/^IDX file 'f'/);
    }
  }

  it('refuses every truncation of a file, plain or gzipped', async () => {
    const images = idx(0x803, [3, 4, 5], Array.from({ length: 60 }, (_, i) => i));
    const labels = idx(0x801, [5], [0, 1, 2, 3, 4]);
    for (const [file, isImages] of [[images, true], [labels, false]] as const) {
      for (const bytes of [file, new Uint8Array(gzipSync(file))]) {
        for (let length = 0; length < bytes.length; length++) {
          const cut = bytes.subarray(0, length);
          await expect((async () => {
            const plain = await gunzipIfNeeded(cut, 'f');
            return isImages ? parseIdxImages(plain, 'f') : parseIdxLabels(plain, 'f');
          })()).rejects.toThrow(/^IDX file 'f'/);
        }
      }
    }
  });

  it('reads or cleanly refuses mutated, lying and random files', async () => {
    const random = deterministicRandom(0x1d3n);
    const word = new Uint32Array(1);
    const next = (n: number) => (random(word), word[0]! % n);
    const images = idx(0x803, [5, 4, 3], Array.from({ length: 60 }, (_, i) => i));
    const labels = idx(0x801, [5], [0, 3, 9, 1, 1]);
    for (let iteration = 0; iteration < 600; iteration++) {
      const isImages = next(2) === 0;
      const kind = next(4);
      let bytes: Uint8Array;
      if (kind === 0) {
        bytes = Uint8Array.from({ length: next(64) }, () => next(256));
      } else if (kind === 1) {
        // A valid magic with random dimensions (negative, zero, huge) and a small body.
        const dims = Array.from({ length: isImages ? 3 : 1 }, () => (next(3) === 0 ? next(5) : word[0]! | 0));
        bytes = idx(isImages ? 0x803 : 0x801, dims, Array.from({ length: next(80) }, () => next(256)));
      } else {
        bytes = (isImages ? images : labels).slice();
        for (let k = 1 + next(4); k > 0; k--) bytes[next(bytes.length)] = next(256);
        if (kind === 3) bytes = new Uint8Array(gzipSync(bytes));
        if (next(2) === 0) bytes = bytes.subarray(0, next(bytes.length + 1));
      }
      await readsOrRefuses(bytes, isImages);
    }
  });
});
