// Per-channel standardisation, as Imguard.Learning.Data.Standardization does it: x ↦ (x/255 − mean[c]) / std[c], with
// mean and std the per-channel mean and population standard deviation of x/255 over a training set (two passes, in
// double), each result rounded to float32. Pixels are CHW images of raw 0..255 values held as float32, N after N.
import type { StandardizationStats } from '../lib/ownerVault';

/** Fits mean and std per channel over `count` images of `channels` planes each (Standardization.Fit). */
export function fitStandardization(pixels: Float32Array, count: number, channels: number): StandardizationStats {
  if (count <= 0) throw new Error('Cannot fit a standardisation on an empty dataset.');
  const size = pixels.length / count;
  if (!Number.isInteger(size) || size % channels !== 0) {
    throw new RangeError(`${pixels.length} values are not ${count} images of ${channels} equal channel planes.`);
  }
  const plane = size / channels;
  const perChannel = count * plane;
  const mean: number[] = [];
  const std: number[] = [];
  for (let c = 0; c < channels; c++) {
    let sum = 0;
    for (let n = 0; n < count; n++) {
      const start = (n * channels + c) * plane;
      for (let i = start; i < start + plane; i++) sum += pixels[i]!;
    }
    const m = sum / 255.0 / perChannel;
    let squares = 0;
    for (let n = 0; n < count; n++) {
      const start = (n * channels + c) * plane;
      for (let i = start; i < start + plane; i++) {
        const d = pixels[i]! / 255.0 - m;
        squares += d * d;
      }
    }
    if (!(squares > 0)) throw new Error(`Channel ${c} is constant over the whole set; it cannot be standardised.`);
    mean.push(m);
    std.push(Math.sqrt(squares / perChannel));
  }
  return { mean, std };
}

/** Standardises one CHW image in place (Standardization.ApplyCore): each value becomes float32((x/255 − m) / s). */
export function standardizeImage(image: Float32Array, stats: StandardizationStats): void {
  const channels = stats.mean.length;
  if (image.length === 0 || image.length % channels !== 0) {
    throw new RangeError(`An image of ${image.length} values cannot be split into ${channels} equal channel planes.`);
  }
  const plane = image.length / channels;
  for (let c = 0; c < channels; c++) {
    const m = stats.mean[c]!;
    const s = stats.std[c]!;
    for (let i = c * plane; i < (c + 1) * plane; i++) image[i] = Math.fround((image[i]! / 255.0 - m) / s);
  }
}
