// The owner's secrets that never leave this browser: for each dataset the owner shared here, the standardisation
// statistics fitted on the training set (needed again to share a test set or images for inference, exactly as the
// CLI keeps `<id>.standardization.json` beside its shares) and, for test sets, the true labels (so the owner alone can
// draw the confusion matrix from the two parties' evaluation shares). Kept in localStorage under one key per dataset;
// the platform and the parties never see any of it. The class names are kept for every dataset (the exported ONNX
// names its classes with them). Exported and imported as JSON so a record can move to another machine or to the CLI.
// A dataset shared with raw pixels (x/255, for jobs with other owners) has no statistics of its owner's: its record
// keeps only the class names and a test set's labels.

/** Per-channel mean and population standard deviation of x/255 (Imguard.Learning.Data.Standardization). */
export interface StandardizationStats {
  mean: number[];
  std: number[];
}

export interface OwnerDatasetRecord {
  datasetId: string;
  projectId: string;
  name: string;
  /** `train` or `test`. */
  purpose: string;
  /** `raw` (x/255, no statistics kept) or `own` (standardised with `standardization`); absent in records from before it: own. */
  scaling?: 'raw' | 'own';
  /** The statistics the dataset was standardised with; absent for a raw dataset. */
  standardization?: StandardizationStats;
  /** The true label of every example, in upload order (test sets only). */
  labels?: number[];
  classNames?: string[];
  /** ISO 8601. */
  createdAt: string;
}

const PREFIX = 'imguard.owner.dataset.';

/** The browser's localStorage, or a caller-supplied store (tests). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
  readonly length: number;
  key(index: number): string | null;
}

function store(kv?: KeyValueStore): KeyValueStore {
  return kv ?? globalThis.localStorage;
}

/** Checks the shape of standardisation statistics; throws an Error naming what is wrong. */
export function checkStandardization(value: unknown): StandardizationStats {
  const v = value as Partial<StandardizationStats> | null;
  if (!v || !Array.isArray(v.mean) || !Array.isArray(v.std) || v.mean.length === 0 || v.mean.length !== v.std.length) {
    throw new Error('Standardisation needs "mean" and "std" arrays of the same non-zero length (one entry per channel).');
  }
  v.mean.forEach((m, c) => {
    if (typeof m !== 'number' || !Number.isFinite(m)) throw new Error(`Standardisation mean of channel ${c} is not a finite number.`);
  });
  v.std.forEach((s, c) => {
    if (typeof s !== 'number' || !Number.isFinite(s) || s <= 0) throw new Error(`Standardisation std of channel ${c} is not a finite positive number.`);
  });
  return { mean: [...v.mean], std: [...v.std] };
}

/** Checks a record's scaling and statistics agree: an own record holds valid statistics, a raw one none. */
function checkRecord(record: OwnerDatasetRecord): void {
  if (record.scaling === 'raw') {
    if (record.standardization !== undefined) throw new Error('A dataset shared with raw pixels keeps no standardisation statistics.');
  } else {
    checkStandardization(record.standardization);
  }
}

export function saveOwnerDataset(record: OwnerDatasetRecord, kv?: KeyValueStore): void {
  checkRecord(record);
  store(kv).setItem(PREFIX + record.datasetId, JSON.stringify(record));
}

export function loadOwnerDataset(datasetId: string, kv?: KeyValueStore): OwnerDatasetRecord | undefined {
  const text = store(kv).getItem(PREFIX + datasetId);
  if (!text) return undefined;
  try {
    const record = JSON.parse(text) as OwnerDatasetRecord;
    checkRecord(record);
    return record;
  } catch {
    return undefined;
  }
}

export function listOwnerDatasets(projectId?: string, kv?: KeyValueStore): OwnerDatasetRecord[] {
  const s = store(kv);
  const records: OwnerDatasetRecord[] = [];
  for (let i = 0; i < s.length; i++) {
    const key = s.key(i);
    if (!key?.startsWith(PREFIX)) continue;
    const record = loadOwnerDataset(key.slice(PREFIX.length), kv);
    if (record && (projectId === undefined || record.projectId === projectId)) records.push(record);
  }
  return records.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

export function removeOwnerDataset(datasetId: string, kv?: KeyValueStore): void {
  store(kv).removeItem(PREFIX + datasetId);
}

/**
 * The CLI's `<id>.standardization.json` form ({"mean":[…],"std":[…]}, and "classNames" when known), for download: what
 * `imguard dataset statistics` prints and `--standardization` reads.
 */
export function standardizationJson(stats: StandardizationStats, classNames?: readonly string[]): string {
  return JSON.stringify(classNames ? { mean: stats.mean, std: stats.std, classNames } : { mean: stats.mean, std: stats.std });
}

/** The statistics this browser holds for a dataset it shared standardised with them; undefined for a raw one or none. */
export function ownStatistics(datasetId: string, kv?: KeyValueStore): StandardizationStats | undefined {
  const record = loadOwnerDataset(datasetId, kv);
  return record?.scaling === 'raw' ? undefined : record?.standardization;
}

/** The statistics file this browser holds for a dataset (the dataset page's "Download statistics"); undefined if none. */
export function statisticsFile(datasetId: string, kv?: KeyValueStore): { name: string; text: string } | undefined {
  const record = loadOwnerDataset(datasetId, kv);
  if (!record?.standardization) return undefined;
  return { name: `${datasetId}.standardization.json`, text: standardizationJson(record.standardization, record.classNames) };
}
