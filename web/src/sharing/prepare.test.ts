import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { prepareShares, type SharingMessage } from './prepare';
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
});
