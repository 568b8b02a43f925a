// Reading a job's cost estimate (POST /api/projects/{id}/jobs/estimate, Contracts JobEstimate, made by the dealer's JobCostEstimator) for people:
// the time measured on one secure step at the platform (both parties and the dealer on its cores, no network) times
// the steps, what the network's round trips add, the bytes the two servers exchange, and the dealer's traffic.
import type { JobEstimate } from '../api/types';
import { formatWait } from './format';

/** "512 B", "3.4 KB", "1.2 GB" (decimal units). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value >= 100 ? Math.round(value) : Number(value.toPrecision(3))} ${units[unit]}`;
}

export interface EstimateSummary {
  /** Steps × the measured step time: training time if the network added nothing. */
  computeSeconds: number;
  /** The same plus one round trip of `rttMs` per online round. */
  withNetworkSeconds: number;
  rttMs: number;
  /** Online rounds between the servers over the whole job. */
  peerRounds: number;
  /** Bytes each server sends the other over the whole job. */
  peerBytesPerParty: number;
  /** Dealer traffic to each party over the whole job. */
  dealerBytes: [number, number];
  steps: number;
}

export function summarizeEstimate(e: JobEstimate, rttMs = 1): EstimateSummary {
  const peerRounds = e.peerRoundsPerStep * e.steps;
  const computeSeconds = e.estimatedSeconds ?? e.steps * e.secondsPerStepMeasured;
  return {
    computeSeconds,
    withNetworkSeconds: computeSeconds + (peerRounds * rttMs) / 1000,
    rttMs,
    peerRounds,
    peerBytesPerParty: e.peerBytesPerStepPerParty * e.steps,
    dealerBytes: [e.totalBytesToParty0, e.totalBytesToParty1],
    steps: e.steps,
  };
}

/** A duration in words; under a second as "under 1 s". */
export function formatDuration(seconds: number): string {
  return seconds < 1 ? 'under 1 s' : formatWait(seconds);
}
