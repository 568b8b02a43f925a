import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { ServiceHealth } from '../api/types';
import { HealthTable } from './DashboardPage';

const render = (services: ServiceHealth[]) => renderToStaticMarkup(createElement(HealthTable, { services }));

/** The row of the service shown as `name` (its whole <tr>), or undefined. */
function row(html: string, name: string): string | undefined {
  return html.match(new RegExp(`<tr><td>${name}</td>.*?</tr>`))?.[0];
}

describe('HealthTable', () => {
  const ok = (role: string): ServiceHealth => ({
    role, status: 'ok', checks: [{ name: 'data-directory', status: 'ok', description: 'The data directory takes writes.' }],
  });

  it('shows every service green and no check list when all is well', () => {
    const html = render([ok('platform'), ok('party-0'), ok('party-1'), ok('audit')]);
    for (const name of ['Platform', 'Party 0', 'Party 1', 'Audit server']) {
      expect(row(html, name)).toContain('<span class="badge badge-ok">ok</span>');
    }
    expect(html).not.toContain('health-checks');
    expect(html).not.toContain('takes writes');
  });

  it('turns an unhealthy service red and names the failing check with its reason', () => {
    const html = render([
      {
        role: 'platform', status: 'unhealthy', checks: [
          { name: 'data-directory', status: 'ok', description: 'The data directory takes writes.' },
          { name: 'database', status: 'unhealthy', description: 'The database cannot be reached.' },
        ],
      },
      ok('audit'),
    ]);
    const platform = row(html, 'Platform');
    expect(platform).toContain('<span class="badge badge-bad">unhealthy</span>');
    expect(platform).toContain('<strong>database</strong>: The database cannot be reached.');
    // Only the checks that fail are listed.
    expect(platform).not.toContain('data-directory');
    expect(row(html, 'Audit server')).toContain('badge-ok');
  });

  it('shows a degraded service apart from a down one, and an unreachable one with its detail', () => {
    const html = render([
      { role: 'platform', status: 'degraded', checks: [{ name: 'audit', status: 'degraded', description: 'The audit server cannot be reached.' }] },
      { role: 'audit', status: 'unreachable', checks: [], detail: 'no answer' },
    ]);
    const platform = row(html, 'Platform');
    expect(platform).toContain('<span class="badge badge-pending">degraded</span>');
    expect(platform).toContain('<strong>audit</strong>: The audit server cannot be reached.');
    const audit = row(html, 'Audit server');
    expect(audit).toContain('<span class="badge badge-bad">unreachable</span>');
    expect(audit).toContain('no answer');
  });
});
