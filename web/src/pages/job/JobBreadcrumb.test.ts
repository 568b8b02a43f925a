import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import { JobBreadcrumb } from './JobBreadcrumb';

const render = (props: Parameters<typeof JobBreadcrumb>[0]) =>
  renderToStaticMarkup(createElement(MemoryRouter, null, createElement(JobBreadcrumb, props)));

describe('the job page\'s breadcrumb', () => {
  it('names the project, linking to its jobs', () => {
    const html = render({ jobId: 'job-1', projectId: 'p1', projectName: 'Shoes & shirts' });
    expect(html).toContain('<a href="/projects/p1?tab=jobs" data-discover="true">Shoes &amp; shirts</a>');
    expect(html).toContain('<span aria-current="page">job-1</span>');
    expect(html).not.toContain('>Project<');
  });

  it('says "Project" until the name is known, and leaves the project out before the job is', () => {
    expect(render({ jobId: 'job-1', projectId: 'p1', projectName: null })).toContain('<a href="/projects/p1?tab=jobs" data-discover="true">Project</a>');
    expect(render({ jobId: 'job-1' })).not.toContain('/projects/p1');
  });
});
