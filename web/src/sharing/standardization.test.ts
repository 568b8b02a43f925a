import { describe, expect, it } from 'vitest';
import { fitStandardization, standardizeImage } from './standardization';

describe('standardisation (Standardization.Fit / ApplyCore)', () => {
  it('fits per-channel mean and population std of x/255 over all images', () => {
    // Two images of 2 channels × 2 pixels: channel 0 = {0, 255, 255, 0}, channel 1 = {51, 51, 102, 102}.
    const pixels = Float32Array.from([0, 255, 51, 51, 255, 0, 102, 102]);
    const stats = fitStandardization(pixels, 2, 2);
    expect(stats.mean[0]).toBe(0.5);
    expect(stats.std[0]).toBe(0.5);
    expect(stats.mean[1]).toBeCloseTo(0.3, 15); // (0.2 + 0.4) / 2
    expect(stats.std[1]).toBeCloseTo(0.1, 15);
  });

  it('applies (x/255 − mean)/std rounded to float32, in place', () => {
    const image = Float32Array.from([0, 255, 51, 102]);
    standardizeImage(image, { mean: [0.5, 0.3], std: [0.5, 0.1] });
    expect(Array.from(image)).toEqual([-1, 1, Math.fround((51 / 255 - 0.3) / 0.1), Math.fround((102 / 255 - 0.3) / 0.1)]);
    expect(image[2]).toBeCloseTo(-1, 6);
  });

  it('refuses a constant channel and an empty set', () => {
    expect(() => fitStandardization(Float32Array.from([7, 7, 7, 7]), 2, 1)).toThrow(/constant/);
    expect(() => fitStandardization(new Float32Array(0), 0, 1)).toThrow(/empty/);
  });
});
