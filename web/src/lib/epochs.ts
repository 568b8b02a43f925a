// Per-epoch metrics from the job updates this page sees: for each epoch the latest disclosed loss, accuracy (when the
// platform reports one) and throughput. The parties report progress at least at each epoch's last step, so an epoch's
// row ends with the value at its end.
import type { Job } from '../api/types';

export interface EpochMetrics {
  /** 1-based, as shown. */
  epoch: number;
  /** Steps of this epoch done (of stepsPerEpoch). */
  stepsDone: number;
  stepsPerEpoch: number;
  loss?: number;
  accuracy?: number;
  imagesPerSecond?: number;
}

function finite(v: number | undefined): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/**
 * Adds the job's current metrics to the per-epoch rows (one row per epoch, updated in place by a copy). Rows never go
 * backwards: an update behind the newest row (a resumed job re-running an earlier epoch) leaves the rows as they are.
 */
export function addEpochMetrics(rows: EpochMetrics[], job: Job): EpochMetrics[] {
  if (job.totalSteps <= 0 || job.training.epochs <= 0 || job.step <= 0) return rows;
  const stepsPerEpoch = Math.max(1, Math.round(job.totalSteps / job.training.epochs));
  const epoch = job.epoch + 1;
  const stepsDone = Math.min(stepsPerEpoch, Math.max(0, job.step - job.epoch * stepsPerEpoch));
  const newest = rows[rows.length - 1];
  if (newest && (epoch < newest.epoch || (epoch === newest.epoch && stepsDone < newest.stepsDone))) return rows;
  const row: EpochMetrics = { epoch, stepsDone, stepsPerEpoch };
  const loss = finite(job.metrics?.loss), accuracy = finite(job.metrics?.accuracy), ips = finite(job.metrics?.imagesPerSecond);
  if (loss !== undefined) row.loss = loss;
  if (accuracy !== undefined) row.accuracy = accuracy;
  if (ips !== undefined) row.imagesPerSecond = ips;
  const next = rows.filter(r => r.epoch !== epoch);
  next.push(row);
  return next.sort((a, b) => a.epoch - b.epoch);
}
