import type { Job } from '../api/types';

/** A running job with overridable fields, for tests. */
export function job(overrides: Partial<Job> = {}): Job {
  return {
    id: 'job-1', projectId: 'p', trainDatasetId: 'ds-1', testDatasetId: null, model: {},
    training: { epochs: 3, batchSize: 32, learningRate: 0.05, momentum: 0.9, weightDecay: 0, hiding: 'instahide', k: 4, upperBound: 0.65, revealLoss: false, comparisonBits: 32 },
    state: 'Running', createdBy: 'u', createdAt: '2026-01-01T00:00:00Z', startedAt: null, finishedAt: null,
    epoch: 0, step: 5, totalSteps: 20, metrics: null, failureMessage: null, lastCheckpointEpoch: null, cancelRequested: false, modelFromJobId: null,
    ...overrides,
  };
}
