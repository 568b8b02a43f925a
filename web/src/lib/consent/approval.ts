// Approving a job in this browser: the terms are rebuilt from the fields the approval page shows (GET
// /api/jobs/{id}/consent, Imguard.Contracts.Consent.ConsentTermsView), the digest is computed here with digest.ts and
// compared with the one the platform states, and only then is it signed with this browser's key. The platform's
// digest field is never signed: a platform that shows one job and asks for a signature over another gets a refusal.
// Refusals say in words what is wrong and what to do instead (another device's key: `imguard job approve` there).

import type { components } from '../../api/schema';
import { consentDigest, type ConsentParameter, type ConsentTerms } from './digest';
import { keyFingerprint, signDigest } from './signing';

type Schemas = components['schemas'];

/**
 * GET /api/jobs/{id}/consent (Imguard.Contracts.Consent.ConsentTermsView). `digest` is the platform's SHA-256 of the
 * terms, lower-case hex: compared, never signed.
 */
export type ConsentTermsView = Omit<Schemas['ConsentTermsView'], 'parameters' | 'state'> & {
  /** The job's state (a JobState name). */
  state: string;
  parameters: ConsentParameterView[];
};
export type ConsentDatasetView = Schemas['ConsentDatasetView'];
export type ConsentRecipientView = Schemas['ConsentRecipientView'];
export type ConsentSignerView = Omit<Schemas['ConsentSignerView'], 'signedAt'> & { signedAt?: string | null };

/** One signed setting; exactly the field of its kind is set. An integer may be a bigint (parseConsentView reads it exactly). */
export type ConsentParameterView = Omit<Schemas['ConsentParameterView'], 'integer'> & { integer?: number | bigint | string | null };

/** ApproveJobRequest: the key (SPKI DER) and the signature (r ‖ s), base64. */
export type ApproveJobRequest = Schemas['ApproveJobRequest'];

/** Why this browser will not sign; the message is shown as it is. */
export class ApprovalRefused extends Error {}

export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
}

function parameterOf(p: ConsentParameterView): ConsentParameter {
  const malformed = () => new ApprovalRefused(`The terms are malformed: parameter '${p.name}' of kind '${p.kind}' has no value of that kind. Nothing was signed.`);
  switch (p.kind) {
    case 'integer': {
      const v = p.integer;
      if (typeof v === 'bigint') return { name: p.name, kind: 'integer', value: v };
      if (typeof v === 'string' && /^-?\d+$/.test(v)) return { name: p.name, kind: 'integer', value: BigInt(v) };
      if (typeof v === 'number') {
        // A JSON number beyond 2^53 has already lost digits in JavaScript: signing it would sign another value.
        if (!Number.isSafeInteger(v)) {
          throw new ApprovalRefused(`Parameter '${p.name}' holds an integer this browser cannot read exactly; nothing was signed. Approve with \`imguard job approve\`.`);
        }
        return { name: p.name, kind: 'integer', value: BigInt(v) };
      }
      throw malformed();
    }
    case 'real':
      if (typeof p.real !== 'number' || !Number.isFinite(p.real)) throw malformed();
      return { name: p.name, kind: 'real', value: p.real };
    case 'text':
      if (typeof p.text !== 'string') throw malformed();
      return { name: p.name, kind: 'text', value: p.text };
    case 'flag':
      if (typeof p.flag !== 'boolean') throw malformed();
      return { name: p.name, kind: 'flag', value: p.flag };
    default:
      throw malformed();
  }
}

/** The terms the view's fields say (ConsentTermsView.ToTerms); throws ApprovalRefused when they are malformed. */
export function termsFromView(view: ConsentTermsView): ConsentTerms {
  const key = (text: string, what: string) => {
    try {
      return fromBase64(text);
    } catch {
      throw new ApprovalRefused(`The terms are malformed: the key of ${what} is not base64. Nothing was signed.`);
    }
  };
  return {
    jobId: view.jobId,
    projectId: view.projectId,
    datasets: view.datasets.map(d => {
      if (d.purpose !== 'train' && d.purpose !== 'test') {
        throw new ApprovalRefused(`The terms are malformed: dataset '${d.datasetId}' has purpose '${d.purpose}'. Nothing was signed.`);
      }
      return { datasetId: d.datasetId, purpose: d.purpose, owner: d.owner, ownerKey: key(d.ownerKey, `dataset '${d.datasetId}'`) };
    }),
    modelSpecJson: view.modelSpecJson,
    parameters: view.parameters.map(parameterOf),
    recipients: view.recipients.map(r => ({ user: r.user, key: key(r.key, `recipient '${r.user}'`) })),
  };
}

/** A key that must sign, who holds it in words (JobConsentTerms.RequiredSignatures: each key once, holders joined). */
export interface RequiredSigner {
  key: Uint8Array;
  holder: string;
}

const ordinal = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function requiredSigners(terms: ConsentTerms): RequiredSigner[] {
  const required: RequiredSigner[] = [];
  const add = (key: Uint8Array, who: string) => {
    const existing = required.find(r => hex(r.key) === hex(key));
    if (existing) existing.holder = `${existing.holder}; ${who}`;
    else required.push({ key, holder: who });
  };
  for (const d of [...terms.datasets].sort((a, b) => ordinal(a.datasetId, b.datasetId))) add(d.ownerKey, `${d.owner}, owner of dataset '${d.datasetId}'`);
  for (const r of [...terms.recipients].sort((a, b) => ordinal(a.user, b.user))) add(r.key, `${r.user}, recipient of the model`);
  return required;
}

export function sameKey(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** What the page shows about one key of the terms: this browser's, or not. */
export function isThisBrowser(keyBase64: string, browserKey: Uint8Array | undefined): boolean {
  if (!browserKey) return false;
  try {
    return sameKey(fromBase64(keyBase64), browserKey);
  } catch {
    return false;
  }
}

/** The checked terms and the digest this browser computed over them. */
export interface CheckedApproval {
  terms: ConsentTerms;
  digest: Uint8Array;
  /** What this browser's signature stands for, in words (its holder line in the required signers). */
  signsAs: string;
}

/**
 * Rebuilds the terms from the view, computes their digest here, and checks that it is the platform's and that this
 * browser's key (`browserKey`, SPKI DER) is one the terms require. `user` is the signed-in user's name, used only to
 * say which of their datasets or deliveries need another device's key. Throws ApprovalRefused saying why not.
 */
export async function checkApproval(view: ConsentTermsView, browserKey: Uint8Array, user: string): Promise<CheckedApproval> {
  const terms = termsFromView(view);
  let digest: Uint8Array;
  try {
    digest = await consentDigest(terms);
  } catch (e) {
    throw new ApprovalRefused(`${e instanceof Error ? e.message : String(e)} Nothing was signed.`);
  }
  if (hex(digest) !== view.digest.toLowerCase()) {
    throw new ApprovalRefused(`The terms shown do not match the platform's digest of this job (this browser computed ${hex(digest).slice(0, 16)}…, `
      + `the platform states ${view.digest.slice(0, 16)}…): what you would sign is not what the platform holds. Nothing was signed; reload the page, `
      + 'and if it persists tell your administrator.');
  }
  const mine = requiredSigners(terms).find(r => sameKey(r.key, browserKey));
  if (!mine) {
    const browser = (await keyFingerprint(browserKey)).short;
    const owned = terms.datasets.filter(d => d.owner === user);
    if (owned.length > 0) {
      const d = owned[0]!;
      throw new ApprovalRefused(`Dataset '${d.datasetId}' was shared with key ${(await keyFingerprint(d.ownerKey)).short}; this browser holds key ${browser}: `
        + 'approve with `imguard job approve` on the device that shared it.');
    }
    const recipient = terms.recipients.find(r => r.user === user);
    if (recipient) {
      throw new ApprovalRefused(`You receive the model with key ${(await keyFingerprint(recipient.key)).short}; this browser holds key ${browser}: `
        + 'approve with `imguard job approve` on the device that holds that key.');
    }
    throw new ApprovalRefused(`This browser's key ${browser} is not one this job needs a signature from: only its datasets' owners and the model's recipients approve it.`);
  }
  return { terms, digest, signsAs: mine.holder };
}

/** The approval to send: this browser's key and its signature over the digest computed here. */
export async function signApproval(checked: CheckedApproval, key: { pair: CryptoKeyPair; publicKey: Uint8Array }): Promise<ApproveJobRequest> {
  return { key: toBase64(key.publicKey), signature: toBase64(await signDigest(key.pair.privateKey, checked.digest)) };
}

/**
 * JSON.parse for a consent view that keeps each parameter's integer exact: where the engine hands the reviver the
 * number's source text (current browsers), an `integer` field becomes a bigint; elsewhere it stays a number and
 * termsFromView refuses one beyond 2^53.
 */
export function parseConsentView(text: string): ConsentTermsView {
  return JSON.parse(text, function (this: unknown, key: string, value: unknown, context?: { source?: string }) {
    if (key === 'integer' && typeof value === 'number' && typeof context?.source === 'string' && /^-?\d+$/.test(context.source)) {
      return BigInt(context.source);
    }
    return value;
  } as (this: unknown, key: string, value: unknown) => unknown) as ConsentTermsView;
}
