// A party's model share file (src/Imguard.Learning/Training/ModelCheckpoint.cs), read in the browser, and the owner's
// reconstruction of both halves into plaintext parameters (ModelCheckpoint.Reconstruct). The same checks in the same
// order: magic, SHA-256 over everything before the last 32 bytes (before anything is parsed), version, party id,
// fractional bits, spec (shape inference), parameter count and each shape against the spec, velocity flags, no bytes
// left over; then, to reconstruct: party 0's and party 1's files, one of each, with the same spec, format and epoch.
//
// File (little-endian): "IMGMODEL", int32 version (1), party id, fractional bits, epochs completed, spec JSON
// (int32 length, UTF-8), parameter count, per parameter: rank, dims, data words (uint64), velocity flag (0/1) and
// velocity words; then the SHA-256 of everything before it.
import { canonicalSpec, ModelDataError, parameterShapes, parseModelSpec, sizeOf, type ModelSpec } from './modelSpec';
import { MAX_FRACTIONAL_BITS, reconstructFixedPoint } from '../ring';
import { bytesEqual, sha256 } from './digest';

const MAGIC = 'IMGMODEL';
const VERSION = 1;
const HASH_BYTES = 32;
const MAX_SPEC_BYTES = 1 << 20;

/** One parameter's share: its shape and where its words lie in the file. */
export interface ShareTensor {
  shape: number[];
  /** Byte offset of the first word in `ModelShare.view`. */
  offset: number;
  length: number;
}

/** A parsed, checksum-verified model share file (party 0's or party 1's half; uniformly random alone). */
export interface ModelShare {
  partyId: number;
  fractionalBits: number;
  epochsCompleted: number;
  spec: ModelSpec;
  values: ShareTensor[];
  /** Which parameters carry a momentum share (kept for resuming; not needed to reconstruct). */
  hasVelocity: boolean[];
  view: DataView;
}

/** One reconstructed parameter. */
export interface PlainTensor {
  shape: number[];
  data: Float64Array;
}

/** A model in the clear, in this browser only. */
export interface ReconstructedModel {
  spec: ModelSpec;
  parameters: PlainTensor[];
  epochsCompleted: number;
  fractionalBits: number;
}

export function hasMagic(bytes: Uint8Array, magic: string): boolean {
  if (bytes.length < magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (bytes[i] !== magic.charCodeAt(i)) return false;
  return true;
}

class Reader {
  position: number;
  constructor(private readonly view: DataView, start: number, private readonly end: number, private readonly what: string) {
    this.position = start;
  }
  get atEnd(): boolean { return this.position === this.end; }
  take(count: number): number {
    if (count < 0 || count > this.end - this.position) throw new ModelDataError(`${this.what} is truncated.`);
    const at = this.position;
    this.position += count;
    return at;
  }
  int(): number { return this.view.getInt32(this.take(4), true); }
  count(max: number): number {
    const n = this.int();
    if (n >= 0 && n <= max) return n;
    throw new ModelDataError(`${this.what} is corrupt (a length of ${n}).`);
  }
}

/** Reads one party's model share file; throws ModelDataError naming what is wrong. `name` labels the messages. */
export async function parseModelShare(bytes: Uint8Array, name?: string): Promise<ModelShare> {
  const what = name === undefined ? 'The model share' : `Model share '${name}'`;
  if (bytes.length < MAGIC.length + HASH_BYTES || !hasMagic(bytes, MAGIC)) {
    throw new ModelDataError(`${what} is not an IMGuard model share file.`);
  }
  const body = bytes.subarray(0, bytes.length - HASH_BYTES);
  if (!bytesEqual(await sha256(body), bytes.subarray(bytes.length - HASH_BYTES))) {
    throw new ModelDataError(`${what} is corrupt or truncated (checksum mismatch).`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const reader = new Reader(view, MAGIC.length, body.length, what);
  const version = reader.int();
  if (version !== VERSION) throw new ModelDataError(`${what} has format version ${version}; this build reads version ${VERSION}.`);
  const partyId = reader.int();
  const fractionalBits = reader.int();
  if (fractionalBits < 0 || fractionalBits > MAX_FRACTIONAL_BITS) throw new ModelDataError(`${what} has ${fractionalBits} fractional bits; fixed-point formats use 0 to ${MAX_FRACTIONAL_BITS}.`);
  const epochsCompleted = reader.int();
  const specLength = reader.count(MAX_SPEC_BYTES);
  const specAt = reader.take(specLength);
  const spec = parseModelSpec(new TextDecoder().decode(bytes.subarray(specAt, specAt + specLength)));
  const shapes = parameterShapes(spec);
  const count = reader.int();
  if (count !== shapes.length) throw new ModelDataError(`${what} holds ${count} parameters; its spec has ${shapes.length}.`);
  const values: ShareTensor[] = [];
  const hasVelocity: boolean[] = [];
  for (const expected of shapes) {
    const rank = reader.count(8);
    const shape: number[] = [];
    for (let d = 0; d < rank; d++) shape.push(reader.int());
    if (shape.length !== expected.length || shape.some((d, i) => d !== expected[i])) {
      throw new ModelDataError(`${what} has a parameter of shape [${shape.join(', ')}]; the spec says [${expected.join(', ')}].`);
    }
    const length = sizeOf(expected);
    values.push({ shape, offset: reader.take(8 * length), length });
    const flag = reader.int();
    if (flag === 1) reader.take(8 * length);
    else if (flag !== 0) throw new ModelDataError(`${what} is corrupt (bad velocity flag).`);
    hasVelocity.push(flag === 1);
  }
  if (!reader.atEnd) throw new ModelDataError(`${what} has unexpected bytes after its last parameter.`);
  if (partyId !== 0 && partyId !== 1) throw new ModelDataError(`A checkpoint's party id must be 0 or 1; got ${partyId}.`);
  if (epochsCompleted < 0) throw new ModelDataError('Epochs completed cannot be negative.');
  return { partyId, fractionalBits, epochsCompleted, spec, values, hasVelocity, view };
}

/** Both halves back to plaintext parameters, in spec order (the owner's side; this browser only). */
export function reconstructModel(party0: ModelShare, party1: ModelShare): ReconstructedModel {
  if (party0.partyId !== 0 || party1.partyId !== 1) {
    throw new ModelDataError("Reconstruction needs party 0's and party 1's checkpoints, one of each.");
  }
  if (party0.fractionalBits !== party1.fractionalBits || party0.epochsCompleted !== party1.epochsCompleted
    || canonicalSpec(party0.spec) !== canonicalSpec(party1.spec)) {
    throw new ModelDataError('The two model shares do not belong together (different spec, format or epoch).');
  }
  const parameters = party0.values.map((v, i) => {
    const w = party1.values[i]!;
    return { shape: [...v.shape], data: reconstructFixedPoint(party0.view, v.offset, party1.view, w.offset, v.length, party0.fractionalBits) };
  });
  return { spec: party0.spec, parameters, epochsCompleted: party0.epochsCompleted, fractionalBits: party0.fractionalBits };
}

/** The reconstructed parameters as JSON (spec, epochs, and each parameter's name, shape and values), for download. */
export function parametersJson(model: ReconstructedModel, names: string[]): string {
  return JSON.stringify({
    spec: model.spec,
    epochsCompleted: model.epochsCompleted,
    parameters: model.parameters.map((p, i) => ({ name: names[i], shape: p.shape, values: Array.from(p.data) })),
  });
}
