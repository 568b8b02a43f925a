import { describe, expect, it } from 'vitest';
import { ApiClient } from '../api/client';
import { buildJobRequest, testEncodingsAllowed, type JobFormValues } from './jobRequest';

/** The form's values with a test set chosen, InstaHide on and T = 8 with a floor of 0.5. */
const values = (overrides: Partial<JobFormValues> = {}): JobFormValues => ({
  model: 'mlp', trainDatasetId: 'ds-train', testDatasetId: 'ds-test', epochs: 2, batchSize: 64, learningRate: 0.05,
  momentum: 0.9, weightDecay: 0, schedule: 'cosine', hiding: 'instahide', k: 4, revealLoss: false, comparisonBits: 32,
  testEncodings: 8, testOwnCoefficientMin: 0.5,
  ...overrides,
});

/** Sends `values`' request as the form does (start and estimate) through a client whose fetch records the bodies. */
async function sent(v: JobFormValues): Promise<{ url: string; body: Record<string, unknown> }[]> {
  const calls: { url: string; body: Record<string, unknown> }[] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(input), body: JSON.parse(String(init?.body)) as Record<string, unknown> });
    return new Response('{}', { status: 200, headers: { 'Content-Type': 'application/json' } });
  }) as typeof globalThis.fetch;
  const client = new ApiClient({ fetch, cookies: () => 'XSRF-TOKEN=t' });
  const request = buildJobRequest(v);
  await client.startJob('p1', request);
  await client.estimateJob('p1', request);
  return calls;
}

describe('testEncodingsAllowed', () => {
  it('needs hiding on and a test set', () => {
    expect(testEncodingsAllowed('instahide', 'ds-test')).toBe(true);
    expect(testEncodingsAllowed('mixup', 'ds-test')).toBe(true);
    expect(testEncodingsAllowed('off', 'ds-test')).toBe(false);
    expect(testEncodingsAllowed('instahide', '')).toBe(false);
  });
});

describe('buildJobRequest', () => {
  it('sends T and the own-coefficient floor with a test set and hiding on, to the job and the estimate alike', async () => {
    const calls = await sent(values());
    expect(calls.map(c => c.url)).toEqual(['/api/projects/p1/jobs', '/api/projects/p1/jobs/estimate']);
    for (const { body } of calls) {
      expect(body).toEqual({
        model: 'mlp', trainDatasetId: 'ds-train', testDatasetId: 'ds-test', epochs: 2, batchSize: 64, learningRate: 0.05,
        momentum: 0.9, weightDecay: 0, schedule: 'cosine', hiding: 'instahide', k: 4, revealLoss: false, comparisonBits: 32,
        testEncodings: 8, testOwnCoefficientMin: 0.5,
      });
    }
    const [mixup] = await sent(values({ hiding: 'mixup', testEncodings: 64, testOwnCoefficientMin: 0.65 }));
    expect(mixup?.body).toMatchObject({ hiding: 'mixup', testEncodings: 64, testOwnCoefficientMin: 0.65 });
  });

  it('sends 0 encodings (and no floor) with hiding off, whatever T was typed', async () => {
    for (const { body } of await sent(values({ hiding: 'off' }))) {
      expect(body).toMatchObject({ hiding: 'off', k: 1, testDatasetId: 'ds-test', testEncodings: 0, testOwnCoefficientMin: 0 });
    }
  });

  it('sends 0 encodings (and no floor) without a test set', async () => {
    for (const { body } of await sent(values({ testDatasetId: '' }))) {
      expect(body).toMatchObject({ hiding: 'instahide', testEncodings: 0, testOwnCoefficientMin: 0 });
      expect(body).not.toHaveProperty('testDatasetId');
    }
  });

  it('sends a floor of 0 when T is 0', async () => {
    for (const { body } of await sent(values({ testEncodings: 0, testOwnCoefficientMin: 0.5 }))) {
      expect(body).toMatchObject({ testEncodings: 0, testOwnCoefficientMin: 0 });
    }
  });
});

describe('buildJobRequest over several datasets', () => {
  it('sends the extra training datasets (without the first again) and the recipients when chosen', async () => {
    const [start] = await sent(values({ additionalTrainDatasetIds: ['ds-b', 'ds-train', 'ds-c'], recipients: ['ann', 'bob'] }));
    expect(start!.body.additionalTrainDatasetIds).toEqual(['ds-b', 'ds-c']);
    expect(start!.body.recipients).toEqual(['ann', 'bob']);
  });

  it('leaves both out for a one-dataset job with the default recipient, so the body is what it was', () => {
    const request = buildJobRequest(values({ additionalTrainDatasetIds: [], recipients: [] }));
    expect('additionalTrainDatasetIds' in request).toBe(false);
    expect('recipients' in request).toBe(false);
  });
});
