import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import type { Dataset, NewJob } from '../api/types';
import { errorMessage } from './format';
import { jobProblems, jobRequestError, newestTestSet, withFieldLabels } from './jobValidation';

const good: NewJob = {
  model: 'mlp', trainDatasetId: 'ds-1', epochs: 2, batchSize: 64, learningRate: 0.05, momentum: 0.9, weightDecay: 0,
  hiding: 'instahide', k: 4, revealLoss: false, comparisonBits: 32, testEncodings: 0, testOwnCoefficientMin: 0,
};

describe('the start-job form\'s problems', () => {
  it('finds none in good values, and one per bad value in the form\'s words, gone once the value is fixed', () => {
    expect(jobProblems(good)).toEqual([]);
    expect(jobProblems({ ...good, learningRate: 0 })).toEqual(['Learning rate must be more than 0 and at most 10.']);
    expect(jobProblems({ ...good, learningRate: Number.NaN })).toEqual(['Learning rate: enter a number.']);
    expect(jobProblems({ ...good, learningRate: 0.1 })).toEqual([]);
    expect(jobProblems({ ...good, epochs: 1.5, momentum: 1, weightDecay: -1 })).toEqual([
      'Epochs must be a whole number, 1 to 1000.', 'Momentum must be at least 0 and less than 1.', 'Weight decay must be 0 or more.',
    ]);
    expect(jobProblems({ ...good, k: 1 })).toEqual(['k (images per encoding) must be a whole number, 2 to 16.']);
    expect(jobProblems({ ...good, hiding: 'off', k: 1 })).toEqual([]);
    expect(jobProblems(good).join()).not.toMatch(/learningRate|batchSize|Invalid request/);
  });
});

describe('the platform\'s refusals', () => {
  it('read with the form\'s labels and without "Invalid request"', () => {
    expect(withFieldLabels('learningRate must be more than 0 and at most 10.')).toBe('Learning rate must be more than 0 and at most 10.');
    expect(withFieldLabels('testEncodings need a test dataset to evaluate.')).toBe('Test-time encodings (T) need a test dataset to evaluate.');
    expect(withFieldLabels('The batch is larger than batchSize allows.')).toBe('The batch is larger than batch size allows.');
    const refused = new ApiError(400, 'Invalid request', 'learningRate must be more than 0 and at most 10.');
    expect(errorMessage(jobRequestError(refused))).toBe('Learning rate must be more than 0 and at most 10.');
    const conflict = new ApiError(409, 'Conflict', 'The dataset is not ready.');
    expect(jobRequestError(conflict)).toBe(conflict);
  });
});

describe('the default test data', () => {
  const dataset = (id: string, purpose: 'Train' | 'Test', status: string, createdAt: string) =>
    ({ id, purpose, status, createdAt }) as unknown as Dataset;

  it('is the newest Ready test set, or none', () => {
    expect(newestTestSet([
      dataset('old', 'Test', 'Ready', '2026-01-01T00:00:00Z'),
      dataset('newer', 'Test', 'Ready', '2026-01-03T00:00:00Z'),
      dataset('newest-not-ready', 'Test', 'Registered', '2026-01-04T00:00:00Z'),
      dataset('train', 'Train', 'Ready', '2026-01-05T00:00:00Z'),
    ])).toBe('newer');
    expect(newestTestSet([dataset('train', 'Train', 'Ready', '2026-01-05T00:00:00Z')])).toBe('');
  });
});
