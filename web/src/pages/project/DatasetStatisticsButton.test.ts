import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { saveOwnerDataset, statisticsFile, type KeyValueStore } from '../../lib/ownerVault';
import { DatasetStatisticsButton } from './DatasetStatisticsButton';

function memoryStore(): KeyValueStore {
  const map = new Map<string, string>();
  return {
    getItem: k => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: k => void map.delete(k),
    get length() { return map.size; },
    key: i => [...map.keys()][i] ?? null,
  };
}

describe('Download statistics on the dataset list', () => {
  it('is offered for a dataset this browser shared, and saves its statistics and class names in the CLI form', () => {
    const kv = memoryStore();
    saveOwnerDataset({
      datasetId: 'ds-0123456789abcdef', projectId: 'p', name: 'train', purpose: 'train',
      standardization: { mean: [0.2860402], std: [0.3530239] }, classNames: ['T-shirt/top', 'Trouser'], createdAt: '2026-01-01T00:00:00Z',
    }, kv);
    const html = renderToStaticMarkup(createElement(DatasetStatisticsButton, { datasetId: 'ds-0123456789abcdef', name: 'train', kv }));
    expect(html).toContain('Download statistics');
    expect(html).toContain('aria-label="Download statistics of train"');
    const file = statisticsFile('ds-0123456789abcdef', kv);
    expect(file?.name).toBe('ds-0123456789abcdef.standardization.json');
    expect(JSON.parse(file!.text)).toEqual({ mean: [0.2860402], std: [0.3530239], classNames: ['T-shirt/top', 'Trouser'] });
  });

  it('is absent for a dataset whose statistics this browser does not hold', () => {
    const html = renderToStaticMarkup(createElement(DatasetStatisticsButton, { datasetId: 'ds-elsewhere', name: 'x', kv: memoryStore() }));
    expect(html).toBe('');
    expect(statisticsFile('ds-elsewhere', memoryStore())).toBeUndefined();
  });
});
