import { describe, expect, it } from 'vitest';
import { ApiClient, ApiError, CSRF_HEADER, isUnsafe, parseRetryAfter, readCookie, toApiError, withQuery } from './client';

interface Call { url: string; method: string; headers: Record<string, string>; body?: string }

/** A fake fetch that records calls and answers from a list of responders. */
function fakeFetch(responders: ((call: Call) => Response)[]) {
  const calls: Call[] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const call: Call = {
      url: String(input),
      method: init?.method ?? 'GET',
      headers: (init?.headers ?? {}) as Record<string, string>,
      body: init?.body as string | undefined,
    };
    calls.push(call);
    const responder = responders.shift();
    if (!responder) throw new Error(`unexpected request ${call.method} ${call.url}`);
    return responder(call);
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
const problem = (status: number, title: string, detail?: string, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ status, title, detail }), { status, headers: { 'Content-Type': 'application/problem+json', ...headers } });

describe('readCookie', () => {
  it('finds a cookie among others and decodes it', () => {
    expect(readCookie('a=1; XSRF-TOKEN=CfDJ8%2Fabc; b=2', 'XSRF-TOKEN')).toBe('CfDJ8/abc');
  });
  it('does not match a cookie whose name merely ends with the name', () => {
    expect(readCookie('MY-XSRF-TOKEN=x', 'XSRF-TOKEN')).toBeUndefined();
  });
  it('returns undefined for an empty string', () => {
    expect(readCookie('', 'XSRF-TOKEN')).toBeUndefined();
  });
  it('keeps a value that is not valid URI encoding', () => {
    expect(readCookie('XSRF-TOKEN=%E0%A4%A', 'XSRF-TOKEN')).toBe('%E0%A4%A');
  });
});

describe('isUnsafe / parseRetryAfter / withQuery', () => {
  it('treats only GET, HEAD, OPTIONS, TRACE as safe', () => {
    for (const m of ['GET', 'head', 'OPTIONS', 'TRACE']) expect(isUnsafe(m)).toBe(false);
    for (const m of ['POST', 'PUT', 'DELETE', 'patch']) expect(isUnsafe(m)).toBe(true);
  });
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('120')).toBe(120);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:01:30 GMT', now)).toBe(90);
  });
  it('drops empty query values and encodes the rest', () => {
    expect(withQuery('/api/audit/records', { eventType: 'project.created', actor: '', cursor: undefined, limit: 25, newestFirst: true }))
      .toBe('/api/audit/records?eventType=project.created&limit=25&newestFirst=true');
    expect(withQuery('/x', { subject: 'project:a b' })).toBe('/x?subject=project%3Aa+b');
    expect(withQuery('/x', {})).toBe('/x');
  });
});

describe('toApiError', () => {
  it('reads problem details and Retry-After', async () => {
    const error = await toApiError(problem(429, 'Too many requests', 'Too many attempts; try again in 30 s.', { 'Retry-After': '30' }));
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(429);
    expect(error.title).toBe('Too many requests');
    expect(error.detail).toBe('Too many attempts; try again in 30 s.');
    expect(error.retryAfterSeconds).toBe(30);
  });
  it('joins validation errors when there is no detail', async () => {
    const error = await toApiError(json(400, { title: 'One or more validation errors occurred.', errors: { name: ['Required.'] } }));
    expect(error.detail).toBe('name: Required.');
  });
  it('falls back to the status for an empty or HTML body', async () => {
    expect((await toApiError(new Response('', { status: 401 }))).title).toBe('Not signed in');
    const html = await toApiError(new Response('<html>bad gateway</html>', { status: 502, headers: { 'Content-Type': 'text/html' } }));
    expect(html.title).toBe('A server behind the platform did not answer');
    expect(html.detail).toBeUndefined();
  });
});

describe('ApiClient CSRF double submit', () => {
  it('sends no token on GET', async () => {
    const { fetch, calls } = fakeFetch([() => json(200, [])]);
    await new ApiClient({ fetch, cookies: () => 'XSRF-TOKEN=t1' }).projects();
    expect(calls[0]!.headers[CSRF_HEADER]).toBeUndefined();
  });

  it('echoes the XSRF-TOKEN cookie on unsafe requests', async () => {
    const { fetch, calls } = fakeFetch([() => json(201, { id: 'p' })]);
    await new ApiClient({ fetch, cookies: () => 'other=1; XSRF-TOKEN=t1' }).createProject({ name: 'n', description: null, channels: 1, height: 2, width: 2, classes: 2 });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.method).toBe('POST');
    expect(calls[0]!.headers[CSRF_HEADER]).toBe('t1');
    expect(calls[0]!.headers['Content-Type']).toBe('application/json');
    expect(JSON.parse(calls[0]!.body!)).toEqual({ name: 'n', description: null, channels: 1, height: 2, width: 2, classes: 2 });
  });

  it('fetches a token first when the cookie is missing', async () => {
    const { fetch, calls } = fakeFetch([
      () => json(200, { token: 'fresh', headerName: CSRF_HEADER }),
      () => new Response(null, { status: 204 }),
    ]);
    await new ApiClient({ fetch, cookies: () => '' }).removeMember('p1', 'u1');
    expect(calls.map(c => `${c.method} ${c.url}`)).toEqual(['GET /api/auth/csrf', 'DELETE /api/projects/p1/members/u1']);
    expect(calls[1]!.headers[CSRF_HEADER]).toBe('fresh');
  });

  it('refreshes a stale token once after a CSRF refusal and retries', async () => {
    const { fetch, calls } = fakeFetch([
      () => problem(403, 'CSRF check failed', 'send the token'),
      () => json(200, { token: 'fresh' }),
      () => json(200, { id: 'job-1', state: 'Cancelled' }),
    ]);
    const job = await new ApiClient({ fetch, cookies: () => 'XSRF-TOKEN=stale' }).cancelJob('job-1');
    expect(job.state).toBe('Cancelled');
    expect(calls.map(c => c.headers[CSRF_HEADER] ?? '-')).toEqual(['stale', '-', 'fresh']);
  });

  it('does not retry a 403 that is a missing right, and does not loop on a second CSRF refusal', async () => {
    const denied = fakeFetch([() => problem(403, 'Forbidden', 'A project Viewer may not start jobs.')]);
    const error = await new ApiClient({ fetch: denied.fetch, cookies: () => 'XSRF-TOKEN=t' })
      .startJob('p', { model: 'mlp', trainDatasetId: 'ds', epochs: 1, batchSize: 8, learningRate: 0.1, hiding: 'off', k: 1, revealLoss: false })
      .then(() => { throw new Error("expected a refusal"); }, (e: unknown) => e as ApiError);
    expect(denied.calls).toHaveLength(1);
    expect(error.detail).toBe('A project Viewer may not start jobs.');

    const twice = fakeFetch([
      () => problem(403, 'CSRF check failed'),
      () => json(200, { token: 'fresh' }),
      () => problem(403, 'CSRF check failed'),
    ]);
    await expect(new ApiClient({ fetch: twice.fetch, cookies: () => 'XSRF-TOKEN=t' }).logout()).rejects.toMatchObject({ status: 403 });
    expect(twice.calls).toHaveLength(3);
  });

  it('turns a login that must wait into an ApiError with the wait', async () => {
    const { fetch } = fakeFetch([() => problem(429, 'Too many requests', 'Too many attempts; try again in 30 s.', { 'Retry-After': '30' })]);
    const error = await new ApiClient({ fetch, cookies: () => 'XSRF-TOKEN=t' }).login('alice', 'x').then(() => { throw new Error("expected a refusal"); }, (e: unknown) => e as ApiError);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(429);
    expect(error.retryAfterSeconds).toBe(30);
  });

  it('asks a password reset to revoke the API tokens unless told to keep them', async () => {
    const reply = () => json(200, { userId: 'u', userName: 'bob', password: 'p', revokedTokens: 2 });
    const { fetch, calls } = fakeFetch([reply, reply]);
    const client = new ApiClient({ fetch, cookies: () => 'XSRF-TOKEN=t' });
    expect((await client.resetPassword('u')).revokedTokens).toBe(2);
    await client.resetPassword('u', false);
    expect(calls.map(c => [c.url, c.method, c.body])).toEqual([
      ['/api/users/u/password', 'POST', JSON.stringify({ revokeTokens: true })],
      ['/api/users/u/password', 'POST', JSON.stringify({ revokeTokens: false })],
    ]);
  });

  it('returns undefined for 204 and encodes path segments', async () => {
    const { fetch, calls } = fakeFetch([() => new Response(null, { status: 204 })]);
    const result = await new ApiClient({ fetch, cookies: () => 'XSRF-TOKEN=t' }).removeMember('a/b', 'c d');
    expect(result).toBeUndefined();
    expect(calls[0]!.url).toBe('/api/projects/a%2Fb/members/c%20d');
  });
});

describe('dataset registration', () => {
  it('posts the owner-chosen id and digests with the CSRF header, and asks for fresh grants', async () => {
    const uploads = [{ party: 0, url: 'https://p0/', grant: 'g0', expiresAt: '2099-01-01T00:00:00Z' }];
    const { fetch, calls } = fakeFetch([
      () => json(201, { dataset: { id: 'ds-0123456789abcdef' }, uploads }),
      () => json(200, { dataset: { id: 'ds-0123456789abcdef' }, uploads }),
    ]);
    const client = new ApiClient({ fetch, cookies: () => 'XSRF-TOKEN=t1' });
    const registered = await client.registerDataset('p-1', {
      name: 'n', purpose: 'Train', count: 3, fractionalBits: 16, digest0: 'a'.repeat(64), digest1: 'b'.repeat(64), id: 'ds-0123456789abcdef',
    });
    expect(registered.uploads).toEqual(uploads);
    await client.uploadGrants('ds-0123456789abcdef');
    expect(calls.map(c => `${c.method} ${c.url} ${c.headers[CSRF_HEADER]}`)).toEqual([
      'POST /api/projects/p-1/datasets t1', 'POST /api/datasets/ds-0123456789abcdef/upload-grants t1',
    ]);
    expect(JSON.parse(calls[0]!.body!)).toMatchObject({ id: 'ds-0123456789abcdef', purpose: 'Train', count: 3, fractionalBits: 16 });
  });
});
