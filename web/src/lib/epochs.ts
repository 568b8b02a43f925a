// Per-epoch rows as the platform stored them (GET /api/jobs/{id}/progress): for each epoch that ran, the latest report
// within it — at its end, once it ended: the disclosed loss, the accuracy when a party reports one, throughput, the
// party's time in the epoch and whether its checkpoint was written. A resumed attempt's re-run epochs replace the
// interrupted run's rows at the platform.
import type { Job, JobEpochRow } from '../api/types';

export interface EpochMetrics {
  /** 1-based, as shown. */
  epoch: number;
  /** Steps of this epoch done (of stepsPerEpoch). */
  stepsDone: number;
  stepsPerEpoch: number;
  loss?: number;
  accuracy?: number;
  imagesPerSecond?: number;
  durationSeconds?: number;
  checkpoint: boolean;
}

function finite(v: number | null | undefined): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** The stored epoch rows with each epoch's steps done, in epoch order. */
export function epochMetrics(rows: readonly JobEpochRow[], job: Pick<Job, 'totalSteps' | 'training'>): EpochMetrics[] {
  const stepsPerEpoch = job.totalSteps > 0 && job.training.epochs > 0 ? Math.max(1, Math.round(job.totalSteps / job.training.epochs)) : 0;
  return [...rows]
    .sort((a, b) => a.epoch - b.epoch)
    .map(r => {
      const row: EpochMetrics = {
        epoch: r.epoch,
        stepsDone: Math.min(stepsPerEpoch, Math.max(0, r.step - (r.epoch - 1) * stepsPerEpoch)),
        stepsPerEpoch,
        checkpoint: r.checkpoint,
      };
      const loss = finite(r.loss), accuracy = finite(r.accuracy), ips = finite(r.imagesPerSecond), duration = finite(r.durationSeconds);
      if (loss !== undefined) row.loss = loss;
      if (accuracy !== undefined) row.accuracy = accuracy;
      if (ips !== undefined) row.imagesPerSecond = ips;
      if (duration !== undefined) row.durationSeconds = duration;
      return row;
    });
}
