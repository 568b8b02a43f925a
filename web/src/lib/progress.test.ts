import { describe, expect, it } from 'vitest';
import { addPoint, polyline } from './progress';
import { parseJobEvent } from './jobEvents';
import { job } from '../test/fixtures';

describe('progress series', () => {
  it('adds a point per change and skips repeats', () => {
    let s = addPoint([], job({ step: 0 }), 1000, 1000);
    s = addPoint(s, job({ step: 0 }), 2000, 1000);
    s = addPoint(s, job({ step: 10, metrics: { loss: 1.5 } }), 3000, 1000);
    expect(s).toEqual([{ t: 0, fraction: 0 }, { t: 2, fraction: 0.5, loss: 1.5 }]);
  });
  it('never goes backwards when a resumed job re-runs steps it showed', () => {
    let s = addPoint([], job({ step: 12 }), 1000, 1000);
    s = addPoint(s, job({ step: 8, resumedFromEpoch: 1 }), 2000, 1000);
    expect(s).toEqual([{ t: 0, fraction: 0.6 }]);
    s = addPoint(s, job({ step: 13, resumedFromEpoch: 1 }), 3000, 1000);
    expect(s.map(p => p.fraction)).toEqual([0.6, 0.65]);
  });
  it('keeps at most max points', () => {
    let s: ReturnType<typeof addPoint> = [];
    for (let i = 0; i <= 20; i++) s = addPoint(s, job({ step: i }), i * 1000, 0, 5);
    expect(s).toHaveLength(5);
    expect(s[4]!.fraction).toBe(1);
  });
  it('maps values into the box with y downwards', () => {
    expect(polyline([{ x: 0, y: 0 }, { x: 10, y: 1 }], 100, 50, 10, 0, 1)).toBe('0,50 100,0');
    expect(polyline([{ x: 0, y: 2 }], 100, 50, 0, 2, 2)).toBe('0,50');
  });
});

describe('job events', () => {
  it('parses a job and refuses anything else', () => {
    expect(parseJobEvent(JSON.stringify(job()))?.id).toBe('job-1');
    expect(parseJobEvent('{"hello":1}')).toBeNull();
    expect(parseJobEvent('not json')).toBeNull();
  });
});
