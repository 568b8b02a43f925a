import { describe, expect, it } from 'vitest';
import type { JobEstimate } from '../api/types';
import { formatBytes, formatDuration, summarizeEstimate } from './estimate';

const estimate: JobEstimate = {
  epochs: 2, stepsPerEpoch: 10, steps: 20, itemsPerStep: 40, wordsPerStepToParty0: 100, wordsPerStepToParty1: 1000,
  hidingWordsPerStepToParty1: 50, peerRoundsPerStep: 30, peerBytesPerStepPerParty: 250_000, initialParameterWords: 1000,
  epochPublicBytes: 64, testEncodingWordsToParty1: 0, totalBytesToParty0: 30_000, totalBytesToParty1: 2_500_000, secondsPerStepMeasured: 0.5,
  estimatedSeconds: 10,
};

describe('job estimate', () => {
  it('adds the round trips to the measured time and totals the traffic', () => {
    const s = summarizeEstimate(estimate, 2);
    expect(s.computeSeconds).toBe(10);
    expect(s.peerRounds).toBe(600);
    expect(s.withNetworkSeconds).toBeCloseTo(11.2);
    expect(s.peerBytesPerParty).toBe(5_000_000);
    expect(s.dealerBytes).toEqual([30_000, 2_500_000]);
  });
  it('formats bytes and durations', () => {
    expect([0, 999, 1000, 1234, 56_789, 123_456_789, 2e12].map(formatBytes)).toEqual(['0 B', '999 B', '1 KB', '1.23 KB', '56.8 KB', '123 MB', '2 TB']);
    expect(formatDuration(0.2)).toBe('under 1 s');
    expect(formatDuration(3700)).toBe('1 h 2 min');
  });
});
