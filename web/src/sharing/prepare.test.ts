import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { NothingDecodedError, prepareShares, type SharingMessage } from './prepare';
import { deterministicRandom } from './random';

function idx(magic: number, dims: number[], body: number[]): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(4 + 4 * dims.length + body.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, magic, false);
  dims.forEach((d, i) => view.setInt32(4 + 4 * i, d, false));
  bytes.set(body, 4 + 4 * dims.length);
  return bytes;
}

const pixels = Array.from({ length: 3 * 4 }, (_, i) => (i * 37) % 256);
const request = (labels: number[], width = 2) => ({
  source: {
    kind: 'idx' as const,
    images: new Blob([new Uint8Array(gzipSync(idx(0x803, [3, 2, width], pixels.slice(0, 3 * 2 * width))))]),
    labels: new Blob([idx(0x801, [labels.length], labels)]),
    imagesName: 'images.gz', labelsName: 'labels',
  },
  channels: 1, height: 2, width: 2, classes: 3, datasetId: 'ds-p', fractionalBits: 16,
});

describe('preparing shares from IDX files', () => {
  it('reads gzipped IDX, fits the statistics, and returns both halves, the labels and progress', async () => {
    const messages: SharingMessage[] = [];
    const result = await prepareShares(request([2, 0, 1]), m => messages.push(m), deterministicRandom(1n));
    expect([result.count, result.labels, result.classNames, result.failures]).toEqual([3, [2, 0, 1], ['0', '1', '2'], []]);
    expect(result.half0.size).toBe(144 + 3 * 7 * 8 + 32);
    expect(result.digest0).toMatch(/^[0-9a-f]{64}$/);
    expect(messages.at(-1)).toEqual({ type: 'progress', phase: 'sharing', done: 3, total: 3 });
  });

  it('refuses a label outside the project\'s classes, a count mismatch and another image size', async () => {
    await expect(prepareShares(request([0, 3, 1]), () => {})).rejects.toThrow("Label 3 of image 1 is outside the project's 3 classes (0..2).");
    await expect(prepareShares(request([0, 1]), () => {})).rejects.toThrow(/has 3 images but 'labels' has 2 labels/);
    await expect(prepareShares(request([0, 1, 2], 1), () => {})).rejects.toThrow('The IDX images are 1×2×1; the project expects 1×2×2.');
  });

  it('shares only the first N images with a limit, as the CLI\'s --limit', async () => {
    const base = request([2, 0, 1]);
    const limited = await prepareShares({ ...base, source: { ...base.source, limit: 2 } }, () => {}, deterministicRandom(1n));
    expect([limited.count, limited.labels]).toEqual([2, [2, 0]]);
    expect(limited.half0.size).toBe(144 + 2 * 7 * 8 + 32);
    // The statistics are fitted on the kept images only: the same as sharing an IDX file of those two.
    const two = await prepareShares({
      ...base,
      source: { ...base.source, images: new Blob([idx(0x803, [2, 2, 2], pixels.slice(0, 8))]), labels: new Blob([idx(0x801, [2], [2, 0])]), imagesName: 'two' },
    }, () => {}, deterministicRandom(1n));
    expect(limited.standardization).toEqual(two.standardization);
    const all = await prepareShares({ ...base, source: { ...base.source, limit: 10 } }, () => {}, deterministicRandom(1n));
    expect(all.count).toBe(3);
  });
});

describe('preparing shares from image files', () => {
  const broken = (path: string) => ({ file: new Blob(['this is not an image']), path, label: 0 });
  const images = (entries: ReturnType<typeof broken>[]) => ({
    source: { kind: 'images' as const, entries, classNames: ['a', 'b'] },
    channels: 1, height: 2, width: 2, classes: 2, datasetId: 'ds-i', fractionalBits: 16,
  });

  it('names the files and why when none of them decodes', async () => {
    const error = await prepareShares(images([broken('a/one.png'), broken('b/two.jpg')]), () => {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NothingDecodedError);
    const { message, failures } = error as NothingDecodedError;
    expect(message).toMatch(/^None of the 2 images could be used \(a\/one\.png: .+; b\/two\.jpg: .+\)\.$/);
    expect(failures.map(f => f.path)).toEqual(['a/one.png', 'b/two.jpg']);
    expect(failures.every(f => f.reason.length > 0)).toBe(true);
  });

  it('names three and counts the rest, and speaks of one image as one', async () => {
    const many = await prepareShares(images(['1', '2', '3', '4', '5'].map(n => broken(`a/${n}.png`))), () => {}).catch((e: unknown) => e);
    expect((many as Error).message).toMatch(/a\/3\.png: [^;]+; and 2 more\)\.$/);
    const one = await prepareShares(images([broken('a/one.png')]), () => {}).catch((e: unknown) => e);
    expect((one as Error).message).toMatch(/^The image could not be used \(a\/one\.png: .+\)\.$/);
  });
});

