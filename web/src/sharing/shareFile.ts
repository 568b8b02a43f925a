// Share file format versions 1 and 2 (docs/share-file-format.md; C#: Imguard.Contracts.Shares.ShareFileHeader /
// ShareFileWriter / HalfDigest), written in the browser. Tensor payloads only: the browser never writes a seed payload.
//   0 magic "IMGSHARE" | 8 version u16 | 10 party | 11 kind | 12 ring bits | 13 f | 14 id length | 15 reserved
//   16 id (64) | 80 channels | 84 height | 88 width | 92 classes | 96 count u64 | 104 chunk size | 108 reserved
//   version 1: 112 SHA-256(bytes 0..111) | 144 payload
//   version 2 (with the owner's key): 112 key length u16 | 114 reserved (6) | 120 owner key (128, SPKI DER then zeros)
//              | 248 SHA-256(bytes 0..247) | 280 payload
//   payload: N·(D+C) ring elements, 8 bytes LE | trailer: SHA-256 of each chunk
// HalfDigest = SHA-256(canonical header (112 or 248 bytes) ‖ chunk hash 0 ‖ … ‖ chunk hash K−1).

export const MAGIC = 'IMGSHARE';
export const VERSION = 1;
export const VERSION_WITH_OWNER_KEY = 2;
export const CANONICAL_HEADER_SIZE_V2 = 248;
export const MAX_OWNER_KEY_LENGTH = 128;
export const RING_BITS = 64;
export const PAYLOAD_TENSOR = 1;
export const CANONICAL_HEADER_SIZE = 112;
export const HEADER_SIZE = 144;
export const HASH_SIZE = 32;
export const DEFAULT_CHUNK_SIZE = 1 << 20;
export const MIN_CHUNK_SIZE = 8;
export const MAX_CHUNK_SIZE = 64 << 20;
export const MAX_DATASET_ID_LENGTH = 64;
export const MAX_IMAGE_DIMENSION = 65535;
export const MAX_CLASSES = 1 << 24;
export const MAX_EXAMPLES = 2 ** 31 - 1;
export const MAX_FRACTIONAL_BITS_FORMAT = 62;

/** SHA-256 of `data`; injectable so the writer runs wherever Web Crypto does (browser, worker, Node 20). */
export type Sha256 = (data: Uint8Array) => Promise<Uint8Array>;

export const webSha256: Sha256 = async data => new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>));

export interface ShareHeader {
  datasetId: string;
  partyId: 0 | 1;
  fractionalBits: number;
  channels: number;
  height: number;
  width: number;
  classes: number;
  count: number;
  chunkSize?: number;
  /** The owner's public key (SubjectPublicKeyInfo DER); present: version 2, so each party binds the half to it. */
  ownerKey?: Uint8Array;
}

/** The bytes before the header hash: 112 (version 1) or 248 (version 2, with an owner key). */
export function canonicalHeaderSize(h: ShareHeader): number {
  return h.ownerKey ? CANONICAL_HEADER_SIZE_V2 : CANONICAL_HEADER_SIZE;
}

/** Where the payload starts: the canonical header and its SHA-256 (144 or 280). */
export function headerSize(h: ShareHeader): number {
  return canonicalHeaderSize(h) + HASH_SIZE;
}

export function isValidDatasetId(id: string): boolean {
  return id.length >= 1 && id.length <= MAX_DATASET_ID_LENGTH && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(id);
}

/** A fresh dataset id as the CLI makes it: `ds-` and 16 random hex digits. */
export function newDatasetId(): string {
  return 'ds-' + toHex(globalThis.crypto.getRandomValues(new Uint8Array(8)));
}

/** Checks every header field against the format; throws an Error naming the first problem. */
export function checkHeader(h: ShareHeader): void {
  const chunk = h.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const problem =
    !isValidDatasetId(h.datasetId) ? `the dataset id must be 1 to ${MAX_DATASET_ID_LENGTH} characters of [A-Za-z0-9._-], starting with a letter or digit`
    : h.partyId !== 0 && h.partyId !== 1 ? `party id ${String(h.partyId)} is not 0 or 1`
    : !Number.isInteger(h.fractionalBits) || h.fractionalBits < 0 || h.fractionalBits > MAX_FRACTIONAL_BITS_FORMAT ? `fractional bits ${h.fractionalBits} outside [0, ${MAX_FRACTIONAL_BITS_FORMAT}]`
    : !Number.isInteger(chunk) || chunk < MIN_CHUNK_SIZE || chunk > MAX_CHUNK_SIZE || chunk % 8 !== 0 ? `chunk size ${chunk} is not a multiple of 8 in [${MIN_CHUNK_SIZE}, ${MAX_CHUNK_SIZE}]`
    : [h.channels, h.height, h.width].some(d => !Number.isInteger(d) || d < 1 || d > MAX_IMAGE_DIMENSION) ? `image shape [${h.channels}, ${h.height}, ${h.width}] has a dimension outside [1, ${MAX_IMAGE_DIMENSION}]`
    : !Number.isInteger(h.classes) || h.classes < 2 || h.classes > MAX_CLASSES ? `class count ${h.classes} outside [2, ${MAX_CLASSES}]`
    : !Number.isInteger(h.count) || h.count < 1 || h.count > MAX_EXAMPLES ? `example count ${h.count} outside [1, ${MAX_EXAMPLES}]`
    : h.ownerKey && (h.ownerKey.length < 1 || h.ownerKey.length > MAX_OWNER_KEY_LENGTH) ? `an owner key of ${h.ownerKey.length} bytes is not 1 to ${MAX_OWNER_KEY_LENGTH}`
    : undefined;
  if (problem) throw new Error(`Invalid share file header: ${problem}.`);
}

/** Ring elements per row, D + C. */
export function rowScalars(h: ShareHeader): number {
  return h.channels * h.height * h.width + h.classes;
}

/** P: payload bytes of a tensor half. */
export function payloadBytes(h: ShareHeader): number {
  return h.count * rowScalars(h) * 8;
}

/** The exact length of the file: header (144 or 280) + P + 32·⌈P / chunk size⌉. */
export function fileLength(h: ShareHeader): number {
  const p = payloadBytes(h);
  return headerSize(h) + p + HASH_SIZE * Math.ceil(p / (h.chunkSize ?? DEFAULT_CHUNK_SIZE));
}

/** The canonical header, bytes 0..111 or 0..247 (reserved bytes, id and key padding zero). */
export function canonicalHeader(h: ShareHeader): Uint8Array {
  checkHeader(h);
  const bytes = new Uint8Array(canonicalHeaderSize(h));
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < MAGIC.length; i++) bytes[i] = MAGIC.charCodeAt(i);
  view.setUint16(8, h.ownerKey ? VERSION_WITH_OWNER_KEY : VERSION, true);
  bytes[10] = h.partyId;
  bytes[11] = PAYLOAD_TENSOR;
  bytes[12] = RING_BITS;
  bytes[13] = h.fractionalBits;
  bytes[14] = h.datasetId.length;
  for (let i = 0; i < h.datasetId.length; i++) bytes[16 + i] = h.datasetId.charCodeAt(i);
  view.setUint32(80, h.channels, true);
  view.setUint32(84, h.height, true);
  view.setUint32(88, h.width, true);
  view.setUint32(92, h.classes, true);
  view.setBigUint64(96, BigInt(h.count), true);
  view.setUint32(104, h.chunkSize ?? DEFAULT_CHUNK_SIZE, true);
  if (h.ownerKey) {
    view.setUint16(112, h.ownerKey.length, true);
    bytes.set(h.ownerKey, 120);
  }
  return bytes;
}

/** The written half: its bytes in parts (header, chunks, trailer; a Blob takes them as they are) and its digest. */
export interface WrittenHalf {
  parts: Uint8Array[];
  length: number;
  /** HalfDigest, lowercase hex. */
  digest: string;
}

/**
 * Streams one party's half: ring elements in row-major order as limb pairs (see lib/ring.ts), one chunk buffered and hashed
 * when full, then the trailer of chunk hashes. `complete` checks that exactly the declared payload was written.
 */
export class ShareFileWriter {
  readonly header: ShareHeader;
  private readonly sha256: Sha256;
  private readonly parts: Uint8Array[] = [];
  private readonly chunkHashes: Uint8Array[] = [];
  private readonly payload: number;
  private readonly chunkSize: number;
  private chunk: Uint8Array;
  private fill = 0;
  private flushed = 0;
  private started = false;
  private completed = false;

  constructor(header: ShareHeader, sha256: Sha256 = webSha256) {
    checkHeader(header);
    if (payloadBytes(header) > Number.MAX_SAFE_INTEGER) throw new RangeError('The payload is too large.');
    this.header = header;
    this.sha256 = sha256;
    this.payload = payloadBytes(header);
    this.chunkSize = header.chunkSize ?? DEFAULT_CHUNK_SIZE;
    this.chunk = new Uint8Array(Math.min(this.chunkSize, this.payload));
  }

  /** Payload bytes accepted so far. */
  get payloadBytesWritten(): number {
    return this.flushed + this.fill;
  }

  /** Appends ring elements given as (low, high) limb pairs; rows may continue across calls. */
  async write(limbs: Uint32Array): Promise<void> {
    if (this.completed) throw new Error('The share file is already complete.');
    if (limbs.length % 2 !== 0) throw new RangeError('Ring elements come as pairs of 32-bit limbs.');
    const bytes = new Uint8Array(limbs.buffer, limbs.byteOffset, limbs.byteLength);
    if (this.payloadBytesWritten + bytes.length > this.payload) {
      throw new RangeError(`More ring elements than the header declares (${this.payload / 8}).`);
    }
    if (!this.started) await this.start();
    let offset = 0;
    while (offset < bytes.length) {
      const n = Math.min(this.currentChunkLength() - this.fill, bytes.length - offset);
      this.chunk.set(bytes.subarray(offset, offset + n), this.fill);
      this.fill += n;
      offset += n;
      if (this.fill === this.currentChunkLength()) await this.seal();
    }
  }

  /** Writes the trailer; returns the parts and the half digest. */
  async complete(): Promise<WrittenHalf> {
    if (this.completed) throw new Error('The share file is already complete.');
    if (this.payloadBytesWritten !== this.payload) {
      throw new Error(`The payload is incomplete: ${this.payloadBytesWritten} of ${this.payload} bytes written.`);
    }
    if (!this.started) await this.start();
    this.completed = true;
    const trailer = concat(this.chunkHashes);
    this.parts.push(trailer);
    const digest = await this.sha256(concat([canonicalHeader(this.header), trailer]));
    return { parts: this.parts, length: this.parts.reduce((sum, p) => sum + p.length, 0), digest: toHex(digest) };
  }

  private currentChunkLength(): number {
    return Math.min(this.chunkSize, this.payload - this.flushed);
  }

  private async start(): Promise<void> {
    this.started = true;
    const canonical = canonicalHeader(this.header);
    this.parts.push(concat([canonical, await this.sha256(canonical)]));
  }

  private async seal(): Promise<void> {
    const full = this.chunk.subarray(0, this.fill);
    this.chunkHashes.push(await this.sha256(full));
    this.parts.push(full);
    this.flushed += this.fill;
    this.fill = 0;
    const next = this.currentChunkLength();
    if (next > 0) this.chunk = new Uint8Array(next);
  }
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const result = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    result.set(p, offset);
    offset += p.length;
  }
  return result;
}

export function toHex(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes) text += b.toString(16).padStart(2, '0');
  return text;
}
