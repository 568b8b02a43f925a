// From the owner's picked files to two share files, start to end, in a Web Worker (worker.ts) or on the page: read
// (IDX, or decode each image, skipping and listing the ones that fail), standardise with the given training-set
// statistics or fit them, encode, split and write (shareDataset.ts). Reports progress as it goes.
import type { StandardizationStats } from '../lib/ownerVault';
import { gunzipIfNeeded, parseIdxImages, parseIdxLabels } from './idx';
import { decodeImage, type ImageEntry, type ImageFailure } from './images';
import type { RandomSource } from './random';
import { shareDataset, type RawDataset } from './shareDataset';

export type SharingSource =
  | { kind: 'images'; entries: ImageEntry[]; classNames: string[] }
  /** `limit`: share only the first N images (the CLI's --limit); omitted or 0 for all. */
  | { kind: 'idx'; images: Blob; labels: Blob; imagesName: string; labelsName: string; limit?: number };

export interface SharingRequest {
  source: SharingSource;
  channels: number;
  height: number;
  width: number;
  classes: number;
  datasetId: string;
  fractionalBits: number;
  /** The training set's statistics (test sets); omitted to fit them (training sets). None when `scaling` is raw. */
  standardization?: StandardizationStats;
  /** `raw`: share x/255 and keep no statistics (a job with other owners); `own` (default): standardise with the owner's. */
  scaling?: 'raw' | 'own';
  /** The owner's public signing key (SPKI DER), put into both halves so each party binds them to it. */
  ownerKey?: Uint8Array;
}

export interface SharingResult {
  half0: Blob;
  half1: Blob;
  digest0: string;
  digest1: string;
  count: number;
  /** The statistics the values were standardised with; undefined when shared raw. */
  standardization: StandardizationStats | undefined;
  /** Each shared image's label, in share order. */
  labels: number[];
  classNames: string[];
  /** Images skipped because they could not be decoded, and why. */
  failures: ImageFailure[];
}

export type SharingPhase = 'reading' | 'decoding' | 'sharing';

export type SharingMessage =
  | { type: 'progress'; phase: SharingPhase; done: number; total: number }
  | { type: 'done'; result: SharingResult }
  | { type: 'error'; message: string; failures?: ImageFailure[] };

/** Failures named in the message itself; the page lists them all. */
const NAMED_FAILURES = 3;

/** No picked image could be decoded: each file and why, so the owner can fix them (the page lists them all). */
export class NothingDecodedError extends Error {
  readonly failures: ImageFailure[];

  constructor(failures: ImageFailure[]) {
    const named = failures.slice(0, NAMED_FAILURES).map(f => `${f.path}: ${f.reason.replace(/\.$/, '')}`).join('; ');
    const more = failures.length > NAMED_FAILURES ? `; and ${failures.length - NAMED_FAILURES} more` : '';
    super(failures.length === 1
      ? `The image could not be used (${named}).`
      : `None of the ${failures.length} images could be used (${named}${more}).`);
    this.name = 'NothingDecodedError';
    this.failures = failures;
  }
}

/** Images decoded at once. */
const DECODE_PARALLELISM = 8;

export async function prepareShares(request: SharingRequest, report: (message: SharingMessage) => void, random?: RandomSource): Promise<SharingResult> {
  const { classes } = request;
  let raw: RawDataset;
  let classNames: string[];
  let failures: ImageFailure[] = [];
  if (request.source.kind === 'idx') {
    report({ type: 'progress', phase: 'reading', done: 0, total: 2 });
    raw = await readIdx(request.source, request);
    classNames = Array.from({ length: classes }, (_, i) => String(i));
  } else {
    ({ raw, failures } = await decodeAll(request.source.entries, request, (done, total) => report({ type: 'progress', phase: 'decoding', done, total })));
    classNames = request.source.classNames;
  }
  if (raw.count === 0) throw failures.length > 0 ? new NothingDecodedError(failures) : new Error('There are no images to share.');
  const shared = await shareDataset(raw, {
    datasetId: request.datasetId,
    fractionalBits: request.fractionalBits,
    standardization: request.standardization,
    scaling: request.scaling,
    ownerKey: request.ownerKey,
    random,
    onProgress: (done, total) => report({ type: 'progress', phase: 'sharing', done, total }),
  });
  raw.pixels.fill(0);
  return {
    half0: new Blob(shared.half0.parts as Uint8Array<ArrayBuffer>[], { type: 'application/octet-stream' }),
    half1: new Blob(shared.half1.parts as Uint8Array<ArrayBuffer>[], { type: 'application/octet-stream' }),
    digest0: shared.half0.digest,
    digest1: shared.half1.digest,
    count: raw.count,
    standardization: shared.standardization,
    labels: Array.from(raw.labels),
    classNames,
    failures,
  };
}

async function readIdx(source: Extract<SharingSource, { kind: 'idx' }>, shape: SharingRequest): Promise<RawDataset> {
  const images = parseIdxImages(await gunzipIfNeeded(new Uint8Array(await source.images.arrayBuffer()), source.imagesName), source.imagesName);
  const labels = parseIdxLabels(await gunzipIfNeeded(new Uint8Array(await source.labels.arrayBuffer()), source.labelsName), source.labelsName);
  if (labels.length !== images.count) {
    throw new Error(`'${source.imagesName}' has ${images.count} images but '${source.labelsName}' has ${labels.length} labels.`);
  }
  if (shape.channels !== 1 || images.height !== shape.height || images.width !== shape.width) {
    throw new Error(`The IDX images are 1×${images.height}×${images.width}; the project expects ${shape.channels}×${shape.height}×${shape.width}.`);
  }
  // The first `limit` images, as the CLI's --limit takes them (DatasetSource: a slice from the start).
  const count = source.limit && source.limit > 0 ? Math.min(source.limit, images.count) : images.count;
  const kept = labels.subarray(0, count);
  const bad = kept.findIndex(l => l >= shape.classes);
  if (bad >= 0) throw new Error(`Label ${kept[bad]} of image ${bad} is outside the project's ${shape.classes} classes (0..${shape.classes - 1}).`);
  return {
    pixels: Float32Array.from(images.pixels.subarray(0, count * images.height * images.width)),
    labels: kept,
    count,
    channels: 1, height: images.height, width: images.width, classes: shape.classes,
  };
}

async function decodeAll(entries: ImageEntry[], shape: SharingRequest, progress: (done: number, total: number) => void): Promise<{ raw: RawDataset; failures: ImageFailure[] }> {
  const { channels, height, width, classes } = shape;
  if (channels !== 1 && channels !== 3) throw new Error(`Images can be shared as 1 (gray) or 3 (RGB) channels; the project has ${channels}.`);
  const d = channels * height * width;
  const pixels = new Float32Array(entries.length * d);
  const ok = new Uint8Array(entries.length);
  const failures: (ImageFailure | undefined)[] = new Array(entries.length);
  let next = 0;
  let done = 0;
  progress(0, entries.length);
  const work = async () => {
    while (next < entries.length) {
      const i = next++;
      const entry = entries[i]!;
      try {
        await decodeImage(entry.file, channels, height, width, pixels.subarray(i * d, (i + 1) * d));
        ok[i] = 1;
      } catch (e) {
        failures[i] = { path: entry.path, reason: e instanceof Error ? e.message : String(e) };
      }
      done++;
      if (done % 16 === 0 || done === entries.length) progress(done, entries.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(DECODE_PARALLELISM, entries.length) }, work));
  // Keep the decodable ones, in order.
  let kept = 0;
  const labels: number[] = [];
  for (let i = 0; i < entries.length; i++) {
    if (!ok[i]) continue;
    if (kept !== i) pixels.copyWithin(kept * d, i * d, (i + 1) * d);
    labels.push(entries[i]!.label);
    kept++;
  }
  if (labels.some(l => l >= classes)) throw new Error(`There are more classes than the project's ${classes}.`);
  return {
    raw: { pixels: pixels.subarray(0, kept * d), labels, count: kept, channels, height, width, classes },
    failures: failures.filter((f): f is ImageFailure => f !== undefined),
  };
}
