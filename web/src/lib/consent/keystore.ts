// The owner's signing key in this browser, one per user name: made by Web Crypto on first use with a non-extractable
// private half and kept in IndexedDB (a CryptoKey survives structured cloning there without ever being exported). Its
// public half goes into every share file this user writes here, so the parties bind the dataset to this key; clearing
// the site's data loses the key, and datasets shared with it can then only be approved from nowhere — the UI says so.
import { exportPublicKey, generateOwnerKey } from './signing';

export interface StoredOwnerKey {
  user: string;
  pair: CryptoKeyPair;
  /** SubjectPublicKeyInfo DER of the public half. */
  publicKey: Uint8Array;
  createdAt: string;
}

/** Where owner keys are kept (IndexedDB in the browser; a map in tests). */
export interface OwnerKeyStore {
  get(user: string): Promise<StoredOwnerKey | undefined>;
  /** Adds the key unless one exists for the user; returns the one kept (so two tabs end up with the same key). */
  add(key: StoredOwnerKey): Promise<StoredOwnerKey>;
}

const DATABASE = 'imguard-owner-keys';
const STORE = 'keys';

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed.'));
  });
}

export function indexedDbOwnerKeys(factory: IDBFactory | undefined = globalThis.indexedDB): OwnerKeyStore {
  const open = () => {
    if (!factory) return Promise.reject(new Error('This browser keeps no local database (IndexedDB), so it cannot keep your signing key.'));
    const opening = factory.open(DATABASE, 1);
    opening.onupgradeneeded = () => { opening.result.createObjectStore(STORE, { keyPath: 'user' }); };
    return request(opening);
  };
  return {
    async get(user) {
      const db = await open();
      try {
        return await request(db.transaction(STORE, 'readonly').objectStore(STORE).get(user) as IDBRequest<StoredOwnerKey | undefined>);
      } finally {
        db.close();
      }
    },
    async add(key) {
      const db = await open();
      try {
        const store = db.transaction(STORE, 'readwrite').objectStore(STORE);
        // add, not put: an existing key is never replaced (approvals signed with it would be orphaned).
        const existing = await request(store.get(key.user) as IDBRequest<StoredOwnerKey | undefined>);
        if (existing) return existing;
        await request(store.add(key));
        return key;
      } finally {
        db.close();
      }
    },
  };
}

/** This user's key in this browser, made on first use. */
export async function ownerKeyFor(user: string, store: OwnerKeyStore = indexedDbOwnerKeys()): Promise<StoredOwnerKey> {
  const found = await store.get(user);
  if (found) return found;
  const pair = await generateOwnerKey();
  return store.add({ user, pair, publicKey: await exportPublicKey(pair.publicKey), createdAt: new Date().toISOString() });
}
