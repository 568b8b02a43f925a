import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../api/types';
import { StandardizationPreview } from './StandardizationPreview';

const set = (id: string, scaling: Dataset['scaling'], purpose: 'Train' | 'Test' = 'Train') => ({ id, name: id, purpose, scaling }) as Dataset;
const preview = (training: Dataset[], test?: Dataset) => renderToStaticMarkup(createElement(StandardizationPreview, { training, test }));

describe('the job form\'s standardisation before the job exists', () => {
  it('is as shared for one dataset standardised with its owner\'s statistics, opening nothing', () => {
    const html = preview([set('a', { kind: 'own' })], set('t', { kind: 'own' }, 'Test'));
    expect(html).toContain('Standardisation: as shared');
    expect(html).toContain('nothing is opened');
    expect(html).not.toContain('will be refused');
  });

  it('is over the union for several raw or disclosed datasets, and says what each disclosed one discloses', () => {
    const html = preview([set('a', { kind: 'raw' }), set('b', { kind: 'disclosed', mean: [0.2860406], std: [0.3530241] })], set('t', { kind: 'raw' }, 'Test'));
    expect(html).toContain('Standardisation: over the union');
    expect(html).toContain('the parties open 2 numbers per channel (mean and deviation of all owners&#x27; training images together); no per-owner statistic is opened');
    expect(html).toContain('b (<code>b</code>) discloses its owner&#x27;s statistics mean=0.286 std=0.353.');
    expect(html).not.toContain('will be refused');
  });

  it('names each own dataset a union job cannot use, with the platform\'s refusal', () => {
    const html = preview([set('a', { kind: 'raw' }), set('b', { kind: 'own' })], set('t', { kind: 'own' }, 'Test'));
    expect(html).toContain('This job will be refused');
    expect(html).toContain('Dataset b (&#x27;b&#x27;) was standardised with its owner&#x27;s own statistics, which a job standardised over the union of its datasets cannot use');
    expect(html).toContain('Dataset t (&#x27;t&#x27;) was standardised');
    expect(preview([])).toBe('');
  });
});
