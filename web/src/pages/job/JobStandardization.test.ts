import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { Job } from '../../api/types';
import { JobStandardization } from './JobStandardization';

const render = (job: Omit<Pick<Job, 'standardization' | 'modelFromJobId' | 'state'>, 'state'> & { state?: Job['state'] }) => renderToStaticMarkup(createElement(JobStandardization, { job: { state: 'Running', ...job } }));

describe('the job page\'s standardisation', () => {
  it('shows a union job\'s mode and, once opened, its statistics with their count', () => {
    const opened = render({ modelFromJobId: null, standardization: { mode: 'union', statistics: { mean: [0.2860406], std: [0.3530241], valuesPerChannel: 94080 } } });
    expect(opened).toContain('Standardisation: over the union');
    expect(opened).toContain('no per-owner statistic is opened');
    expect(opened).toContain('Opened by the servers: mean 0.286 and deviation 0.353 of x/255 (one channel), over 94,080 values per channel.');
    expect(render({ modelFromJobId: null, standardization: { mode: 'union', statistics: null } })).toContain('when training starts');
    expect(render({ modelFromJobId: null, state: 'Failed', standardization: { mode: 'union', statistics: null } })).toContain('No statistics were recorded for this job.');
    expect(render({ modelFromJobId: 'job-1', standardization: { mode: 'union', statistics: { mean: [0.5], std: [0.25], valuesPerChannel: 10 } } }))
      .toContain('Opened by the servers for the model&#x27;s training job');
  });

  it('says an as-shared job opens nothing, and shows nothing for a job from before the modes', () => {
    expect(render({ modelFromJobId: null, standardization: { mode: 'as-shared', statistics: null } })).toContain('Standardisation: as shared');
    expect(render({ modelFromJobId: null, standardization: null })).toBe('');
    expect(render({ modelFromJobId: null })).toBe('');
  });
});
