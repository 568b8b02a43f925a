import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { gunzipIfNeeded, parseIdxImages, parseIdxLabels } from './idx';

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
});
