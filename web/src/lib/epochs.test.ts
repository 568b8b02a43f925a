import { describe, expect, it } from 'vitest';
import type { JobEpochRow } from '../api/types';
import { epochMetrics } from './epochs';
import { job } from '../test/fixtures';

const row = (epoch: number, step: number, extra: Partial<JobEpochRow> = {}): JobEpochRow =>
  ({ epoch, step, loss: null, accuracy: null, imagesPerSecond: null, durationSeconds: null, checkpoint: false, time: '2026-03-02T09:00:00Z', ...extra });

describe('per-epoch rows', () => {
  it('shows every stored epoch with its steps done, metrics, duration and checkpoint', () => {
    // 3 epochs of 20/3 ≈ 7 steps (totalSteps 20 → 7 per epoch, rounded); stored rows may come in any order.
    const rows = epochMetrics([
      row(2, 9, { imagesPerSecond: 11, accuracy: 0.5, loss: null, durationSeconds: 1.5 }),
      row(1, 7, { loss: 1.9, imagesPerSecond: 12, durationSeconds: 6.25, checkpoint: true }),
    ], job());
    expect(rows).toEqual([
      { epoch: 1, stepsDone: 7, stepsPerEpoch: 7, loss: 1.9, imagesPerSecond: 12, durationSeconds: 6.25, checkpoint: true },
      { epoch: 2, stepsDone: 2, stepsPerEpoch: 7, accuracy: 0.5, imagesPerSecond: 11, durationSeconds: 1.5, checkpoint: false },
    ]);
  });

  it('has no steps per epoch before the job knows its total', () => {
    expect(epochMetrics([row(1, 0)], job({ totalSteps: 0 }))).toEqual([{ epoch: 1, stepsDone: 0, stepsPerEpoch: 0, checkpoint: false }]);
  });
});
