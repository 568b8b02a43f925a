import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { EpochTable } from './EpochTable';

describe('EpochTable', () => {
  const rows = [
    { epoch: 1, stepsDone: 469, stepsPerEpoch: 469, loss: 2.31, imagesPerSecond: 120.4, durationSeconds: 498, checkpoint: true },
    { epoch: 2, stepsDone: 100, stepsPerEpoch: 469, loss: 2.09, imagesPerSecond: 118, durationSeconds: 3.25, checkpoint: false },
  ];
  const cells = (markup: string) => [...markup.matchAll(/<td>([^<]*(?:<!-- -->[^<]*)*)<\/td>/g)].map(m => m[1]!.replaceAll('<!-- -->', ''));

  it('shows every epoch with its steps, loss, throughput, duration and checkpoint', () => {
    expect(cells(renderToStaticMarkup(createElement(EpochTable, { rows, revealLoss: true })))).toEqual([
      '1', '469 / 469', '2.31', '120.4', '8 min 18 s', 'saved',
      '2', '100 / 469', '2.09', '118', '3.3 s', '—',
    ]);
  });

  it('says the loss is not revealed for a job that keeps it secret, and shows nothing before the first epoch', () => {
    expect(renderToStaticMarkup(createElement(EpochTable, { rows, revealLoss: false }))).toContain('<td>not revealed</td>');
    expect(renderToStaticMarkup(createElement(EpochTable, { rows: [], revealLoss: true }))).toBe('');
  });
});
