// The owner's side of sharing, in the browser (the CLI's OwnerSharing + DatasetHalfFile.WriteOwnerHalvesAsync):
// standardise each image with the training set's statistics (or, shared raw, only scale it to x/255), encode rows [image | one-hot label] in fixed point
// (SharedDataset.EncodeRows: a label's 1 is 2^f), split each row into party 0's uniformly random mask and party 1's
// secret − mask (mod 2^64), and stream both into share files. Nothing here talks to a server.
import type { StandardizationStats } from '../lib/ownerVault';
import { encodeFixedInto, isLittleEndian, splitInto } from '../lib/ring';
import { cryptoRandom, type RandomSource } from './random';
import { ShareFileWriter, webSha256, type Sha256, type WrittenHalf } from './shareFile';
import { rawStatistics } from '../lib/scaling';
import { fitStandardization, standardizeImage } from './standardization';

/** Labelled raw images: N CHW images of 0..255 values (float32), one label 0..classes−1 each. */
export interface RawDataset {
  pixels: Float32Array;
  labels: ArrayLike<number>;
  count: number;
  channels: number;
  height: number;
  width: number;
  classes: number;
}

export interface ShareOptions {
  datasetId: string;
  fractionalBits: number;
  /** The training set's statistics; omitted for a training set, whose own are fitted. None with `scaling` raw. */
  standardization?: StandardizationStats;
  /**
   * `raw`: every value is x/255 (the identity standardisation, mean 0 and deviation 1 per channel), nothing fitted, for
   * a job with other owners; `own` (the default): standardised with `standardization` or the statistics fitted here.
   */
  scaling?: 'raw' | 'own';
  chunkSize?: number;
  random?: RandomSource;
  sha256?: Sha256;
  /** Rows encoded so far, of `count`. */
  onProgress?: (rows: number, count: number) => void;
  /** The owner's public signing key (SPKI DER): both halves carry it (share file version 2). */
  ownerKey?: Uint8Array;
}

export interface SharedHalves {
  half0: WrittenHalf;
  half1: WrittenHalf;
  /** The statistics the values were standardised with; undefined for a raw dataset (its owner keeps none). */
  standardization: StandardizationStats | undefined;
}

/** About this many ring elements are encoded, masked and written per step (1 MiB of each buffer). */
const BATCH_SCALARS = 1 << 17;

export async function shareDataset(raw: RawDataset, options: ShareOptions): Promise<SharedHalves> {
  if (!isLittleEndian()) throw new Error('Sharing needs a little-endian machine (the share file stores ring elements little-endian).');
  const { count, channels, height, width, classes } = raw;
  const d = channels * height * width;
  const w = d + classes;
  if (count < 1) throw new Error('There are no images to share.');
  if (raw.pixels.length !== count * d) throw new RangeError(`${raw.pixels.length} pixel values are not ${count} images of ${channels}×${height}×${width}.`);
  if (raw.labels.length !== count) throw new RangeError(`${raw.labels.length} labels for ${count} images.`);
  for (let i = 0; i < count; i++) {
    const label = raw.labels[i]!;
    if (!Number.isInteger(label) || label < 0 || label >= classes) throw new RangeError(`Image ${i} has label ${label}, outside 0..${classes - 1}.`);
  }
  const f = options.fractionalBits;
  const shareRaw = options.scaling === 'raw';
  if (shareRaw && options.standardization) throw new Error('A dataset shared with raw pixels is standardised with no statistics.');
  const stats = shareRaw ? rawStatistics(channels) : options.standardization ?? fitStandardization(raw.pixels, count, channels);
  if (stats.mean.length !== channels) throw new Error(`The standardisation has ${stats.mean.length} channels; the images have ${channels}.`);
  const sha256 = options.sha256 ?? webSha256;
  const random = options.random ?? cryptoRandom;
  const header = { datasetId: options.datasetId, fractionalBits: f, channels, height, width, classes, count, chunkSize: options.chunkSize, ownerKey: options.ownerKey };
  const writer0 = new ShareFileWriter({ ...header, partyId: 0 }, sha256);
  const writer1 = new ShareFileWriter({ ...header, partyId: 1 }, sha256);

  const rowsPerBatch = Math.max(1, Math.floor(BATCH_SCALARS / w));
  const secret = new Uint32Array(2 * rowsPerBatch * w);
  const mask = new Uint32Array(secret.length);
  const share1 = new Uint32Array(secret.length);
  const image = new Float32Array(d);
  // The one-hot 1 = 2^f as (low, high) limbs.
  const oneLo = f < 32 ? 2 ** f : 0;
  const oneHi = f < 32 ? 0 : 2 ** (f - 32);
  try {
    for (let start = 0; start < count; start += rowsPerBatch) {
      const rows = Math.min(rowsPerBatch, count - start);
      const limbs = 2 * rows * w;
      secret.fill(0, 0, limbs);
      for (let r = 0; r < rows; r++) {
        const n = start + r;
        image.set(raw.pixels.subarray(n * d, (n + 1) * d));
        standardizeImage(image, stats);
        const base = r * w;
        for (let i = 0; i < d; i++) encodeFixedInto(image[i]!, f, secret, base + i);
        const label = base + d + raw.labels[n]!;
        secret[2 * label] = oneLo;
        secret[2 * label + 1] = oneHi;
      }
      random(mask.subarray(0, limbs));
      splitInto(secret.subarray(0, limbs), mask.subarray(0, limbs), share1.subarray(0, limbs));
      await writer0.write(mask.subarray(0, limbs));
      await writer1.write(share1.subarray(0, limbs));
      options.onProgress?.(start + rows, count);
    }
    return { half0: await writer0.complete(), half1: await writer1.complete(), standardization: shareRaw ? undefined : stats };
  } finally {
    // The encoded rows are the secret itself, and party 1's share with the mask reveals it: wipe both.
    secret.fill(0);
    mask.fill(0);
    share1.fill(0);
    image.fill(0);
  }
}
