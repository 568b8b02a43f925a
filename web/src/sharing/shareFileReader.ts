// Reading share files written earlier (the offline plugin, `imguard dataset share`), as the C# ShareFileReader does:
// the header is parsed and checked (magic, version, header hash, reserved bytes, fields, owner key), the file must be
// exactly as long as the header implies, and every chunk is hashed and compared with the trailer before the half's
// digest (the one the owner registers) is returned. A file that fails any check is refused here, before the platform
// or a party sees anything; the parties check it again on upload.

import { importPublicKey } from '../lib/consent/signing';
import {
  CANONICAL_HEADER_SIZE, CANONICAL_HEADER_SIZE_V2, checkHeader, concat, HASH_SIZE, MAGIC, MAX_DATASET_ID_LENGTH,
  MAX_OWNER_KEY_LENGTH, PAYLOAD_TENSOR, RING_BITS, toHex, VERSION, VERSION_WITH_OWNER_KEY, webSha256, type Sha256,
  type ShareHeader,
} from './shareFile';

/** A 16-byte seed payload (party 0's half written with `--seed-party0`); party 0 expands it. */
export const PAYLOAD_SEED = 2;
export const SEED_SIZE = 16;

/** A parsed, checked header: the writer's fields plus what only a reader meets. */
export interface ReadShareHeader extends ShareHeader {
  version: 1 | 2;
  payloadKind: typeof PAYLOAD_TENSOR | typeof PAYLOAD_SEED;
  chunkSize: number;
  /** Bytes before the payload: 144 or 280. */
  headerSize: number;
  /** The exact length the file must have. */
  fileLength: number;
}

/** A share file that passed every check, with its half digest (lowercase hex). */
export interface VerifiedShareFile {
  header: ReadShareHeader;
  digest: string;
}

/** Something anything but a valid share file; the message names the file (by the name it was picked under) and why. */
export class ShareFileError extends Error {}

function payloadLength(h: ReadShareHeader | Omit<ReadShareHeader, 'fileLength' | 'headerSize'>): number {
  return h.payloadKind === PAYLOAD_SEED ? SEED_SIZE : h.count * (h.channels * h.height * h.width + h.classes) * 8;
}

/** Parses and checks the header at the start of `bytes` (at least the whole header); throws ShareFileError. */
export async function parseShareHeader(bytes: Uint8Array, what = 'The share file', sha256: Sha256 = webSha256): Promise<ReadShareHeader> {
  const fail = (why: string) => new ShareFileError(`${what} ${why}`);
  const magic = Array.from(MAGIC, c => c.charCodeAt(0));
  if (bytes.length < magic.length || magic.some((m, i) => bytes[i] !== m)) throw fail('is not a share file (no IMGSHARE magic).');
  if (bytes.length < CANONICAL_HEADER_SIZE + HASH_SIZE) throw fail(`is too short for a share file header (${bytes.length} bytes).`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(8, true);
  if (version !== VERSION && version !== VERSION_WITH_OWNER_KEY) throw fail(`has format version ${version}; this page reads versions 1 and 2.`);
  const canonicalSize = version === VERSION ? CANONICAL_HEADER_SIZE : CANONICAL_HEADER_SIZE_V2;
  if (bytes.length < canonicalSize + HASH_SIZE) throw fail(`is too short for a version ${version} header.`);
  const hash = await sha256(bytes.subarray(0, canonicalSize));
  const stored = bytes.subarray(canonicalSize, canonicalSize + HASH_SIZE);
  if (hash.some((b, i) => b !== stored[i])) throw fail('has a corrupt header: its SHA-256 does not match (the file was changed or damaged).');

  const invalid = (why: string) => fail(`has an invalid header: ${why}.`);
  const idLength = bytes[14]!;
  if (idLength < 1 || idLength > MAX_DATASET_ID_LENGTH) throw invalid(`dataset id length ${idLength} outside [1, ${MAX_DATASET_ID_LENGTH}]`);
  const idBytes = bytes.subarray(16, 16 + MAX_DATASET_ID_LENGTH);
  if (idBytes.subarray(idLength).some(b => b !== 0) || bytes[15] !== 0 || view.getUint32(108, true) !== 0) {
    throw invalid('reserved bytes or id padding are not zero');
  }
  if (idBytes.subarray(0, idLength).some(b => b < 0x20 || b > 0x7e)) throw invalid('the dataset id is not printable ASCII');
  const kind = bytes[11]!;
  if (kind !== PAYLOAD_TENSOR && kind !== PAYLOAD_SEED) throw invalid(`payload kind ${kind} is not a tensor (1) or a seed (2)`);
  if (bytes[12] !== RING_BITS) throw invalid(`ring of ${bytes[12]} bits, not ${RING_BITS}`);

  let ownerKey: Uint8Array | undefined;
  if (version === VERSION_WITH_OWNER_KEY) {
    const keyLength = view.getUint16(112, true);
    if (keyLength < 1 || keyLength > MAX_OWNER_KEY_LENGTH) throw invalid(`owner key length ${keyLength} outside [1, ${MAX_OWNER_KEY_LENGTH}]`);
    const area = bytes.subarray(120, 120 + MAX_OWNER_KEY_LENGTH);
    if (bytes.subarray(114, 120).some(b => b !== 0) || area.subarray(keyLength).some(b => b !== 0)) {
      throw invalid('reserved bytes or owner key padding are not zero');
    }
    ownerKey = area.slice(0, keyLength);
    try {
      await importPublicKey(ownerKey);
    } catch {
      throw invalid('the owner key is not an ECDSA P-256 public key');
    }
  }
  const partyId = bytes[10]!;
  const count = view.getBigUint64(96, true);
  const header = {
    datasetId: String.fromCharCode(...idBytes.subarray(0, idLength)),
    partyId: partyId as 0 | 1,
    fractionalBits: bytes[13]!,
    channels: view.getUint32(80, true),
    height: view.getUint32(84, true),
    width: view.getUint32(88, true),
    classes: view.getUint32(92, true),
    count: count > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(count),
    chunkSize: view.getUint32(104, true),
    ...(ownerKey ? { ownerKey } : {}),
    version: version as 1 | 2,
    payloadKind: kind as typeof PAYLOAD_TENSOR | typeof PAYLOAD_SEED,
  };
  try {
    checkHeader(header);
  } catch (e) {
    throw fail(`has an invalid header: ${(e as Error).message.replace(/^Invalid share file header: /, '').replace(/\.$/, '')}.`);
  }
  const payload = payloadLength(header);
  if (!Number.isSafeInteger(payload)) throw invalid('the payload is too large');
  const headerSize = canonicalSize + HASH_SIZE;
  return { ...header, headerSize, fileLength: headerSize + payload + HASH_SIZE * Math.ceil(payload / header.chunkSize) };
}

/** The canonical header bytes (before the header hash) of a file whose header `parseShareHeader` accepted. */
function canonicalOf(bytes: Uint8Array, header: ReadShareHeader): Uint8Array {
  return bytes.subarray(0, header.headerSize - HASH_SIZE);
}

/**
 * Checks the whole file (header, length, every chunk against the trailer) and returns its header and half digest,
 * SHA-256(canonical header ‖ chunk hashes). Reads the file one chunk at a time, so a half of hundreds of MiB is fine.
 */
export async function verifyShareFile(file: Blob, name: string, sha256: Sha256 = webSha256, onProgress?: (done: number, total: number) => void): Promise<VerifiedShareFile> {
  const what = `Share file '${name}'`;
  const head = new Uint8Array(await file.slice(0, CANONICAL_HEADER_SIZE_V2 + HASH_SIZE).arrayBuffer());
  const header = await parseShareHeader(head, what, sha256);
  if (file.size !== header.fileLength) {
    throw new ShareFileError(`${what} is ${file.size} bytes; its header implies ${header.fileLength} (the file is truncated or has extra bytes).`);
  }
  const payload = payloadLength(header);
  const chunks = Math.ceil(payload / header.chunkSize);
  const trailerOffset = header.headerSize + payload;
  const trailer = new Uint8Array(await file.slice(trailerOffset, trailerOffset + chunks * HASH_SIZE).arrayBuffer());
  for (let c = 0; c < chunks; c++) {
    const start = header.headerSize + c * header.chunkSize;
    const chunk = new Uint8Array(await file.slice(start, Math.min(start + header.chunkSize, trailerOffset)).arrayBuffer());
    const hash = await sha256(chunk);
    const expected = trailer.subarray(c * HASH_SIZE, (c + 1) * HASH_SIZE);
    if (hash.some((b, i) => b !== expected[i])) throw new ShareFileError(`${what} is corrupt: chunk ${c} does not match its hash (the file was changed or damaged).`);
    onProgress?.(c + 1, chunks);
  }
  const digest = await sha256(concat([canonicalOf(head, header), trailer]));
  return { header, digest: toHex(digest) };
}
