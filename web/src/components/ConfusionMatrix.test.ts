import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ConfusionMatrix } from './ConfusionMatrix';

describe('confusion matrix table', () => {
  it('labels rows and columns with class names, shades cells by their share of the row and gives recall', () => {
    const html = renderToStaticMarkup(createElement(ConfusionMatrix, { matrix: [[3, 1], [0, 0]], classNames: ['Cat', 'Dog'] }));
    expect(html).toContain('<caption>Confusion matrix: true class (rows) by predicted class (columns)</caption>');
    expect(html).toContain('<th scope="col">Cat</th><th scope="col">Dog</th><th scope="col">Recall</th>');
    expect(html).toContain('<th scope="row">Cat</th><td class="cm-cell cm-hit cm-4">3</td><td class="cm-cell cm-miss cm-2">1</td><td>75 %</td>');
    expect(html).toContain('<th scope="row">Dog</th><td class="cm-cell cm-miss cm-0">0</td><td class="cm-cell cm-hit cm-0">0</td><td>—</td>');
  });
  it('falls back to class numbers', () => {
    const html = renderToStaticMarkup(createElement(ConfusionMatrix, { matrix: [[1, 0], [0, 1]] }));
    expect(html).toContain('<th scope="row">Class 1</th>');
  });
});
