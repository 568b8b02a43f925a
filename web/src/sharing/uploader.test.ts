import { describe, expect, it } from 'vitest';
import { probeParty, ShareUploader, UploadRefusedError, type UploadGrant } from './uploader';

const grant: UploadGrant = { party: 1, url: 'https://party1.example:7402/', grant: 'g1', expiresAt: '2099-01-01T00:00:00Z' };

/** A fake party: the chunk protocol over an in-memory buffer, with scripted failures. */
class FakeParty {
  committed = 0;
  declared = 0;
  received = new Uint8Array(0);
  requests: string[] = [];
  /** Answers to force, in order, before the real handling (a status, or 'network'). */
  script: (number | 'network')[] = [];
  lostAnswers = 0;
  completed = false;

  fetch: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    const method = init?.method ?? 'GET';
    this.requests.push(`${method} ${url.pathname}`);
    expect(new Headers(init?.headers).get('Authorization')).toMatch(/^Bearer g/);
    const forced = this.script.shift();
    if (forced === 'network') throw new TypeError('Failed to fetch');
    if (forced !== undefined) return problem(forced, forced === 401 ? 'The grant has expired.' : 'busy');
    if (method === 'POST' && url.pathname === '/api/uploads/') {
      const body = JSON.parse(String(init?.body)) as { datasetId: string; totalBytes: number };
      this.declared = body.totalBytes;
      this.received = new Uint8Array(body.totalBytes);
      return json(this.status());
    }
    if (method === 'GET' && url.pathname === '/api/uploads/up-1') return json(this.status());
    const chunk = /^\/api\/uploads\/up-1\/chunks\/(\d+)$/.exec(url.pathname);
    if (method === 'PUT' && chunk) {
      const offset = Number(chunk[1]);
      if (offset !== this.committed) return problem(409, 'OffsetConflict');
      const bytes = init!.body as Uint8Array;
      const hash = new Headers(init?.headers).get('X-Chunk-SHA256')!;
      const actual = Buffer.from(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)).toString('hex');
      if (hash !== actual) return problem(422, 'ChunkHashMismatch');
      this.received.set(bytes, offset);
      this.committed += bytes.length;
      if (this.lostAnswers > 0) {
        this.lostAnswers--;
        throw new TypeError('Failed to fetch'); // landed, but the answer was lost
      }
      return json(this.status());
    }
    if (method === 'POST' && url.pathname === '/api/uploads/up-1/complete') {
      this.completed = true;
      return json({ datasetId: 'ds-1', digest: 'abc', bytes: this.committed, reportedToPlatform: true });
    }
    return problem(404, 'NotFound');
  };

  status() {
    return { uploadId: 'up-1', datasetId: 'ds-1', declaredBytes: this.declared, committedBytes: this.committed, maxChunkBytes: 4 };
  }
}

function json(body: unknown): Response {
  return new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });
}

function problem(status: number, detail: string): Response {
  return new Response(JSON.stringify({ title: 'Refused', detail }), { status, headers: { 'Content-Type': 'application/problem+json' } });
}

const file = new Blob([Uint8Array.from({ length: 10 }, (_, i) => i + 1)]);
const noSleep = async () => {};

describe('share uploader', () => {
  it('sends the file in chunks of the party\'s size with their hashes, then completes', async () => {
    const party = new FakeParty();
    const progress: number[] = [];
    const done = await new ShareUploader(grant, { fetch: party.fetch, sleep: noSleep }).upload(file, 'ds-1', { onProgress: s => progress.push(s) });
    expect(done.reportedToPlatform).toBe(true);
    expect(Array.from(party.received)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(progress).toEqual([0, 4, 8, 10]);
    expect(party.requests).toEqual(['POST /api/uploads/', 'PUT /api/uploads/up-1/chunks/0', 'PUT /api/uploads/up-1/chunks/4', 'PUT /api/uploads/up-1/chunks/8', 'POST /api/uploads/up-1/complete']);
  });

  it('resumes at the party\'s committed length after a pause', async () => {
    const party = new FakeParty();
    const uploader = new ShareUploader(grant, { fetch: party.fetch, sleep: noSleep });
    const pause = new AbortController();
    await expect(uploader.upload(file, 'ds-1', { signal: pause.signal, onProgress: s => { if (s === 4) pause.abort(); } })).rejects.toThrow();
    expect(uploader.uploadId).toBe('up-1');
    party.requests = [];
    await uploader.upload(file, 'ds-1');
    expect(party.requests).toEqual(['GET /api/uploads/up-1', 'PUT /api/uploads/up-1/chunks/4', 'PUT /api/uploads/up-1/chunks/8', 'POST /api/uploads/up-1/complete']);
    expect(Array.from(party.received)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('names a new upload session when it begins, and a new uploader given that id goes on with it (a page reloaded)', async () => {
    const party = new FakeParty();
    const begun: string[] = [];
    const pause = new AbortController();
    await expect(new ShareUploader(grant, { fetch: party.fetch, sleep: noSleep })
      .upload(file, 'ds-1', { signal: pause.signal, onBegun: id => begun.push(id), onProgress: s => { if (s === 4) pause.abort(); } })).rejects.toThrow();
    expect(begun).toEqual(['up-1']);
    party.requests = [];
    const later = new ShareUploader(grant, { fetch: party.fetch, sleep: noSleep });
    later.uploadId = begun[0];
    await later.upload(file, 'ds-1', { onBegun: id => begun.push(id) });
    expect(begun).toEqual(['up-1']); // no second session
    expect(party.requests[0]).toBe('GET /api/uploads/up-1');
    expect(Array.from(party.received)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('retries 5xx and network errors with back-off, and re-reads the status when a chunk\'s answer was lost', async () => {
    const party = new FakeParty();
    const delays: number[] = [];
    party.script = [503, 'network']; // the begin fails twice
    party.lostAnswers = 1; // the first chunk lands but its answer is lost → retry gets 409 → status
    await new ShareUploader(grant, { fetch: party.fetch, sleep: async ms => void delays.push(ms) }).upload(file, 'ds-1');
    expect(delays).toEqual([200, 400, 200]);
    expect(party.requests.slice(0, 6)).toEqual(['POST /api/uploads/', 'POST /api/uploads/', 'POST /api/uploads/', 'PUT /api/uploads/up-1/chunks/0', 'PUT /api/uploads/up-1/chunks/0', 'GET /api/uploads/up-1']);
    expect(Array.from(party.received)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('gives up after the last attempt', async () => {
    const party = new FakeParty();
    party.script = [500, 500, 500];
    await expect(new ShareUploader(grant, { fetch: party.fetch, sleep: noSleep, attempts: 3 }).upload(file, 'ds-1')).rejects.toThrow(/Party 1 answered 500: busy/);
  });

  it('stops on 401 with the party\'s message, and goes on with a fresh grant', async () => {
    const second = new FakeParty();
    const up = new ShareUploader(grant, { fetch: second.fetch, sleep: noSleep });
    const first = up.upload(file, 'ds-1', { onProgress: s => { if (s === 4) second.script.push(401); } });
    const error = await first.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UploadRefusedError);
    expect((error as UploadRefusedError).status).toBe(401);
    expect((error as Error).message).toBe('Party 1 refused the upload (401): The grant has expired.');
    expect(second.requests.filter(r => r.startsWith('PUT'))).toHaveLength(2);
    up.setGrant({ ...grant, grant: 'g2' });
    await up.upload(file, 'ds-1');
    expect(second.completed).toBe(true);
    expect(Array.from(second.received)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('probes a party\'s /health and names a connection failure', async () => {
    await expect(probeParty(0, 'https://p0:1', async () => new Response('{}', { status: 200 }))).resolves.toBeUndefined();
    await expect(probeParty(0, 'https://p0:1', async () => { throw new TypeError('Failed to fetch'); }))
      .rejects.toThrow('Party 0 at https://p0:1 could not be reached from this browser (Failed to fetch).');
  });
});
