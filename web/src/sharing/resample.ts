// A port of Imguard.Learning.Data.Resampler, so an image decoded in the browser becomes the same CHW floats the CLI's
// ImageFolderReader makes: channels 1 = BT.601 luma 0.299 R + 0.587 G + 0.114 B (a gray pixel, R = G = B, stays its
// value, as stb's one-component decode gives it), 3 = RGB, alpha dropped; area averaging along an axis that shrinks,
// bilinear with half-pixel centres along an axis that grows, identity along one that keeps its size; arithmetic in
// double, each output rounded to float32.

export const LUMA_R = 0.299;
export const LUMA_G = 0.587;
export const LUMA_B = 0.114;

interface Taps { start: number; weights: number[] }

/** For each destination index, the first source index and the weights of the consecutive sources from there. */
export function axisWeights(source: number, destination: number): Taps[] {
  const taps: Taps[] = [];
  for (let i = 0; i < destination; i++) {
    taps.push(source === destination ? { start: i, weights: [1] }
      : destination < source ? areaTaps(source, destination, i)
      : bilinearTaps(source, destination, i));
  }
  return taps;
}

// Destination pixel i covers the source interval [i·s/d, (i+1)·s/d); each source pixel weighs its overlap with it.
function areaTaps(source: number, destination: number, i: number): Taps {
  const lo = (i * source) / destination;
  const hi = ((i + 1) * source) / destination;
  const first = Math.floor(lo);
  const last = Math.min(source - 1, Math.ceil(hi) - 1);
  const weights: number[] = [];
  let total = 0;
  for (let x = first; x <= last; x++) {
    const w = Math.max(0, Math.min(hi, x + 1) - Math.max(lo, x));
    weights.push(w);
    total += w;
  }
  return { start: first, weights: weights.map(w => w / total) };
}

// Source coordinate of destination centre i: (i + 0.5)·s/d − 0.5, clamped to the image (edges replicate).
function bilinearTaps(source: number, destination: number, i: number): Taps {
  let x = ((i + 0.5) * source) / destination - 0.5;
  x = Math.min(Math.max(x, 0), source - 1);
  const x0 = Math.floor(x);
  const f = x - x0;
  if (x0 >= source - 1 || f === 0) return { start: x0, weights: [1] };
  return { start: x0, weights: [1 - f, f] };
}

/**
 * Converts `rgba` (sourceHeight×sourceWidth pixels, 4 interleaved bytes each, as ImageData holds them) to `channels`
 * planes of height×width, values 0..255, into `destination` (channels·height·width floats).
 */
export function resizeRgba(
  rgba: Uint8Array | Uint8ClampedArray, sourceHeight: number, sourceWidth: number,
  channels: 1 | 3, height: number, width: number, destination: Float32Array,
): void {
  if (rgba.length < sourceHeight * sourceWidth * 4) throw new RangeError('The pixel buffer is shorter than the image.');
  if (destination.length !== channels * height * width) throw new RangeError('The destination does not hold the output image.');
  const rows = axisWeights(sourceHeight, height);
  const columns = axisWeights(sourceWidth, width);
  const line = new Float64Array(sourceWidth);
  const accumulated = new Float64Array(sourceWidth);
  for (let c = 0; c < channels; c++) {
    const plane = c * height * width;
    for (let yd = 0; yd < height; yd++) {
      accumulated.fill(0);
      const { start: y0, weights: wy } = rows[yd]!;
      for (let t = 0; t < wy.length; t++) {
        convertRow(rgba, sourceWidth, y0 + t, channels, c, line);
        const weight = wy[t]!;
        for (let x = 0; x < sourceWidth; x++) accumulated[x]! += weight * line[x]!;
      }
      for (let xd = 0; xd < width; xd++) {
        const { start: x0, weights: wx } = columns[xd]!;
        let sum = 0;
        for (let t = 0; t < wx.length; t++) sum += wx[t]! * accumulated[x0 + t]!;
        destination[plane + yd * width + xd] = Math.fround(sum);
      }
    }
  }
}

function convertRow(rgba: Uint8Array | Uint8ClampedArray, sourceWidth: number, y: number, channels: number, channel: number, line: Float64Array): void {
  const row = y * sourceWidth * 4;
  for (let x = 0; x < sourceWidth; x++) {
    const p = row + x * 4;
    const r = rgba[p]!, g = rgba[p + 1]!, b = rgba[p + 2]!;
    if (channels === 3) line[x] = rgba[p + channel]!;
    else line[x] = r === g && g === b ? r : LUMA_R * r + LUMA_G * g + LUMA_B * b;
  }
}
