// The cross-language proof for consent (tests/vectors/consent-v1): this browser code must write exactly the encoding
// and digest in expected.json for the terms in inputs.json (which C#'s ConsentVectorTests checks too), its signatures
// must verify, and a signature made by the .NET build (dotnet-signature.json) must verify here.
// UPDATE_VECTORS=1 makes new keys and signatures and rewrites inputs.json and expected.json (then run the C# vector
// test with UPDATE_VECTORS=1 to re-sign dotnet-signature.json).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type ConsentParameter, type ConsentTerms, consentDigest, encodeTerms } from './digest';
import { exportPublicKey, generateOwnerKey, signDigest, verifyDigest } from './signing';

const folder = fileURLToPath(new URL('../../../../tests/vectors/consent-v1/', import.meta.url));
const readJson = (name: string) => JSON.parse(readFileSync(folder + name, 'utf8'));
const base64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

interface Inputs {
  jobId: string; projectId: string; modelSpecJson: string;
  datasets: { datasetId: string; purpose: 'train' | 'test'; owner: string; ownerKey: string }[];
  parameters: { name: string; kind: ConsentParameter['kind']; value: string | number | boolean }[];
  recipients: { user: string; key: string }[];
}

function termsOf(inputs: Inputs): ConsentTerms {
  return {
    jobId: inputs.jobId,
    projectId: inputs.projectId,
    modelSpecJson: inputs.modelSpecJson,
    datasets: inputs.datasets.map(d => ({ ...d, ownerKey: base64(d.ownerKey) })),
    // Integers travel as decimal strings in the JSON: a 64-bit value does not fit a JavaScript number.
    parameters: inputs.parameters.map(p => p.kind === 'integer' ? { name: p.name, kind: 'integer', value: BigInt(p.value as string) } : p as ConsentParameter),
    recipients: inputs.recipients.map(r => ({ user: r.user, key: base64(r.key) })),
  };
}

async function regenerate() {
  const inputs = readJson('inputs.json') as Inputs;
  const owners = [...new Set([...inputs.datasets.map(d => d.owner), ...inputs.recipients.map(r => r.user)])];
  const pairs = new Map<string, CryptoKeyPair>();
  for (const owner of owners) pairs.set(owner, await generateOwnerKey());
  const spki = async (owner: string) => Buffer.from(await exportPublicKey(pairs.get(owner)!.publicKey)).toString('base64');
  for (const d of inputs.datasets) d.ownerKey = await spki(d.owner);
  for (const r of inputs.recipients) r.key = await spki(r.user);
  const terms = termsOf(inputs);
  const digest = await consentDigest(terms);
  const signers = owners.slice(0, 2);
  const webCryptoSignatures = [];
  for (const signer of signers) {
    webCryptoSignatures.push({ signer, key: await spki(signer), signature: Buffer.from(await signDigest(pairs.get(signer)!.privateKey, digest)).toString('base64') });
  }
  writeFileSync(folder + 'inputs.json', JSON.stringify(inputs, null, 2) + '\n');
  writeFileSync(folder + 'expected.json', JSON.stringify({ encoding: hex(encodeTerms(terms)), digest: hex(digest), webCryptoSignatures }, null, 2) + '\n');
}

describe('consent-v1 vector', () => {
  it('writes the encoding and digest both languages agree on', async () => {
    if (process.env.UPDATE_VECTORS === '1') await regenerate();
    const terms = termsOf(readJson('inputs.json'));
    const expected = readJson('expected.json');
    expect(hex(encodeTerms(terms))).toBe(expected.encoding);
    expect(hex(await consentDigest(terms))).toBe(expected.digest);
  });

  it('verifies the browser signatures and the .NET one, and no signature over another digest', async () => {
    const digest = await consentDigest(termsOf(readJson('inputs.json')));
    const other = digest.slice();
    other[0] = other[0]! ^ 1;
    const entries = [...readJson('expected.json').webCryptoSignatures, readJson('dotnet-signature.json')] as { key: string; signature: string }[];
    expect(entries).toHaveLength(3);
    for (const entry of entries) {
      expect(await verifyDigest(base64(entry.key), digest, base64(entry.signature))).toBe(true);
      expect(await verifyDigest(base64(entry.key), other, base64(entry.signature))).toBe(false);
    }
  });
});
