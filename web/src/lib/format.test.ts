import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { job } from '../test/fixtures';
import { describeJob, describeTestEncodings, errorMessage, formatDate, formatNumber, formatPercent, formatProperties, formatShape, formatWait, isFinal, jobFraction, plural, shortHash } from './format';


describe('errorMessage', () => {
  it('explains the sign-in back-off with the wait, and never says locked', () => {
    expect(errorMessage(new ApiError(429, 'Too many requests', 'Too many attempts; try again in 30 s.', 30), 'login'))
      .toBe('Too many failed sign-ins for this user name from here. Try again in 30 s. Signing in from elsewhere is not affected.');
    expect(errorMessage(new ApiError(429, 'Too many requests', undefined, 900), 'login')).toMatch(/Try again in 15 min\./);
    expect(errorMessage(new ApiError(429, 'Too many requests'), 'login')).toMatch(/Try again later\./);
    for (const status of [401, 423, 429]) {
      expect(errorMessage(new ApiError(status, 'x', undefined, 60), 'login')).not.toMatch(/lock/i);
    }
  });
  it('explains a rate limit with the wait', () => {
    expect(errorMessage(new ApiError(429, 'Too many requests', undefined, 42))).toBe('Too many attempts from here. Try again in 42 s.');
  });
  it('says wrong credentials for a 401 at login and session end elsewhere', () => {
    expect(errorMessage(new ApiError(401, 'Not signed in'), 'login')).toBe('Wrong user name or password.');
    expect(errorMessage(new ApiError(401, 'Not signed in'))).toBe('Your session has ended; please sign in again.');
  });
  it('shows problem title and detail otherwise', () => {
    expect(errorMessage(new ApiError(409, 'Conflict', 'A project keeps at least one owner.'))).toBe('Conflict: A project keeps at least one owner.');
    expect(errorMessage(new ApiError(404, 'Not found'))).toBe('Not found.');
  });
  it('names a network failure', () => {
    expect(errorMessage(new TypeError('Failed to fetch'))).toMatch(/could not be reached/);
    expect(errorMessage('weird')).toBe('Something went wrong.');
  });
});

describe('formatting', () => {
  it('formats waits', () => {
    expect(formatWait(0)).toBe('0 s');
    expect(formatWait(59.2)).toBe('1 min');
    expect(formatWait(61)).toBe('2 min');
    expect(formatWait(3600)).toBe('1 h');
    expect(formatWait(3900)).toBe('1 h 5 min');
  });
  it('formats dates in UTC and tolerates nulls and junk', () => {
    expect(formatDate('2026-02-03T14:05:09.123+00:00')).toBe('03 Feb 2026, 14:05:09 UTC');
    expect(formatDate(null)).toBe('—');
    expect(formatDate('not a date')).toBe('not a date');
  });
  it('formats shapes, numbers, percentages, hashes, properties', () => {
    expect(formatShape(1, 28, 28)).toBe('1×28×28');
    expect(formatNumber(0.123456)).toBe('0.123');
    expect(formatNumber(undefined)).toBe('—');
    expect(formatNumber(Number.NaN)).toBe('—');
    expect(formatPercent(0.256)).toBe('26 %');
    expect(shortHash('0123456789abcdef0123456789abcdef', 4)).toBe('0123…cdef');
    expect(shortHash('abc')).toBe('abc');
    expect(formatProperties({ role: 'owner', count: 3, shape: [1, 2] })).toBe('role=owner, count=3, shape=[1,2]');
    expect(formatProperties(null)).toBe('');
  });
});

describe('jobs', () => {
  it('computes progress within [0, 1]', () => {
    expect(jobFraction(job())).toBe(0.25);
    expect(jobFraction(job({ totalSteps: 0 }))).toBe(0);
    expect(jobFraction(job({ step: 30 }))).toBe(1);
    expect(jobFraction(job({ state: 'Succeeded', step: 0, totalSteps: 0 }))).toBe(1);
  });
  it('knows the final states', () => {
    expect(isFinal('Succeeded')).toBe(true);
    expect(isFinal('Failed')).toBe(true);
    expect(isFinal('Cancelled')).toBe(true);
    expect(isFinal('Running')).toBe(false);
    expect(isFinal('Queued')).toBe(false);
  });
  it('describes a job', () => {
    expect(describeJob(job())).toBe('Epoch 1 of 3, step 5 of 20');
    expect(describeJob(job({ epoch: 1, step: 9, resumedFromEpoch: 1 }))).toBe('Epoch 2 of 3, step 9 of 20, resumed from epoch 1');
    expect(describeJob(job({ resumedFromEpoch: 0 }))).toBe('Epoch 1 of 3, step 5 of 20, resumed from epoch 0');
    expect(describeJob(job({ resumedFromEpoch: null }))).toBe('Epoch 1 of 3, step 5 of 20');
    expect(describeJob(job({ state: 'Failed', failureMessage: 'party 1 went away' }))).toBe('Failed: party 1 went away');
    expect(describeJob(job({ state: 'Queued', cancelRequested: true }))).toBe('Queued; cancel requested');
  });
});

describe('describeTestEncodings', () => {
  it('gives T, the own-coefficient floor when above 0, or off for 0 and older jobs', () => {
    expect(describeTestEncodings({ testEncodings: 16, testOwnCoefficientMin: 0.5 })).toBe('16, own coefficient ≥ 0.5');
    expect(describeTestEncodings({ testEncodings: 4, testOwnCoefficientMin: 0.15000000000000002 })).toBe('4, own coefficient ≥ 0.15');
    expect(describeTestEncodings({ testEncodings: 4, testOwnCoefficientMin: 0 })).toBe('4');
    expect(describeTestEncodings({ testEncodings: 4 })).toBe('4');
    expect(describeTestEncodings({ testEncodings: 0, testOwnCoefficientMin: 0.5 })).toBe('off (clean test images)');
    expect(describeTestEncodings({})).toBe('off (clean test images)');
  });
});

describe('plural', () => {
  it('says "1 image" and "2 images", with es after s, x, ch and sh, and irregular plurals given', () => {
    expect([plural(1, 'image'), plural(2, 'image'), plural(0, 'image')]).toEqual(['1 image', '2 images', '0 images']);
    expect([plural(1, 'class'), plural(10, 'class'), plural(3, 'match'), plural(1, 'box')]).toEqual(['1 class', '10 classes', '3 matches', '1 box']);
    expect([plural(1, 'sub-folder'), plural(1, 'copy', 'copies'), plural(2, 'copy', 'copies')]).toEqual(['1 sub-folder', '1 copy', '2 copies']);
    expect(plural(12000, 'record')).toBe('12,000 records');
  });
});

