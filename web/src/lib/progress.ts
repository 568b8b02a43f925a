// The training chart's data: one point per job update from the event stream.
import type { Job } from '../api/types';
import { jobFraction } from './format';

export interface ProgressPoint {
  /** Seconds since the first point. */
  t: number;
  /** Steps done over total, in [0, 1]. */
  fraction: number;
  /** The revealed training loss, when the job reveals it. */
  loss?: number;
}

/**
 * Adds the job's state at `time` (ms) to the series; keeps one point per distinct step and at most `max` points.
 * Progress never goes backwards: a job resumed from an earlier checkpoint re-runs steps already shown (the platform
 * keeps its highest step and says "resumed from epoch N"); a point behind the last one is not added.
 */
export function addPoint(series: ProgressPoint[], job: Job, time: number, start: number, max = 500): ProgressPoint[] {
  const point: ProgressPoint = { t: Math.max(0, (time - start) / 1000), fraction: jobFraction(job) };
  if (typeof job.metrics?.loss === 'number' && Number.isFinite(job.metrics.loss)) point.loss = job.metrics.loss;
  const last = series[series.length - 1];
  if (last && last.fraction === point.fraction && last.loss === point.loss) return series;
  if (last && point.fraction < last.fraction) return series;
  const next = [...series, point];
  return next.length > max ? next.slice(next.length - max) : next;
}

/** An SVG polyline `points` attribute for values mapped into a width × height box (y grows downwards). */
export function polyline(
  points: { x: number; y: number }[], width: number, height: number,
  xMax: number, yMin: number, yMax: number,
): string {
  const xs = xMax > 0 ? xMax : 1;
  const span = yMax - yMin || 1;
  return points
    .map(p => `${round((p.x / xs) * width)},${round(height - ((p.y - yMin) / span) * height)}`)
    .join(' ');
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
