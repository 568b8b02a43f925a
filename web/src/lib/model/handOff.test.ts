import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ApiClient, ApiError } from '../../api/client';
import type { ModelDownloadGrants } from '../../api/types';
import { modelRequestDigest, modelRequestHeaders, type ModelRequestSigner } from '../consent/modelRequest';
import { exportPublicKey, generateOwnerKey, signDigest, verifyDigest } from '../consent/signing';
import { saveOwnerDataset, type KeyValueStore } from '../ownerVault';
import { downloadEvaluation, downloadModel, GrantCache, modelExportOptions, PartyDownloadError, vaultExportOptions } from './handOff';
import { exportOnnx } from './onnx';

const folder = fileURLToPath(new URL('../../../../tests/vectors/model-v1/', import.meta.url));
const read = (name: string) => new Uint8Array(readFileSync(folder + name));

const grants = (expiresAt: string): ModelDownloadGrants => ({
  jobId: 'job-1',
  downloads: [
    { party: 1, url: 'https://p1.example:7402/', grant: 'g1', expiresAt },
    { party: 0, url: 'https://p0.example:7401', grant: 'g0', expiresAt },
  ],
});

const pair = await generateOwnerKey();
const signer: ModelRequestSigner = { publicKey: await exportPublicKey(pair.publicKey), sign: digest => signDigest(pair.privateKey, digest) };
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/**
 * A platform and two parties behind one fake fetch, serving the model-v1 vector; records every request. Each party
 * issues a challenge and serves a file only to a request signed by `signer` over that challenge, this party and the file.
 */
function fakeSystem(options: { refuseParty?: number; unreachable?: number; evaluationOnly?: boolean } = {}) {
  const requests: { url: string; init: RequestInit | undefined }[] = [];
  const issued = new Map<string, string>(); // challenge (base64) -> what it was issued for
  let grantCalls = 0;
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    requests.push({ url, init });
    if (url === '/api/auth/csrf') return Response.json({ token: 't' });
    if (url === '/api/jobs/job-1/model-grants') {
      grantCalls++;
      return Response.json(grants(new Date(Date.now() + 600_000).toISOString()));
    }
    const m = /^https:\/\/p(\d)\.example:740\d\/api\/models\/job-1\/(share|evaluation)(\/challenge)?$/.exec(url);
    if (!m) return new Response('no', { status: 404 });
    const party = Number(m[1]);
    const what = m[2] === 'share' ? 'model' : 'evaluation';
    if (party === options.unreachable) throw new TypeError('Failed to fetch');
    if (party === options.refuseParty || (options.evaluationOnly && what === 'model')) {
      return Response.json({ title: 'Download not allowed', detail: 'The grant has expired.' }, { status: 403, headers: { 'Content-Type': 'application/problem+json' } });
    }
    if (m[3]) {
      const challenge = b64(crypto.getRandomValues(new Uint8Array(32)));
      issued.set(challenge, `${party}/${what}`);
      return Response.json({ challenge, partyId: party, expiresAt: new Date(Date.now() + 300_000).toISOString() });
    }
    const headers = init?.headers as Record<string, string>;
    const challenge = headers[modelRequestHeaders.challenge] ?? '';
    const fresh = issued.get(challenge) === `${party}/${what}`;
    issued.delete(challenge);
    const digest = await modelRequestDigest('job-1', party, what, new Uint8Array(Buffer.from(challenge, 'base64')));
    if (!fresh || headers[modelRequestHeaders.key] !== b64(signer.publicKey)
      || !await verifyDigest(signer.publicKey, digest, new Uint8Array(Buffer.from(headers[modelRequestHeaders.signature] ?? '', 'base64')))) {
      return Response.json({ title: 'Request not signed by an entitled key', detail: 'refused' }, { status: 403, headers: { 'Content-Type': 'application/problem+json' } });
    }
    const file = m[2] === 'share' ? `model.party${party}.share` : `evaluation.party${party}.share`;
    return new Response(read(file), { status: 200 });
  }) as typeof fetch;
  const api = new ApiClient({ fetch: fetchImpl, cookies: () => '', modelRequestSigner: async () => signer });
  return { api, requests, grantCalls: () => grantCalls };
}

describe('model hand-off', () => {
  it('fetches each share from its party with its grant and no cookies, and reconstructs the model', async () => {
    const { api, requests, grantCalls } = fakeSystem();
    const cache = new GrantCache(api, 'job-1');
    const { model, bytes } = await downloadModel(api, cache, 'job-1');
    expect(Buffer.from(exportOnnx(model.spec, model.parameters)).equals(Buffer.from(read('model.no-statistics.onnx')))).toBe(true);
    expect(bytes).toEqual([read('model.party0.share').length, read('model.party1.share').length]);
    const party = requests.filter(r => r.url.includes('/api/models/'));
    expect(party.map(r => r.url).sort()).toEqual([
      'https://p0.example:7401/api/models/job-1/share', 'https://p0.example:7401/api/models/job-1/share/challenge',
      'https://p1.example:7402/api/models/job-1/share', 'https://p1.example:7402/api/models/job-1/share/challenge',
    ]);
    for (const r of party) {
      expect(r.init?.credentials).toBe('omit');
      const auth = (r.init?.headers as Record<string, string>).Authorization;
      expect(auth).toBe(r.url.includes('p0') ? 'Bearer g0' : 'Bearer g1');
    }
    const evaluation = await downloadEvaluation(api, cache, 'job-1');
    expect(evaluation.result.accuracy).toBe(0.75);
    expect(evaluation.classes).toBe(3);
    expect(grantCalls()).toBe(1); // the grants were reused
  });

  it('gives a test set\'s owner who is no recipient the accuracy from the two evaluation shares alone, each request signed', async () => {
    // These parties refuse this key the model (it is no recipient's): the evaluation-only panel never asks for it.
    const { api, requests } = fakeSystem({ evaluationOnly: true });
    await expect(downloadModel(api, new GrantCache(api, 'job-1'), 'job-1')).rejects.toThrow(/Party \d .* refused the download/);
    requests.length = 0;
    const evaluation = await downloadEvaluation(api, new GrantCache(api, 'job-1'), 'job-1');
    expect(evaluation.result).toMatchObject({ count: 12, correct: 9, accuracy: 0.75 });
    expect(Array.from(evaluation.result.predicted)).toEqual([0, 1, 1, 2, 1, 2, 0, 2, 0, 1, 2, 0]);
    const party = requests.filter(r => r.url.includes('/api/models/'));
    expect(party.map(r => r.url).sort()).toEqual([
      'https://p0.example:7401/api/models/job-1/evaluation', 'https://p0.example:7401/api/models/job-1/evaluation/challenge',
      'https://p1.example:7402/api/models/job-1/evaluation', 'https://p1.example:7402/api/models/job-1/evaluation/challenge',
    ]);
    for (const r of party.filter(r => !r.url.endsWith('/challenge'))) {
      const headers = r.init?.headers as Record<string, string>;
      expect(headers[modelRequestHeaders.key]).toBe(b64(signer.publicKey));
      expect(headers[modelRequestHeaders.signature]).toBeTruthy();
    }
  });

  it('renews grants that are about to expire', async () => {
    const { api, grantCalls } = fakeSystem();
    let now = Date.now();
    const cache = new GrantCache(api, 'job-1', () => now);
    await cache.get();
    now += 590_000;
    await cache.get();
    expect(grantCalls()).toBe(2);
  });

  it('names the party that refused or could not be reached', async () => {
    const refused = fakeSystem({ refuseParty: 1 });
    const error = await downloadModel(refused.api, new GrantCache(refused.api, 'job-1'), 'job-1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartyDownloadError);
    expect((error as Error).message).toMatch(/^Party 1 \(https:\/\/p1\.example:7402\/\) refused the download: Download not allowed: The grant has expired\./);
    const down = fakeSystem({ unreachable: 0 });
    await expect(downloadModel(down.api, new GrantCache(down.api, 'job-1'), 'job-1')).rejects.toThrow(/Party 0 .* could not be reached from this browser/);
  });

  it('passes the platform refusing grants through as an ApiError', async () => {
    const api = new ApiClient({
      fetch: (async (input: RequestInfo | URL) => String(input) === '/api/auth/csrf' ? Response.json({ token: 't' })
        : Response.json({ title: 'Conflict', detail: 'Job job-1 is running.' }, { status: 409 })) as typeof fetch,
      cookies: () => '',
    });
    await expect(downloadModel(api, new GrantCache(api, 'job-1'), 'job-1')).rejects.toBeInstanceOf(ApiError);
  });

  it('puts the training set\'s statistics and class names from the owner vault into the ONNX, as C# does, and none it lacks', async () => {
    const { api } = fakeSystem();
    const { model } = await downloadModel(api, new GrantCache(api, 'job-1'), 'job-1');
    const expected = JSON.parse(readFileSync(folder + 'expected.json', 'utf8')) as { standardization: { mean: number[]; std: number[] }; classNames: string[] };
    const kv = memoryStore();
    expect(vaultExportOptions(model.spec, 'ds-train', kv)).toBeUndefined();
    saveOwnerDataset({
      datasetId: 'ds-train', projectId: 'p', name: 'train', purpose: 'train', standardization: expected.standardization,
      classNames: expected.classNames, createdAt: '2025-01-01T00:00:00Z',
    }, kv);
    const options = vaultExportOptions(model.spec, 'ds-train', kv);
    expect(Buffer.from(exportOnnx(model.spec, model.parameters, undefined, options)).equals(Buffer.from(read('model.onnx')))).toBe(true);
    // A record from before training sets kept their class names: the statistics still go in, the names are indices.
    saveOwnerDataset({ datasetId: 'ds-old', projectId: 'p', name: 'old', purpose: 'train', standardization: expected.standardization, createdAt: '2025-01-01T00:00:00Z' }, kv);
    expect(vaultExportOptions(model.spec, 'ds-old', kv)).toEqual({ standardization: expected.standardization });
  });

  it('starts a union job\'s ONNX with the statistics the job opened, never the vault\'s own ones of a training set', async () => {
    const { api } = fakeSystem();
    const { model } = await downloadModel(api, new GrantCache(api, 'job-1'), 'job-1');
    const expected = JSON.parse(readFileSync(folder + 'expected.json', 'utf8')) as { standardization: { mean: number[]; std: number[] }; classNames: string[] };
    const kv = memoryStore();
    // This browser shared the training set standardised with other (its owner's own) statistics, then disclosed them.
    const own = { mean: expected.standardization.mean.map(m => m + 0.1), std: expected.standardization.std.map(s => s * 2) };
    saveOwnerDataset({ datasetId: 'ds-train', projectId: 'p', name: 'train', purpose: 'train', standardization: own, classNames: expected.classNames, createdAt: 'now' }, kv);
    const union = { trainDatasetId: 'ds-train', standardization: { mode: 'union', statistics: { ...expected.standardization, valuesPerChannel: 1000 } } };
    const chosen = modelExportOptions(model.spec, union, kv);
    expect(chosen.source).toBe('job');
    expect(chosen.options).toEqual({ standardization: expected.standardization, classNames: expected.classNames });
    expect(Buffer.from(exportOnnx(model.spec, model.parameters, undefined, chosen.options)).equals(Buffer.from(read('model.onnx')))).toBe(true);
    // Before the statistics are recorded (or of another channel count) the ONNX takes standardised input; the vault is not used.
    expect(modelExportOptions(model.spec, { ...union, standardization: { mode: 'union', statistics: null } }, kv)).toEqual({ options: undefined, source: 'none' });
    expect(modelExportOptions(model.spec, { ...union, standardization: { mode: 'union', statistics: { mean: [0], std: [1], valuesPerChannel: 1 } } }, kv).source).toBe('none');
    // A job as shared (or from before standardisation modes) uses the vault, as before.
    expect(modelExportOptions(model.spec, { trainDatasetId: 'ds-train', standardization: { mode: 'as-shared', statistics: null } }, kv))
      .toEqual({ options: { standardization: own, classNames: expected.classNames }, source: 'vault' });
    expect(modelExportOptions(model.spec, { trainDatasetId: 'ds-train' }, kv).source).toBe('vault');
    expect(modelExportOptions(model.spec, { trainDatasetId: 'ds-none' }, kv)).toEqual({ options: undefined, source: 'none' });
  });
});

function memoryStore(): KeyValueStore {
  const map = new Map<string, string>();
  return {
    getItem: k => map.get(k) ?? null,
    setItem: (k, v) => { map.set(k, v); },
    removeItem: k => { map.delete(k); },
    get length() { return map.size; },
    key: i => [...map.keys()][i] ?? null,
  };
}
