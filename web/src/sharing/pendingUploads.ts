// Uploads that are registered but not finished, kept in this browser so they can be resumed after the page is closed,
// reloaded or the network drops: both halves as they were shared (a new sharing would have other digests than the
// registered ones), each party's upload id (the party keeps an unfinished upload session for 24 h; resuming goes on
// from its committed length) and which halves are stored. IndexedDB, because halves are megabytes (localStorage holds
// about 5 MB in all). The owner's device holds both halves before upload anyway, as the CLI keeps its share files; the
// record is deleted as soon as both parties hold their halves, or when the dataset is deleted or settled.
import type { DatasetPurpose } from '../api/types';

export interface PendingUpload {
  datasetId: string;
  projectId: string;
  name: string;
  purpose: DatasetPurpose;
  count: number;
  half0: Blob;
  half1: Blob;
  /** Each party's upload id once it has begun (index = party), so a resume continues that session. */
  uploadIds: (string | null)[];
  /** Whether each party holds its half (index = party). */
  stored: boolean[];
  createdAt: string;
}

/** Where pending uploads are kept (IndexedDB in the browser). */
export interface PendingUploadStore {
  put(upload: PendingUpload): Promise<void>;
  get(datasetId: string): Promise<PendingUpload | undefined>;
  list(projectId: string): Promise<PendingUpload[]>;
  delete(datasetId: string): Promise<void>;
}

const DATABASE = 'imguard-pending-uploads';
const STORE = 'uploads';

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed.'));
  });
}

/** The browser's store; every call opens the database (uploads are rare, and a closed tab leaves nothing open). */
export function indexedDbPendingUploads(factory: IDBFactory | undefined = globalThis.indexedDB): PendingUploadStore {
  const open = () => {
    if (!factory) return Promise.reject(new Error('This browser keeps no local database (IndexedDB); an interrupted upload cannot be resumed after the page is closed.'));
    const opening = factory.open(DATABASE, 1);
    opening.onupgradeneeded = () => {
      opening.result.createObjectStore(STORE, { keyPath: 'datasetId' }).createIndex('projectId', 'projectId');
    };
    return request(opening);
  };
  const run = async <T>(mode: IDBTransactionMode, action: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> => {
    const db = await open();
    try {
      const transaction = db.transaction(STORE, mode);
      const result = await request(action(transaction.objectStore(STORE)));
      await new Promise<void>((resolve, reject) => {
        transaction.oncomplete = () => resolve();
        transaction.onerror = () => reject(transaction.error ?? new Error('IndexedDB transaction failed.'));
        transaction.onabort = () => reject(transaction.error ?? new Error('IndexedDB transaction was aborted (is the browser\'s storage full?).'));
      });
      return result;
    } finally {
      db.close();
    }
  };
  return {
    put: async upload => { await run('readwrite', store => store.put(upload)); },
    get: datasetId => run('readonly', store => store.get(datasetId) as IDBRequest<PendingUpload | undefined>),
    list: projectId => run('readonly', store => store.index('projectId').getAll(projectId) as IDBRequest<PendingUpload[]>),
    delete: async datasetId => { await run('readwrite', store => store.delete(datasetId)); },
  };
}

/** The one store the pages share. */
export const pendingUploads: PendingUploadStore = indexedDbPendingUploads();

/** What the dataset list offers for an unfinished upload. */
export type UnfinishedAction =
  /** This page's upload form holds it (sending, paused or waiting to try again). */
  | { kind: 'uploading' }
  /** This browser holds the halves: resume (contributors and owners); owners may also delete it. */
  | { kind: 'resume'; canDelete: boolean; stored: number }
  /** The halves are not in this browser (shared in another browser or by the CLI): only deleting helps here. */
  | { kind: 'elsewhere'; canDelete: boolean };

/**
 * The actions for a dataset in the list, or null when it is not an unfinished upload (anything but Registered: a
 * Ready, Rejected or deleted dataset has nothing to resume). `canUpload` is the UploadData right (Contributor, Owner),
 * `canDelete` DeleteData (Owner).
 */
export function unfinishedAction(
  dataset: { id: string; status: string },
  pending: PendingUpload | undefined,
  rights: { canUpload: boolean; canDelete: boolean },
  activeId: string | null,
): UnfinishedAction | null {
  if (dataset.status !== 'Registered') return null;
  if (activeId === dataset.id) return { kind: 'uploading' };
  if (pending && rights.canUpload) return { kind: 'resume', canDelete: rights.canDelete, stored: pending.stored.filter(Boolean).length };
  return { kind: 'elsewhere', canDelete: rights.canDelete };
}

/** A record whose dataset the list does not show is kept this long: the list may have been read just before it registered. */
const UNLISTED_GRACE_MS = 24 * 3600_000;

/**
 * Pending records whose dataset no longer waits for its halves — Ready, Rejected, being deleted or deleted — or that
 * the project has not listed for a day: to be dropped, halves and all.
 */
export function settledPending(pending: PendingUpload[], datasets: { id: string; status: string }[], now = Date.now()): PendingUpload[] {
  const status = new Map(datasets.map(d => [d.id, d.status]));
  return pending.filter(p => {
    const s = status.get(p.datasetId);
    return s === undefined ? now - Date.parse(p.createdAt) > UNLISTED_GRACE_MS : s !== 'Registered';
  });
}
