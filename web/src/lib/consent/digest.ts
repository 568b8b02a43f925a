// The digest an owner signs to approve a job, computed in this browser from the terms it shows the owner — never a
// digest the platform hands over, so a platform that shows one job and starts another holds no signature for it.
// The same bytes as Imguard.Contracts.Consent.ConsentDigest (see its remarks for the layout); tests/vectors/consent-v1
// holds terms, their encoding and digest, checked by both languages.

export const purposes = { train: 'train', test: 'test' } as const;
export type ConsentPurpose = (typeof purposes)[keyof typeof purposes];

export interface ConsentDataset {
  datasetId: string;
  purpose: ConsentPurpose;
  owner: string;
  /** SubjectPublicKeyInfo DER of the owner's ECDSA P-256 key. */
  ownerKey: Uint8Array;
}

export interface ConsentRecipient {
  user: string;
  key: Uint8Array;
}

/** A setting the owners approve; reals are signed as IEEE 754 bits, so no decimal rendering has to agree. */
export type ConsentParameter =
  | { name: string; kind: 'integer'; value: bigint }
  | { name: string; kind: 'real'; value: number }
  | { name: string; kind: 'text'; value: string }
  | { name: string; kind: 'flag'; value: boolean };

export interface ConsentTerms {
  jobId: string;
  projectId: string;
  datasets: ConsentDataset[];
  /** Exactly as the job holds it: the bytes are signed. */
  modelSpecJson: string;
  parameters: ConsentParameter[];
  recipients: ConsentRecipient[];
}

const kindByte = { integer: 1, real: 2, text: 3, flag: 4 } as const;
const tag = 'imguard-job-consent-v1\n';

/** Ordinal (UTF-16 code unit) order, as .NET's StringComparer.Ordinal: JavaScript's < on strings is exactly that. */
const ordinal = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function duplicate(names: string[]): string | undefined {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) return name;
    seen.add(name);
  }
  return undefined;
}

/** Whether a string is well-formed UTF-16 (no lone surrogate): TextEncoder would write U+FFFD for one, .NET refuses. */
function wellFormed(text: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

/** Why the terms cannot be signed, or undefined; the same rules as ConsentDigest.Check (the key's curve is checked on import). */
export function checkTerms(terms: ConsentTerms): string | undefined {
  if (!terms.jobId || !terms.projectId || !terms.modelSpecJson) return 'the job id, the project id and the model spec are required';
  if (!terms.datasets.some(d => d.purpose === purposes.train)) return 'a job trains on at least one dataset';
  if (terms.recipients.length === 0) return 'a job names at least one model recipient';
  for (const d of terms.datasets) {
    if (!d.datasetId || !d.owner) return 'every dataset names its id, its owner and the owner\'s key';
    if (d.purpose !== purposes.train && d.purpose !== purposes.test) return `dataset '${d.datasetId}' has purpose '${String(d.purpose)}'; a purpose is 'train' or 'test'`;
  }
  if (terms.recipients.some(r => !r.user)) return 'every recipient names a user and the user\'s key';
  const d = duplicate(terms.datasets.map(x => x.datasetId));
  if (d !== undefined) return `dataset '${d}' is named twice`;
  const p = duplicate(terms.parameters.map(x => x.name));
  if (p !== undefined) return `parameter '${p}' is named twice`;
  const r = duplicate(terms.recipients.map(x => x.user));
  if (r !== undefined) return `recipient '${r}' is named twice`;
  const texts = [terms.jobId, terms.projectId, terms.modelSpecJson,
    ...terms.datasets.flatMap(x => [x.datasetId, x.purpose, x.owner]),
    ...terms.parameters.flatMap(x => [x.name, x.kind === 'text' ? x.value : '']),
    ...terms.recipients.map(x => x.user)];
  return texts.every(wellFormed) ? undefined : 'a text holds a lone UTF-16 surrogate';
}

class Writer {
  private chunks: Uint8Array[] = [];
  private readonly utf8 = new TextEncoder();

  bytes(value: Uint8Array) {
    this.count(value.length);
    this.chunks.push(value);
  }

  text(value: string) {
    this.bytes(this.utf8.encode(value));
  }

  count(value: number) {
    const word = new DataView(new ArrayBuffer(4));
    word.setUint32(0, value, true);
    this.chunks.push(new Uint8Array(word.buffer));
  }

  raw(value: Uint8Array) {
    this.chunks.push(value);
  }

  done(): Uint8Array {
    const out = new Uint8Array(this.chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

/** The canonical bytes of the terms (ConsentDigest.Encode); throws when checkTerms finds a problem. */
export function encodeTerms(terms: ConsentTerms): Uint8Array {
  const problem = checkTerms(terms);
  if (problem !== undefined) throw new Error(`The consent terms cannot be signed: ${problem}.`);
  const w = new Writer();
  w.raw(new TextEncoder().encode(tag));
  w.text(terms.jobId);
  w.text(terms.projectId);
  w.count(terms.datasets.length);
  for (const d of [...terms.datasets].sort((a, b) => ordinal(a.datasetId, b.datasetId))) {
    w.text(d.datasetId);
    w.text(d.purpose);
    w.text(d.owner);
    w.bytes(d.ownerKey);
  }
  w.text(terms.modelSpecJson);
  w.count(terms.parameters.length);
  for (const p of [...terms.parameters].sort((a, b) => ordinal(a.name, b.name))) {
    w.text(p.name);
    w.raw(Uint8Array.of(kindByte[p.kind]));
    const word = new DataView(new ArrayBuffer(8));
    switch (p.kind) {
      case 'integer':
        word.setBigInt64(0, p.value, true);
        w.raw(new Uint8Array(word.buffer));
        break;
      case 'real':
        if (!Number.isFinite(p.value)) throw new Error('A consent parameter is a finite number.');
        word.setFloat64(0, p.value, true);
        w.raw(new Uint8Array(word.buffer));
        break;
      case 'flag':
        w.raw(Uint8Array.of(p.value ? 1 : 0));
        break;
      case 'text':
        w.text(p.value);
        break;
    }
  }
  w.count(terms.recipients.length);
  for (const r of [...terms.recipients].sort((a, b) => ordinal(a.user, b.user))) {
    w.text(r.user);
    w.bytes(r.key);
  }
  return w.done();
}

/** SHA-256 of encodeTerms(terms): the 32 bytes an owner signs. */
export async function consentDigest(terms: ConsentTerms): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', encodeTerms(terms) as BufferSource));
}
