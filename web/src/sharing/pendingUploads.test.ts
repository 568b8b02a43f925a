import { describe, expect, it } from 'vitest';
import { settledPending, unfinishedAction, type PendingUpload } from './pendingUploads';

const pending = (datasetId: string, stored = [false, false], createdAt = '2026-01-01T00:00:00Z'): PendingUpload => ({
  datasetId, projectId: 'p', name: 'n', purpose: 'Train', count: 3, half0: new Blob(['a']), half1: new Blob(['b']),
  uploadIds: ['up-0', null], stored, createdAt,
});
const owner = { canUpload: true, canDelete: true };
const contributor = { canUpload: true, canDelete: false };
const viewer = { canUpload: false, canDelete: false };

describe('unfinished uploads in the dataset list', () => {
  it('offers nothing for a dataset that is not waiting for its halves', () => {
    for (const status of ['Ready', 'Rejected', 'Deleting', 'Deleted']) {
      expect(unfinishedAction({ id: 'ds-1', status }, pending('ds-1'), owner, null)).toBeNull();
    }
  });

  it('offers a resume where this browser kept the halves, and deleting to owners only', () => {
    expect(unfinishedAction({ id: 'ds-1', status: 'Registered' }, pending('ds-1', [true, false]), owner, null))
      .toEqual({ kind: 'resume', canDelete: true, stored: 1 });
    expect(unfinishedAction({ id: 'ds-1', status: 'Registered' }, pending('ds-1'), contributor, null))
      .toEqual({ kind: 'resume', canDelete: false, stored: 0 });
  });

  it('says the halves are elsewhere when this browser has none (or may not upload), and points to the form that holds it', () => {
    expect(unfinishedAction({ id: 'ds-1', status: 'Registered' }, undefined, owner, null)).toEqual({ kind: 'elsewhere', canDelete: true });
    expect(unfinishedAction({ id: 'ds-1', status: 'Registered' }, pending('ds-1'), viewer, null)).toEqual({ kind: 'elsewhere', canDelete: false });
    expect(unfinishedAction({ id: 'ds-1', status: 'Registered' }, pending('ds-1'), owner, 'ds-1')).toEqual({ kind: 'uploading' });
    expect(unfinishedAction({ id: 'ds-1', status: 'Registered' }, pending('ds-1'), owner, 'ds-2')?.kind).toBe('resume');
  });

  it('drops kept halves once their dataset settled or went, and unlisted ones only after a day', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    const kept = [pending('ds-ready'), pending('ds-waiting'), pending('ds-deleting'), pending('ds-new', undefined, '2026-01-01T11:59:00Z'), pending('ds-old', undefined, '2025-12-30T00:00:00Z')];
    const listed = [{ id: 'ds-ready', status: 'Ready' }, { id: 'ds-waiting', status: 'Registered' }, { id: 'ds-deleting', status: 'Deleting' }];
    expect(settledPending(kept, listed, now).map(p => p.datasetId)).toEqual(['ds-ready', 'ds-deleting', 'ds-old']);
  });
});
