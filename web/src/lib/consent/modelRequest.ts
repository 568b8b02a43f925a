// A signed model request (Imguard.Contracts.Consent.ModelRequestDigest): a party releases its share of a job's model
// only to a key among the job's recipients, and its evaluation share only to the evaluated dataset's owner key, so the
// browser asks the party for a fresh challenge and signs SHA-256 of
//   "imguard-model-request-v1\n" ‖ str job id ‖ u32 party id ‖ str what ‖ bin challenge
// (u32 = 4 bytes little-endian; str/bin = u32 length ‖ bytes) with this user's non-extractable key (keystore.ts).
// tests/vectors/model-request-v1 holds the bytes both languages must write.
import { indexedDbOwnerKeys, type OwnerKeyStore } from './keystore';
import { signDigest } from './signing';

export type ModelRequestWhat = 'model' | 'evaluation';

export const CHALLENGE_LENGTH = 32;

/** The headers the signed request travels in (ModelRequestHeaders), each value base64. */
export const modelRequestHeaders = { key: 'X-Imguard-Key', challenge: 'X-Imguard-Challenge', signature: 'X-Imguard-Signature' } as const;

/** Who signs: the public key the party compares (SPKI DER) and a signature over a 32-byte digest (r ‖ s). */
export interface ModelRequestSigner {
  publicKey: Uint8Array;
  sign(digest: Uint8Array): Promise<Uint8Array>;
}

const TAG = new TextEncoder().encode('imguard-model-request-v1\n');
const JOB_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** The canonical bytes of a request; throws on what a party never issues. */
export function encodeModelRequest(jobId: string, partyId: number, what: ModelRequestWhat, challenge: Uint8Array): Uint8Array {
  if (!JOB_ID.test(jobId)) throw new Error('A job id is 1 to 128 characters of [A-Za-z0-9._-].');
  if (partyId !== 0 && partyId !== 1) throw new Error('A party id is 0 or 1.');
  if (what !== 'model' && what !== 'evaluation') throw new Error("What is fetched is 'model' or 'evaluation'.");
  if (challenge.length !== CHALLENGE_LENGTH) throw new Error(`A challenge is ${CHALLENGE_LENGTH} bytes.`);
  const job = new TextEncoder().encode(jobId);
  const kind = new TextEncoder().encode(what);
  const out = new Uint8Array(TAG.length + 4 + job.length + 4 + 4 + kind.length + 4 + challenge.length);
  const view = new DataView(out.buffer);
  let at = 0;
  out.set(TAG, at); at += TAG.length;
  const bytes = (b: Uint8Array) => { view.setUint32(at, b.length, true); out.set(b, at + 4); at += 4 + b.length; };
  bytes(job);
  view.setUint32(at, partyId, true); at += 4;
  bytes(kind);
  bytes(challenge);
  return out;
}

export async function modelRequestDigest(jobId: string, partyId: number, what: ModelRequestWhat, challenge: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', encodeModelRequest(jobId, partyId, what, challenge) as BufferSource));
}

const base64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

export function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), c => c.charCodeAt(0));
}

/** The headers of a request for `what` of `jobId` at party `partyId` (the party the platform's grant names) answering `challenge`. */
export async function signedModelRequestHeaders(signer: ModelRequestSigner, jobId: string, partyId: number, what: ModelRequestWhat,
  challenge: Uint8Array): Promise<Record<string, string>> {
  const signature = await signer.sign(await modelRequestDigest(jobId, partyId, what, challenge));
  return {
    [modelRequestHeaders.key]: base64(signer.publicKey),
    [modelRequestHeaders.challenge]: base64(challenge),
    [modelRequestHeaders.signature]: base64(signature),
  };
}

/**
 * This user's key in this browser as a signer, never a new one: a key made now is named in no job, and the parties
 * would refuse it; the error says where the right key is.
 */
export async function browserSigner(user: string, store: OwnerKeyStore = indexedDbOwnerKeys()): Promise<ModelRequestSigner> {
  const stored = await store.get(user);
  if (!stored) {
    throw new Error(`This browser holds no signing key for ${user}. The parties release a model only to a key the job names: `
      + 'download it in the browser (or with the CLI profile) whose key you registered.');
  }
  return { publicKey: stored.publicKey, sign: digest => signDigest(stored.pair.privateKey, digest) };
}
