// A chart axis fitted to its data: from a little below the smallest value to a little above the largest, with ticks
// at round numbers (1, 2, 2.5 or 5 times a power of ten). A training loss falling from 2.31 to 2.09 then fills the
// chart (2.05 to 2.35) instead of being a flat line near the top of an axis from 0.

export interface Axis {
  min: number;
  max: number;
  /** Tick values from min to max, `step` apart. */
  ticks: number[];
  step: number;
}

/** The smallest of 1, 2, 2.5, 5 × 10^k that is at least `rough`. */
export function niceStep(rough: number): number {
  if (!(rough > 0) || !Number.isFinite(rough)) return 1;
  const power = 10 ** Math.floor(Math.log10(rough));
  for (const factor of [1, 2, 2.5, 5, 10]) {
    if (factor * power >= rough * (1 - 1e-9)) return factor * power;
  }
  return 10 * power;
}

export interface AxisOptions {
  /** About this many intervals (default 5). */
  intervals?: number;
  /** Room on each side, as a fraction of the data's span (default 0.05). */
  margin?: number;
  /** The axis never starts below this (a loss is never negative, but a loss computed on shares can be a hair below 0). */
  floor?: number;
}

/**
 * An axis over `values` (non-finite ones ignored) with about `intervals` intervals and a margin of `margin` times the
 * data's span on each side. A single value (or all equal) gets a span of 10 % of its size around it. The axis does not
 * go below 0 when no value does, nor below `floor`. Null when there is no finite value.
 */
export function fitAxis(values: readonly number[], { intervals = 5, margin = 0.05, floor }: AxisOptions = {}): Axis | null {
  const finite = values.filter(v => Number.isFinite(v));
  if (finite.length === 0) return null;
  const low = Math.min(...finite);
  const high = Math.max(...finite);
  const span = high > low ? high - low : Math.abs(high) * 0.1 || 1;
  const step = niceStep((span * (1 + 2 * margin)) / intervals);
  let min = Math.floor((low - span * margin) / step) * step;
  const max = Math.ceil((high + span * margin) / step) * step;
  if (low >= 0 && min < 0) min = 0;
  if (floor !== undefined && min < floor) min = Math.min(floor, max - step);
  const ticks: number[] = [];
  const digits = decimals(step);
  for (let i = 0; min + i * step <= max + step * 1e-9; i++) ticks.push(round(min + i * step, digits));
  return { min: round(min, digits), max: round(max, digits), ticks, step };
}

/** The decimals a tick label needs for ticks `step` apart (0.05 → 2, 2.5 → 1, 20 → 0). */
export function decimals(step: number): number {
  for (let d = 0; d < 12; d++) {
    if (Math.abs(Math.round(step * 10 ** d) - step * 10 ** d) < 1e-6) return d;
  }
  return 12;
}

/** A tick label with exactly the decimals its axis needs ("2.10", not "2.1", next to "2.05"). */
export function formatTick(value: number, step: number): string {
  return value.toFixed(decimals(step));
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

// Time ticks at round durations: 1 s … 30 s, 1 min … 30 min, 1 h, 2 h, 6 h, 12 h, 1 day.
const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400];

/** Time ticks (seconds) from 0 to `max`, a round duration apart, at most five intervals. */
export function timeTicks(max: number): number[] {
  const step = TIME_STEPS.find(s => s * 5 >= max) ?? Math.ceil(max / 5 / 86400) * 86400;
  const ticks: number[] = [];
  for (let t = 0; t <= max + 1e-9; t += step) ticks.push(t);
  return ticks;
}

/** A time tick's label: "0", "45 s", "1 min 15 s", "2 h", "1 h 30 min". */
export function timeLabel(seconds: number): string {
  const s = Math.round(seconds);
  if (s === 0) return '0';
  if (s < 60) return `${s} s`;
  if (s < 3600) return s % 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s / 60} min`;
  const minutes = Math.floor((s % 3600) / 60);
  return minutes ? `${Math.floor(s / 3600)} h ${minutes} min` : `${Math.floor(s / 3600)} h`;
}
