import { describe, expect, it } from 'vitest';
import { addEpochMetrics } from './epochs';
import { job } from '../test/fixtures';

describe('per-epoch metrics', () => {
  it('keeps one row per epoch with its latest values', () => {
    // 3 epochs of 20/3 ≈ 7 steps (totalSteps 20 → 7 per epoch, rounded)
    let rows = addEpochMetrics([], job({ epoch: 0, step: 0 }));
    expect(rows).toEqual([]);
    rows = addEpochMetrics(rows, job({ epoch: 0, step: 3, metrics: { loss: 2.2, imagesPerSecond: 10 } }));
    rows = addEpochMetrics(rows, job({ epoch: 0, step: 7, metrics: { loss: 1.9, imagesPerSecond: 12 } }));
    rows = addEpochMetrics(rows, job({ epoch: 1, step: 9, metrics: { imagesPerSecond: 11, accuracy: 0.5 } }));
    expect(rows).toEqual([
      { epoch: 1, stepsDone: 7, stepsPerEpoch: 7, loss: 1.9, imagesPerSecond: 12 },
      { epoch: 2, stepsDone: 2, stepsPerEpoch: 7, accuracy: 0.5, imagesPerSecond: 11 },
    ]);
  });

  it('keeps its rows when a resumed job re-runs an epoch it showed', () => {
    let rows = addEpochMetrics([], job({ epoch: 0, step: 7, metrics: { imagesPerSecond: 12 } }));
    rows = addEpochMetrics(rows, job({ epoch: 1, step: 10, metrics: { imagesPerSecond: 11 } }));
    const before = rows;
    // The platform keeps its highest step; an older platform or an event out of order must not shrink the table.
    expect(addEpochMetrics(rows, job({ epoch: 1, step: 8, resumedFromEpoch: 1 }))).toBe(before);
    expect(addEpochMetrics(rows, job({ epoch: 0, step: 5, resumedFromEpoch: 0 }))).toBe(before);
    expect(addEpochMetrics(rows, job({ epoch: 1, step: 12, resumedFromEpoch: 1 }))[1]).toEqual({ epoch: 2, stepsDone: 5, stepsPerEpoch: 7 });
  });
});
