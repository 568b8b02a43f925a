// The browser's signed model request: the same bytes as C#'s ModelRequestDigest (tests/vectors/model-request-v1), a
// signature the party's ConsentSignature.Verify accepts (r ‖ s over the digest), only this user's stored key, and the
// download asking for a challenge first and signing it for the party the grant names.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ApiClient } from '../../api/client';
import type { OwnerKeyStore, StoredOwnerKey } from './keystore';
import { browserSigner, encodeModelRequest, modelRequestDigest, modelRequestHeaders, type ModelRequestWhat } from './modelRequest';
import { exportPublicKey, generateOwnerKey, verifyDigest } from './signing';

const folder = fileURLToPath(new URL('../../../../tests/vectors/model-request-v1/', import.meta.url));
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const challenge = new Uint8Array(32).map((_, i) => i);

function memoryStore(): OwnerKeyStore {
  const keys = new Map<string, StoredOwnerKey>();
  return {
    get: async user => keys.get(user),
    add: async key => { if (!keys.has(key.user)) keys.set(key.user, key); return keys.get(key.user)!; },
  };
}

async function storedKey(user: string): Promise<StoredOwnerKey> {
  const pair = await generateOwnerKey();
  return { user, pair, publicKey: await exportPublicKey(pair.publicKey), createdAt: '2026-12-07T21:00:00Z' };
}

describe('signed model request', () => {
  it('writes the encoding and digest of the cross-language vector', async () => {
    const { cases } = JSON.parse(readFileSync(folder + 'expected.json', 'utf8')) as {
      cases: { jobId: string; partyId: number; what: ModelRequestWhat; challenge: string; encoding: string; digest: string }[];
    };
    expect(cases).toHaveLength(2);
    for (const c of cases) {
      const bytes = new Uint8Array(Buffer.from(c.challenge, 'hex'));
      expect(hex(encodeModelRequest(c.jobId, c.partyId, c.what, bytes))).toBe(c.encoding);
      expect(hex(await modelRequestDigest(c.jobId, c.partyId, c.what, bytes))).toBe(c.digest);
    }
  });

  it('changes the digest with the job, the party, the file and the challenge', async () => {
    const base = hex(await modelRequestDigest('job-1', 0, 'model', challenge));
    const other = challenge.slice();
    other[31] = (other[31] ?? 0) ^ 1;
    for (const digest of [
      await modelRequestDigest('job-2', 0, 'model', challenge),
      await modelRequestDigest('job-1', 1, 'model', challenge),
      await modelRequestDigest('job-1', 0, 'evaluation', challenge),
      await modelRequestDigest('job-1', 0, 'model', other),
    ]) expect(hex(digest)).not.toBe(base);
  });

  it('refuses what a party never issues', () => {
    expect(() => encodeModelRequest('../job', 0, 'model', challenge)).toThrow(/job id/);
    expect(() => encodeModelRequest('job-1', 2, 'model', challenge)).toThrow(/party id/);
    expect(() => encodeModelRequest('job-1', 0, 'checkpoint' as ModelRequestWhat, challenge)).toThrow(/'model' or 'evaluation'/);
    expect(() => encodeModelRequest('job-1', 0, 'model', challenge.slice(1))).toThrow(/32 bytes/);
  });

  it('signs with the user\'s stored key only, never a new one', async () => {
    const store = memoryStore();
    await expect(browserSigner('alice', store)).rejects.toThrow(/holds no signing key for alice/);
    const alice = await store.add(await storedKey('alice'));
    const signer = await browserSigner('alice', store);
    expect(signer.publicKey).toEqual(alice.publicKey);
    const digest = await modelRequestDigest('job-1', 1, 'model', challenge);
    expect(await verifyDigest(alice.publicKey, digest, await signer.sign(digest))).toBe(true);
  });

  it('asks the party for a challenge and signs it for the party the grant names', async () => {
    const alice = await storedKey('alice');
    const store = memoryStore();
    await store.add(alice);
    const requests: { url: string; init?: RequestInit }[] = [];
    const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input);
      requests.push({ url, init });
      if (url === '/api/auth/me') return Response.json({ userName: 'alice' });
      if (url.endsWith('/challenge')) return Response.json({ challenge: Buffer.from(challenge).toString('base64'), partyId: 1, expiresAt: '2026-12-07T21:05:00Z' });
      return new Response(new Uint8Array([7, 7, 7]), { status: 200 });
    }) as typeof fetch;
    // The default signer: the signed-in user's key in this browser's store.
    const api = new ApiClient({ fetch: fetchImpl, cookies: () => '', modelRequestSigner: async () => browserSigner('alice', store) });
    const bytes = await api.partyDownload({ party: 1, url: 'https://p1.example:7402', grant: 'g1', expiresAt: '2026-12-07T21:10:00Z' }, 'job-1', 'evaluation');
    expect(Array.from(bytes)).toEqual([7, 7, 7]);
    expect(requests.map(r => `${r.init?.method} ${r.url}`)).toEqual([
      'POST https://p1.example:7402/api/models/job-1/evaluation/challenge',
      'GET https://p1.example:7402/api/models/job-1/evaluation',
    ]);
    const headers = requests[1]?.init?.headers as Record<string, string>;
    expect(headers.Authorization).toBe('Bearer g1');
    expect(requests.every(r => r.init?.credentials === 'omit')).toBe(true);
    expect(headers[modelRequestHeaders.key]).toBe(Buffer.from(alice.publicKey).toString('base64'));
    expect(headers[modelRequestHeaders.challenge]).toBe(Buffer.from(challenge).toString('base64'));
    const signature = new Uint8Array(Buffer.from(headers[modelRequestHeaders.signature] ?? '', 'base64'));
    expect(await verifyDigest(alice.publicKey, await modelRequestDigest('job-1', 1, 'evaluation', challenge), signature)).toBe(true);
    expect(await verifyDigest(alice.publicKey, await modelRequestDigest('job-1', 0, 'evaluation', challenge), signature)).toBe(false);
  });

  it('passes a party\'s refusal of the challenge through without signing', async () => {
    let signed = false;
    const api = new ApiClient({
      fetch: (async () => Response.json({ title: 'No evaluation', detail: 'The job had no test set.' }, { status: 404 })) as typeof fetch,
      cookies: () => '',
      modelRequestSigner: async () => { signed = true; throw new Error('not reached'); },
    });
    await expect(api.partyDownload({ party: 0, url: 'https://p0.example:7401/', grant: 'g0', expiresAt: '' }, 'job-1', 'evaluation'))
      .rejects.toThrow(/No evaluation: The job had no test set\./);
    expect(signed).toBe(false);
  });
});
