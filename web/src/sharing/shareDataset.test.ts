import { describe, expect, it } from 'vitest';
import { encodeFixed, recombineInto, toBigInt } from '../lib/ring';
import { concat, HEADER_SIZE } from './shareFile';
import { shareDataset, type RawDataset } from './shareDataset';
import { fitStandardization } from './standardization';

function raw(count: number, side: number, classes: number): RawDataset {
  const d = side * side;
  const pixels = new Float32Array(count * d);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7919) % 256;
  return { pixels, labels: Array.from({ length: count }, (_, i) => i % classes), count, channels: 1, height: side, width: side, classes };
}

function payloadLimbs(parts: Uint8Array[], scalars: number): Uint32Array {
  const bytes = concat(parts).slice(HEADER_SIZE, HEADER_SIZE + scalars * 8);
  return new Uint32Array(bytes.buffer);
}

describe('sharing a dataset', () => {
  it('fits the training set\'s statistics and writes halves that recombine to [standardised pixels | one-hot label]', async () => {
    const data = raw(5, 3, 4);
    const { half0, half1, standardization } = await shareDataset(data, { datasetId: 'ds-t', fractionalBits: 16, chunkSize: 64 });
    expect(standardization).toEqual(fitStandardization(data.pixels, 5, 1));
    const scalars = 5 * (9 + 4);
    const rows = new Uint32Array(2 * scalars);
    recombineInto(payloadLimbs(half0.parts, scalars), payloadLimbs(half1.parts, scalars), rows);
    const { mean: [m], std: [s] } = standardization as { mean: [number]; std: [number] };
    for (let n = 0; n < 5; n++) {
      for (let i = 0; i < 9; i++) {
        expect(toBigInt(rows, n * 13 + i)).toBe(encodeFixed(Math.fround((data.pixels[n * 9 + i]! / 255 - m) / s), 16));
      }
      for (let c = 0; c < 4; c++) expect(toBigInt(rows, n * 13 + 9 + c)).toBe(c === n % 4 ? 65536n : 0n);
    }
    expect(half0.digest).not.toBe(half1.digest);
  });

  it('shared raw, writes halves that recombine to [x/255 | one-hot label] and returns no statistics', async () => {
    const data = raw(4, 3, 3);
    const { half0, half1, standardization } = await shareDataset(data, { datasetId: 'ds-r', fractionalBits: 16, scaling: 'raw' });
    expect(standardization).toBeUndefined();
    const scalars = 4 * (9 + 3);
    const rows = new Uint32Array(2 * scalars);
    recombineInto(payloadLimbs(half0.parts, scalars), payloadLimbs(half1.parts, scalars), rows);
    for (let n = 0; n < 4; n++) {
      for (let i = 0; i < 9; i++) expect(toBigInt(rows, n * 12 + i)).toBe(encodeFixed(Math.fround(data.pixels[n * 9 + i]! / 255), 16));
      for (let c = 0; c < 3; c++) expect(toBigInt(rows, n * 12 + 9 + c)).toBe(c === n % 3 ? 65536n : 0n);
    }
    // Raw means no statistics of anyone's: a test set's training statistics are refused rather than half-applied.
    await expect(shareDataset(data, { datasetId: 'ds-r', fractionalBits: 16, scaling: 'raw', standardization: { mean: [0.5], std: [0.2] } }))
      .rejects.toThrow(/raw pixels is standardised with no statistics/);
  });

  it('refuses a label outside the classes and a standardisation of the wrong channel count', async () => {
    const data = { ...raw(2, 2, 2), labels: [0, 2] };
    await expect(shareDataset(data, { datasetId: 'ds-x', fractionalBits: 16 })).rejects.toThrow(/label 2, outside 0..1/);
    await expect(shareDataset(raw(2, 2, 2), { datasetId: 'ds-x', fractionalBits: 16, standardization: { mean: [0, 0], std: [1, 1] } })).rejects.toThrow(/2 channels/);
  });

  it('shares 10,000 28×28 images in seconds', async () => {
    const data = raw(10000, 28, 10);
    const started = performance.now();
    const { half0, half1 } = await shareDataset(data, { datasetId: 'ds-big', fractionalBits: 16 });
    const seconds = (performance.now() - started) / 1000;
    console.log(`shared 10,000 × 1×28×28 images (2 × ${(half0.length / 2 ** 20).toFixed(1)} MiB) in ${seconds.toFixed(2)} s`);
    expect(half1.length).toBe(half0.length);
    expect(seconds).toBeLessThan(20);
  }, 60000);
});
