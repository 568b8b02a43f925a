import { describe, expect, it } from 'vitest';
import type { JobProgressHistory, JobProgressPoint } from '../api/types';
import {
  chartPoints, elapsedSeconds, formatDuration, formatElapsed, mergePoints, polyline, ProgressHistoryLoader, slotOf, type ProgressHistory,
} from './progress';
import { parseJobEvent } from './jobEvents';
import { job } from '../test/fixtures';

const START = Date.parse('2026-03-02T09:00:00Z');
const at = (seconds: number) => new Date(START + seconds * 1000).toISOString();
const point = (id: number, step: number, loss?: number): JobProgressPoint =>
  ({ id, step, epoch: Math.floor((step - 1) / 10), loss: loss ?? null, imagesPerSecond: 10, time: at(id) });

describe('merging stored points', () => {
  it('appends new points and ignores those already held', () => {
    const held = mergePoints([], [point(1, 1), point(2, 2)], 1);
    expect(mergePoints(held, [point(2, 2), point(3, 3)], 1).map(p => p.step)).toEqual([1, 2, 3]);
  });

  it('lets a resumed run replace the steps it runs again, as the platform does', () => {
    // Steps 1-5, then a resumed attempt goes back to step 3 and goes on.
    const held = mergePoints([], [1, 2, 3, 4, 5].map(s => point(s, s)), 1);
    const merged = mergePoints(held, [point(6, 3, 1.5), point(7, 4, 1.4)], 1);
    expect(merged.map(p => [p.id, p.step])).toEqual([[1, 1], [2, 2], [6, 3], [7, 4]]);
    expect(held).toHaveLength(5); // not changed in place
  });

  it('keeps one point per slot of a thinned job', () => {
    expect([0, 1, 3, 4, 6, 7].map(s => slotOf(s, 3))).toEqual([1, 1, 1, 2, 2, 3]);
    const merged = mergePoints([], [point(1, 1), point(2, 2), point(3, 4), point(4, 6), point(5, 7)], 3);
    expect(merged.map(p => p.step)).toEqual([2, 6, 7]);
  });

  it('merges 10,000 points at once in linear time', () => {
    const page = Array.from({ length: 10_000 }, (_, i) => point(i + 1, i + 1));
    const began = performance.now();
    expect(mergePoints([], page, 1)).toHaveLength(10_000);
    expect(performance.now() - began).toBeLessThan(500);
  });
});

describe('chart points', () => {
  it('measures time from the job start by the platform clock, not from when the page opened', () => {
    const running = job({ startedAt: at(0), totalSteps: 20 });
    expect(chartPoints([point(30, 5, 2.31), point(60, 10)], running)).toEqual([
      { t: 30, fraction: 0.25, loss: 2.31 },
      { t: 60, fraction: 0.5 },
    ]);
  });

  it('gives the elapsed time of a running job from its start, and of a finished one until its end', () => {
    const clientNow = START + 100_000;
    expect(elapsedSeconds(job({ startedAt: at(0) }), clientNow)).toBe(100);
    // The browser's clock runs 5 s behind the platform's.
    expect(elapsedSeconds(job({ startedAt: at(0) }), clientNow, 5000)).toBe(105);
    expect(elapsedSeconds(job({ startedAt: at(0), finishedAt: at(42) }), clientNow, 5000)).toBe(42);
    expect(elapsedSeconds(job({ startedAt: null }), clientNow)).toBeNull();
    expect([formatElapsed(42.7), formatElapsed(187), formatElapsed(7500), formatElapsed(null)]).toEqual(['42 s', '3 min 07 s', '2 h 05 min', '—']);
    expect([formatDuration(1.64), formatDuration(75), formatDuration(undefined)]).toEqual(['1.6 s', '1 min 15 s', '—']);
  });

  it('maps values into the box with y downwards', () => {
    expect(polyline([{ x: 0, y: 0 }, { x: 10, y: 1 }], 100, 50, 10, 0, 1)).toBe('0,50 100,0');
    expect(polyline([{ x: 0, y: 2 }], 100, 50, 0, 2, 2)).toBe('0,50');
  });
});

/** A stand-in for the platform's store: the rows it holds after each report, written out by hand. */
class Store {
  rows: JobProgressPoint[] = [];
  fetches: number[] = [];
  page = async (after: number): Promise<JobProgressHistory> => {
    this.fetches.push(after);
    await Promise.resolve();
    return { jobId: 'job-1', stride: 1, now: at(500), points: this.rows.filter(p => p.id > after), epochs: [] };
  };
}

describe('the page history', () => {
  it('is, after a live session that saw a resume, exactly what a reload of the finished job draws', async () => {
    const store = new Store();
    const seen: ProgressHistory[] = [];
    const live = new ProgressHistoryLoader(store.page, h => seen.push(h), () => START + 400_000);
    await live.refresh();
    store.rows = [point(1, 1, 2.31), point(2, 2, 2.3), point(3, 3, 2.28)];
    await live.refresh();
    store.rows = [point(1, 1, 2.31), point(2, 2, 2.3), point(3, 3, 2.28), point(4, 4, 2.25), point(5, 5, 2.2)];
    // Two events arrive while a fetch runs: one more fetch follows, not two, and it starts after the newest point held.
    const first = live.refresh();
    void live.refresh();
    void live.refresh();
    await first;
    expect(live.current.points.map(p => p.step)).toEqual([1, 2, 3, 4, 5]);
    // The job was interrupted after step 5 and a resumed attempt re-runs from step 4: the platform's point 6 replaced 4 and 5.
    store.rows = [point(1, 1, 2.31), point(2, 2, 2.3), point(3, 3, 2.28), point(6, 4, 2.26)];
    await live.refresh();
    expect(live.current.points.map(p => p.id)).toEqual([1, 2, 3, 6]);
    store.rows = [point(1, 1, 2.31), point(2, 2, 2.3), point(3, 3, 2.28), point(6, 4, 2.26), point(7, 5, 2.21), point(8, 6, 2.09)];
    await live.refresh();
    expect(store.fetches).toEqual([0, 0, 3, 5, 5, 6]);

    const reloaded = new ProgressHistoryLoader(store.page, () => undefined);
    await reloaded.refresh();
    const finished = job({ state: 'Succeeded', startedAt: at(0), finishedAt: at(9), totalSteps: 6 });
    expect(live.current.points.map(p => p.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(chartPoints(live.current.points, finished)).toEqual(chartPoints(reloaded.current.points, finished));
    expect(live.current.clockOffset).toBe(100_000);
    expect(seen.at(-1)).toBe(live.current);
  });

  it('stops calling back once the page has gone', async () => {
    const store = new Store();
    store.rows = [point(1, 1)];
    let calls = 0;
    const loader = new ProgressHistoryLoader(store.page, () => { calls++; });
    const pending = loader.refresh();
    loader.stop();
    await pending;
    await loader.refresh();
    expect(calls).toBe(0);
  });
});

describe('job events', () => {
  it('parses a job and refuses anything else', () => {
    expect(parseJobEvent(JSON.stringify(job()))?.id).toBe('job-1');
    expect(parseJobEvent('{"hello":1}')).toBeNull();
    expect(parseJobEvent('not json')).toBeNull();
  });
});
