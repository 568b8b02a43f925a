import { describe, expect, it } from 'vitest';
import type { Job } from '../../api/types';
import { jobControls } from './JobControls';

const job = (over: Partial<Job>): Job => ({ id: 'job-1', state: 'Failed', modelFromJobId: null, lastCheckpointEpoch: 2, ...over }) as Job;

describe('the creator\'s job controls', () => {
  it('offer resume and restart for a failed or cancelled training job with a checkpoint', () => {
    expect(jobControls(job({}), true)).toEqual({ resume: true, restart: true });
    expect(jobControls(job({ state: 'Cancelled' }), true)).toEqual({ resume: true, restart: true });
  });
  it('offer only restart without a checkpoint, and nothing to others, to running jobs or model tests', () => {
    expect(jobControls(job({ lastCheckpointEpoch: null }), true)).toEqual({ resume: false, restart: true });
    expect(jobControls(job({}), false)).toEqual({ resume: false, restart: false });
    expect(jobControls(job({ state: 'Running' }), true)).toEqual({ resume: false, restart: false });
    expect(jobControls(job({ state: 'Succeeded' }), true)).toEqual({ resume: false, restart: false });
    expect(jobControls(job({ modelFromJobId: 'job-0' }), true)).toEqual({ resume: false, restart: false });
  });
});
