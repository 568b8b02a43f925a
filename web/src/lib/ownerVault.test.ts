import { describe, expect, it } from 'vitest';
import {
  checkStandardization, listOwnerDatasets, loadOwnerDataset, ownStatistics, removeOwnerDataset, saveOwnerDataset, standardizationJson, statisticsFile,
  type KeyValueStore, type OwnerDatasetRecord,
} from './ownerVault';

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

const record = (id: string, projectId: string, createdAt: string): OwnerDatasetRecord => ({
  datasetId: id, projectId, name: id, purpose: 'train', standardization: { mean: [0.28], std: [0.35] }, createdAt,
});

describe('owner vault', () => {
  it('keeps records per dataset and lists them by project, oldest first', () => {
    const kv = memoryStore();
    saveOwnerDataset(record('ds-b', 'p1', '2026-01-02T00:00:00Z'), kv);
    saveOwnerDataset(record('ds-a', 'p1', '2026-01-01T00:00:00Z'), kv);
    saveOwnerDataset(record('ds-c', 'p2', '2026-01-03T00:00:00Z'), kv);
    kv.setItem('unrelated', '{}');
    expect(listOwnerDatasets('p1', kv).map(r => r.datasetId)).toEqual(['ds-a', 'ds-b']);
    expect(loadOwnerDataset('ds-c', kv)?.standardization?.std).toEqual([0.35]);
    removeOwnerDataset('ds-c', kv);
    expect(loadOwnerDataset('ds-c', kv)).toBeUndefined();
  });

  it('keeps a raw dataset\'s labels and class names but no statistics, and offers none for it', () => {
    const kv = memoryStore();
    const raw: OwnerDatasetRecord = {
      datasetId: 'ds-raw', projectId: 'p', name: 'raw', purpose: 'test', scaling: 'raw', labels: [0, 2], classNames: ['a', 'b', 'c'], createdAt: 'now',
    };
    saveOwnerDataset(raw, kv);
    expect(loadOwnerDataset('ds-raw', kv)).toEqual(raw);
    expect(ownStatistics('ds-raw', kv)).toBeUndefined();
    expect(statisticsFile('ds-raw', kv)).toBeUndefined();
    expect(() => saveOwnerDataset({ ...raw, standardization: { mean: [0.1], std: [0.2] } }, kv)).toThrow(/raw pixels keeps no standardisation/);
    // An own record (or one from before scalings, which has none) must hold its statistics.
    expect(() => saveOwnerDataset({ ...raw, scaling: 'own' }, kv)).toThrow(/mean/);
    expect(() => saveOwnerDataset({ ...raw, scaling: undefined }, kv)).toThrow(/mean/);
    saveOwnerDataset(record('ds-own', 'p', 'now'), kv);
    expect(ownStatistics('ds-own', kv)).toEqual({ mean: [0.28], std: [0.35] });
  });

  it('refuses statistics that cannot standardise', () => {
    expect(() => checkStandardization({ mean: [0.1], std: [0] })).toThrow(/std of channel 0/);
    expect(() => checkStandardization({ mean: [0.1, 0.2], std: [0.3] })).toThrow(/same non-zero length/);
    expect(() => saveOwnerDataset({ ...record('ds-x', 'p', 'now'), standardization: { mean: [NaN], std: [1] } }, memoryStore())).toThrow(/mean of channel 0/);
  });

  it('writes the CLI standardisation file form', () => {
    expect(JSON.parse(standardizationJson({ mean: [0.5], std: [0.25] }))).toEqual({ mean: [0.5], std: [0.25] });
  });

  it('ignores a corrupt record instead of failing the page', () => {
    const kv = memoryStore();
    kv.setItem('imguard.owner.dataset.ds-bad', 'not json');
    expect(loadOwnerDataset('ds-bad', kv)).toBeUndefined();
    expect(listOwnerDatasets(undefined, kv)).toEqual([]);
  });
});
