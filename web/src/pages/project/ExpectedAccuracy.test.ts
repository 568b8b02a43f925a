import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { ExpectedAccuracy as Expected, NewJob } from '../../api/types';
import { ExpectedAccuracy, ExpectedAccuracyView } from './ExpectedAccuracy';

const view = (expected: Expected) => renderToStaticMarkup(createElement(ExpectedAccuracyView, { expected }));

const basis = 'Measured on Fashion-MNIST: mlp, Mixup k = 2, 4,096 training images, 5 epochs, clean test images.';

describe('ExpectedAccuracyView', () => {
  it('shows the figure beside the no-hiding figure, the summary and what it was measured on', () => {
    const html = view({ measured: true, percent: 79.6, withoutHidingPercent: 80.6, poor: false, summary: 'Expected test accuracy about 80 % (without hiding: 81 %).', warning: null, basis });
    expect(html).toContain('<dl class="facts" aria-label="Expected test accuracy">');
    expect(html).toContain('<dt>These settings</dt><dd>about 80 %</dd>');
    expect(html).toContain('<dt>Without hiding</dt><dd>about 81 %</dd>');
    expect(html).toContain('<p>Expected test accuracy about 80 % (without hiding: 81 %).</p>');
    expect(html).toContain(`<p class="hint">${basis}</p>`);
    expect(html).not.toContain('role="alert"');
  });

  it('warns in plain words when the figure is poor', () => {
    const warning = 'Poor: about 17 %, 67 points below training without hiding. A model this inaccurate is of little use.';
    const html = view({ measured: true, percent: 17, withoutHidingPercent: 84, poor: true, summary: 'Expected test accuracy about 17 % (without hiding: 84 %).', warning, basis });
    expect(html).toContain(`<p class="error" role="alert">${warning}</p>`);
    expect(html).toContain('<dd>about 17 %</dd>');
    expect(html).toContain('<dd>about 84 %</dd>');
  });

  it('shows InstaHide\'s figure beside the chosen settings\' when the form passes it, and marks it poor', () => {
    const chosen: Expected = { measured: true, percent: 79.4, withoutHidingPercent: 80.6, poor: false, summary: 'Expected test accuracy about 79 % (without hiding: 81 %).', warning: null, basis };
    const instaHide: Expected = { ...chosen, percent: 53.9, poor: true, summary: 'Expected test accuracy about 54 %.', warning: 'Poor: about 54 %.' };
    const html = renderToStaticMarkup(createElement(ExpectedAccuracyView, { expected: chosen, instaHide, instaHideK: 2 }));
    expect(html).toContain('<dt>These settings</dt><dd>about 79 %</dd>');
    expect(html).toContain('<dt>With InstaHide (k = 2)</dt><dd>about 54 % (poor)</dd>');
    expect(html).not.toContain('role="alert"');   // the chosen settings are fine; InstaHide's warning is its own

    const unmeasured: Expected = { measured: false, percent: null, withoutHidingPercent: null, poor: false, summary: 'No measurement.', warning: null, basis: '' };
    expect(renderToStaticMarkup(createElement(ExpectedAccuracyView, { expected: chosen, instaHide: unmeasured }))).not.toContain('With InstaHide');
  });

  it('says when there is no measurement, and why, without figures', () => {
    const html = view({
      measured: false, percent: null, withoutHidingPercent: null, poor: false, summary: 'No measurement for this kind of data.', warning: null,
      basis: 'The figures are measured on Fashion-MNIST (1×28×28 grey images, 10 classes).',
    });
    expect(html).not.toContain('<dl');
    expect(html).toContain('<p>No measurement for this kind of data.</p>');
    expect(html).toContain('Fashion-MNIST (1×28×28 grey images, 10 classes)');
  });
});

describe('ExpectedAccuracy', () => {
  const request: NewJob = {
    model: 'mlp', trainDatasetId: 'ds-1', epochs: 5, batchSize: 128, learningRate: 0.05, momentum: 0.9, weightDecay: 0,
    hiding: 'mixup', k: 2, revealLoss: false, comparisonBits: 32, testEncodings: 0, testOwnCoefficientMin: 0,
  };
  const render = (enabled: boolean) => renderToStaticMarkup(createElement(ExpectedAccuracy, { projectId: 'p1', request, instaHide: { ...request, hiding: 'instahide' }, enabled }));

  it('has its heading in a polite live region, and says what it waits for', () => {
    expect(render(false)).toContain('<section class="wide" aria-labelledby="expected-accuracy-title" aria-live="polite"><h4 id="expected-accuracy-title">Expected accuracy</h4>');
    expect(render(false)).toContain('Choose a training dataset');
    expect(render(true)).toContain('Looking up the measured accuracy');
  });
});
