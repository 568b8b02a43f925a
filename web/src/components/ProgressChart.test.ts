import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { ProgressPoint } from '../lib/progress';
import { ProgressChart } from './ProgressChart';

const render = (points: ProgressPoint[], until?: number) => renderToStaticMarkup(createElement(ProgressChart, { points, until }));
const texts = (markup: string, className: string) =>
  [...markup.matchAll(new RegExp(`<text[^>]*class="[^"]*${className}[^"]*"[^>]*>([^<]*)</text>`, 'g'))].map(m => m[1]);

describe('ProgressChart', () => {
  const falling: ProgressPoint[] = [2.31, 2.27, 2.2, 2.15, 2.09].map((loss, i) => ({ t: 10 * (i + 1), fraction: (i + 1) / 5, loss }));

  it('fits the loss axis to the loss, so a fall from 2.31 to 2.09 is not a flat line', () => {
    const markup = render(falling);
    expect(texts(markup, 'chart-loss-tick')).toEqual(['2.05', '2.10', '2.15', '2.20', '2.25', '2.30', '2.35']);
    // The loss line spans most of the plot's height (138 px): from near the top to near the bottom.
    const line = /<polyline points="([^"]+)" class="chart-loss"/.exec(markup)?.[1] ?? '';
    const ys = line.split(' ').map(p => Number(p.split(',')[1]));
    expect(Math.max(...ys) - Math.min(...ys)).toBeGreaterThan(0.7 * 140);
    expect(markup).toContain('loss 2.09');
  });

  it('draws time from the job start, out to a running job\'s elapsed time', () => {
    expect(texts(render(falling), 'chart-time-tick')).toEqual(['0', '10 s', '20 s', '30 s', '40 s', '50 s']);
    expect(texts(render(falling, 600), 'chart-time-tick')).toEqual(['0', '2 min', '4 min', '6 min', '8 min', '10 min']);
    expect(render(falling)).toContain('Progress 100 % 50 s after the start');
  });

  it('has no loss axis for a job that keeps its loss secret, and says when nothing was reported', () => {
    const markup = render(falling.map(({ t, fraction }) => ({ t, fraction })));
    expect(texts(markup, 'chart-loss-tick')).toEqual([]);
    expect(markup).not.toContain('chart-loss');
    expect(render([])).toContain('No progress reported yet.');
  });
});
