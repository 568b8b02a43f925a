// The training chart's data: the job's progress as the platform stored it (GET /api/jobs/{id}/progress), loaded when
// the page opens and topped up from the same store whenever the event stream says the job moved. A reopened job,
// running or finished, draws the same history it drew live; times are the platform's, measured from the job's start.
import type { Job, JobEpochRow, JobProgressHistory, JobProgressPoint } from '../api/types';

/** One point as the chart draws it. */
export interface ProgressPoint {
  /** Seconds since the job started (by the platform's clock). */
  t: number;
  /** Steps done over total, in [0, 1]. */
  fraction: number;
  /** The revealed training loss, when the job reveals it. */
  loss?: number;
}

/** The slot of a step: the platform keeps one point per slot of `stride` steps (slot 1 also holds step 0). */
export function slotOf(step: number, stride: number): number {
  return Math.max(1, Math.ceil(step / Math.max(1, stride)));
}

/**
 * Adds a page of points (oldest first) to those held, by the platform's own rule: each point replaces every held point
 * in its slot or later. A resumed attempt's re-run steps thus replace the interrupted run's, and the points held are
 * always exactly what a fresh load would return. Held points are in step order, so a replacement only ever cuts the
 * tail: linear in the points, for a first load of 10,000 too.
 */
export function mergePoints(held: readonly JobProgressPoint[], page: readonly JobProgressPoint[], stride: number): JobProgressPoint[] {
  const next = [...held];
  const lastId = next.length ? next[next.length - 1]!.id : 0;
  for (const point of page) {
    if (point.id <= lastId) continue; // already held (a page that overlaps the previous one)
    const slot = slotOf(point.step, stride);
    while (next.length && slotOf(next[next.length - 1]!.step, stride) >= slot) next.pop();
    next.push(point);
  }
  return next;
}

/** The stored points as chart points: seconds since the job's start, the fraction of its steps, the loss if revealed. */
export function chartPoints(points: readonly JobProgressPoint[], job: Pick<Job, 'startedAt' | 'totalSteps'>): ProgressPoint[] {
  const first = points[0];
  const origin = job.startedAt ? Date.parse(job.startedAt) : first ? Date.parse(first.time) : 0;
  return points.map(p => {
    const point: ProgressPoint = {
      t: Math.max(0, (Date.parse(p.time) - origin) / 1000),
      fraction: job.totalSteps > 0 ? Math.min(1, Math.max(0, p.step / job.totalSteps)) : 0,
    };
    if (typeof p.loss === 'number' && Number.isFinite(p.loss)) point.loss = p.loss;
    return point;
  });
}

/**
 * Seconds since the job started: until it finished, or until now by the platform's clock (the browser's `now` plus
 * `clockOffset`, the platform's clock minus the browser's). Null before it started. Not the time this page was opened.
 */
export function elapsedSeconds(job: Pick<Job, 'startedAt' | 'finishedAt'>, now: number, clockOffset = 0): number | null {
  if (!job.startedAt) return null;
  const end = job.finishedAt ? Date.parse(job.finishedAt) : now + clockOffset;
  return Math.max(0, (end - Date.parse(job.startedAt)) / 1000);
}

/** "45 s", "3 min 07 s", "2 h 05 min". */
export function formatElapsed(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  const s = Math.floor(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** An epoch's duration: "1.6 s" under 10 s, else as `formatElapsed`. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  return seconds < 10 ? `${Math.round(seconds * 10) / 10} s` : formatElapsed(seconds);
}

/** What the page holds of a job's stored progress. */
export interface ProgressHistory {
  points: JobProgressPoint[];
  epochs: JobEpochRow[];
  stride: number;
  /** The platform's clock minus this browser's, in ms, from the latest answer. */
  clockOffset: number;
  /** True once the first answer arrived. */
  loaded: boolean;
}

export const EMPTY_HISTORY: ProgressHistory = { points: [], epochs: [], stride: 1, clockOffset: 0, loaded: false };

/**
 * Keeps a page's copy of a job's stored progress up to date: `refresh()` fetches the points after the newest one held
 * and merges them. A refresh asked for while one runs makes exactly one more after it, so a report stored during a
 * fetch is never missed and none is fetched twice; the page calls it once on opening and at every job event.
 */
export class ProgressHistoryLoader {
  private history: ProgressHistory = EMPTY_HISTORY;
  private running = false;
  private again = false;
  private stopped = false;

  constructor(
    private readonly fetchPage: (after: number) => Promise<JobProgressHistory>,
    private readonly onChange: (history: ProgressHistory) => void,
    private readonly now: () => number = Date.now,
  ) {}

  get current(): ProgressHistory {
    return this.history;
  }

  async refresh(): Promise<void> {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    try {
      do {
        this.again = false;
        const held = this.history.points;
        const page = await this.fetchPage(held.length ? held[held.length - 1]!.id : 0);
        if (this.stopped) return;
        if (held.length && page.stride !== this.history.stride) {
          // Slots of another width (the job's total changed): start over rather than merge by two rules.
          this.history = { ...EMPTY_HISTORY, stride: page.stride };
          this.again = true;
          continue;
        }
        this.history = {
          points: mergePoints(held, page.points, page.stride),
          epochs: page.epochs,
          stride: page.stride,
          clockOffset: Date.parse(page.now) - this.now(),
          loaded: true,
        };
        this.onChange(this.history);
      } while (this.again && !this.stopped);
    } finally {
      this.running = false;
    }
  }

  /** No more fetches or callbacks (the page closed or moved to another job). */
  stop(): void {
    this.stopped = true;
  }
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
