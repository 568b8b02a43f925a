import { describe, expect, it } from 'vitest';
import { axisWeights, resizeRgba } from './resample';

function rgba(values: number[][]): Uint8Array {
  return Uint8Array.from(values.flatMap(([r, g, b]) => [r!, g!, b!, 255]));
}

describe('resampling (Resampler)', () => {
  it('averages areas when shrinking and keeps a gray pixel\'s value as its luma', () => {
    const out = new Float32Array(1);
    resizeRgba(rgba([[10, 10, 10], [20, 20, 20], [30, 30, 30], [40, 40, 40]]), 2, 2, 1, 1, 1, out);
    expect(out[0]).toBe(25);
    resizeRgba(rgba([[255, 0, 0]]), 1, 1, 1, 1, 1, out);
    expect(out[0]).toBe(Math.fround(0.299 * 255));
  });

  it('interpolates bilinearly with half-pixel centres when enlarging, edges replicated', () => {
    expect(axisWeights(2, 4).map(t => [t.start, t.weights])).toEqual([[0, [1]], [0, [0.75, 0.25]], [0, [0.25, 0.75]], [1, [1]]]);
    const out = new Float32Array(3 * 1 * 4);
    resizeRgba(rgba([[0, 100, 200], [40, 100, 0]]), 1, 2, 3, 1, 4, out);
    expect(Array.from(out)).toEqual([0, 10, 30, 40, 100, 100, 100, 100, 200, 150, 50, 0]);
  });

  it('splits a source pixel between two destinations by overlap', () => {
    expect(axisWeights(3, 2).map(t => [t.start, t.weights.map(w => Number(w.toFixed(12)))])).toEqual([[0, [0.666666666667, 0.333333333333]], [1, [0.333333333333, 0.666666666667]]]);
  });
});
