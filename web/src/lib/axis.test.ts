import { describe, expect, it } from 'vitest';
import { decimals, fitAxis, formatTick, niceStep, timeLabel, timeTicks } from './axis';

describe('a fitted axis', () => {
  it('spreads a loss falling from 2.31 to 2.09 over the chart instead of starting at 0', () => {
    const axis = fitAxis([2.31, 2.25, 2.2, 2.09])!;
    expect(axis).toMatchObject({ min: 2.05, max: 2.35, step: 0.05 });
    expect(axis.ticks).toEqual([2.05, 2.1, 2.15, 2.2, 2.25, 2.3, 2.35]);
    expect(axis.ticks.map(t => formatTick(t, axis.step))).toEqual(['2.05', '2.10', '2.15', '2.20', '2.25', '2.30', '2.35']);
    // The data fill most of it.
    expect((2.31 - 2.09) / (axis.max - axis.min)).toBeGreaterThan(0.7);
  });

  it('keeps a margin around the data and round ticks, and never goes below 0 for values that do not', () => {
    const axis = fitAxis([2.3, 0.1])!;
    expect(axis).toMatchObject({ min: 0, max: 2.5, step: 0.5 });
    expect(fitAxis([-3, 7])!.min).toBeLessThan(-3);
    const big = fitAxis([1500, 5400])!;
    expect([big.min, big.max, big.step]).toEqual([1000, 6000, 1000]);
    for (const values of [[0.001, 0.0013], [15, 85], [2.31, 2.09], [1e6, 1.2e6]]) {
      const a = fitAxis(values)!;
      expect(a.min).toBeLessThan(Math.min(...values));
      expect(a.max).toBeGreaterThan(Math.max(...values));
      expect(a.ticks.length).toBeGreaterThanOrEqual(3);
      expect(a.ticks.length).toBeLessThanOrEqual(8);
    }
  });

  it('starts a loss axis at 0 when a loss on shares comes out a hair below it', () => {
    const axis = fitAxis([1.1, 0.4, -0.00002], { floor: 0 })!;
    expect(axis.min).toBe(0);
    expect(axis.ticks[0]).toBe(0);
    expect(fitAxis([1.1, 0.4, -0.00002])!.min).toBeLessThan(0);
  });

  it('centres a single value or a flat series, and has nothing to fit without values', () => {
    const flat = fitAxis([2.3, 2.3])!;
    expect(flat.min).toBeLessThan(2.3);
    expect(flat.max).toBeGreaterThan(2.3);
    expect(fitAxis([0])).toMatchObject({ min: 0 });
    expect(fitAxis([])).toBeNull();
    expect(fitAxis([Number.NaN, Number.POSITIVE_INFINITY])).toBeNull();
  });

  it('picks 1, 2, 2.5 or 5 times a power of ten, and as many decimals as the step needs', () => {
    expect([0.044, 0.05, 0.18, 0.21, 3, 7].map(niceStep)).toEqual([0.05, 0.05, 0.2, 0.25, 5, 10]);
    expect([0.05, 2.5, 20, 0.25].map(decimals)).toEqual([2, 1, 0, 2]);
  });
});

describe('time ticks', () => {
  it('fall on round durations from the start', () => {
    expect(timeTicks(50)).toEqual([0, 10, 20, 30, 40, 50]);
    expect(timeTicks(600)).toEqual([0, 120, 240, 360, 480, 600]);
    expect(timeTicks(75).map(timeLabel)).toEqual(['0', '15 s', '30 s', '45 s', '1 min', '1 min 15 s']);
    expect(timeTicks(3 * 3600).map(timeLabel)).toEqual(['0', '1 h', '2 h', '3 h']);
  });
});
