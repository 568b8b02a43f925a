import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../api/types';
import { saveOwnerDataset, type KeyValueStore } from '../../lib/ownerVault';
import { canDisclose, DatasetScaling, disclosureConfirmation } from './DatasetScaling';

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

const alice = { id: 'u-alice', userName: 'alice' };
const bob = { id: 'u-bob', userName: 'bob' };

function dataset(id: string, scaling: Dataset['scaling'], owner = 'alice'): Dataset {
  return {
    id, projectId: 'p', name: `set ${id}`, purpose: 'Train', channels: 1, height: 28, width: 28, count: 10, classes: 3, fractionalBits: 16,
    digest0: '00', digest1: '11', status: 'Ready', rejectionReason: null, party0Reported: true, party1Reported: true, createdBy: 'u-alice',
    createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', readyAt: null, owner, scaling,
  } as Dataset;
}

describe('disclosing a dataset\'s statistics', () => {
  const kv = memoryStore();
  saveOwnerDataset({ datasetId: 'ds-own', projectId: 'p', name: 'own', purpose: 'train', scaling: 'own', standardization: { mean: [0.2860406], std: [0.3530241] }, createdAt: 'now' }, kv);
  saveOwnerDataset({ datasetId: 'ds-raw', projectId: 'p', name: 'raw', purpose: 'train', scaling: 'raw', createdAt: 'now' }, kv);

  it('is offered only to the owner of an own dataset whose statistics this browser holds', () => {
    expect(canDisclose(dataset('ds-own', { kind: 'own' }), alice, kv)).toEqual({ mean: [0.2860406], std: [0.3530241] });
    // Registered before scalings: read as own.
    expect(canDisclose(dataset('ds-own', undefined), alice, kv)).toBeDefined();
    expect(canDisclose(dataset('ds-own', { kind: 'own' }), bob, kv)).toBeUndefined();
    expect(canDisclose(dataset('ds-own', { kind: 'own' }), null, kv)).toBeUndefined();
    expect(canDisclose(dataset('ds-raw', { kind: 'raw' }), alice, kv)).toBeUndefined();
    expect(canDisclose(dataset('ds-own', { kind: 'disclosed', mean: [0.28], std: [0.35] }), alice, kv)).toBeUndefined();
    expect(canDisclose(dataset('ds-elsewhere', { kind: 'own' }), alice, kv)).toBeUndefined();
    expect(canDisclose({ ...dataset('ds-own', { kind: 'own' }), status: 'Rejected' }, alice, kv)).toBeUndefined();
  });

  it('says exactly what becomes public, to whom, and that it cannot be undone', () => {
    expect(disclosureConfirmation('train', { mean: [0.2860406], std: [0.3530241] })).toBe(
      'Disclose the statistics of train? One mean and one deviation — mean 0.286, deviation 0.353 — become public to the project\'s members, '
      + 'the two compute parties and the approvers of every job that uses this dataset, so it can join jobs with other owners. '
      + 'Nothing else of the dataset is disclosed. This cannot be undone.');
    expect(disclosureConfirmation('rgb', { mean: [0.1, 0.2, 0.3], std: [0.4, 0.5, 0.6] })).toContain('One mean and one deviation per channel (3 channels) — mean 0.1, 0.2, 0.3, deviation 0.4, 0.5, 0.6');
  });

  it('shows each row\'s scaling, the disclosed numbers, and the button only where it may be used', () => {
    const row = (d: Dataset, user = alice) => renderToStaticMarkup(createElement(DatasetScaling, { dataset: d, user, onChanged: () => {}, kv }));
    expect(row(dataset('ds-own', { kind: 'own' }))).toContain('Pixels: own statistics');
    expect(row(dataset('ds-own', { kind: 'own' }))).toContain('Disclose statistics');
    expect(row(dataset('ds-own', { kind: 'own' }), bob)).not.toContain('Disclose statistics');
    expect(row(dataset('ds-raw', { kind: 'raw' }))).toContain('Pixels: raw');
    expect(row(dataset('ds-raw', { kind: 'raw' }))).not.toContain('Disclose');
    expect(row(dataset('ds-x', { kind: 'disclosed', mean: [0.28], std: [0.35] }))).toContain('Pixels: disclosed statistics</span><span class="muted"> (mean 0.28, std 0.35)');
  });
});
