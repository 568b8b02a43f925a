// Sends one share file straight to its party (the platform never relays a share), with the party's resumable chunk
// protocol (Imguard.Party.Api.UploadsApi; the CLI's ShareUploader): POST /api/uploads/ declares the dataset and size,
// PUT /api/uploads/{id}/chunks/{offset} appends a chunk at the committed length with its SHA-256 in X-Chunk-SHA256,
// POST /api/uploads/{id}/complete verifies the whole file and reports the half to the platform; GET /api/uploads/{id}
// says how far it got, so a paused or broken upload goes on from the party's committed length. Every call carries
// the platform-signed grant as a bearer token. Network trouble and 5xx are retried with back-off; any other refusal
// (401 for a missing or expired grant, 403 for one of another dataset, 410 for a deleted or rejected dataset, 413 for a
// size or storage quota, 422) stops with the party's message.
import { toApiError } from '../api/client';
import { toHex, webSha256, type Sha256 } from './shareFile';

/** One party's upload grant, as POST /api/projects/{id}/datasets and POST /api/datasets/{id}/upload-grants return it. */
export interface UploadGrant {
  party: number;
  url: string;
  grant: string;
  expiresAt: string;
}

export interface UploadStatus {
  uploadId: string;
  datasetId: string;
  declaredBytes: number;
  committedBytes: number;
  maxChunkBytes: number;
}

export interface UploadCompleted {
  datasetId: string;
  digest: string;
  bytes: number;
  reportedToPlatform: boolean;
}

/** A party's refusal that retrying will not fix (the status says which: 401/403 grant, 410 dataset closed, 413 size or quota, 422 content, …). */
export class UploadRefusedError extends Error {
  readonly party: number;
  readonly status: number;

  constructor(party: number, status: number, message: string) {
    super(`Party ${party} refused the upload (${status}): ${message}`);
    this.name = 'UploadRefusedError';
    this.party = party;
    this.status = status;
  }
}

export interface UploaderOptions {
  fetch?: typeof fetch;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  sha256?: Sha256;
  /** Tries per request before giving up on network errors and 5xx (default 5). */
  attempts?: number;
  /** First back-off delay in ms, doubled per retry (default 200). */
  delayMs?: number;
}

export interface UploadRun {
  signal?: AbortSignal;
  onProgress?: (sent: number, total: number) => void;
  /** The party's upload id, when it begins a new upload session (to keep, so a later page can resume that session). */
  onBegun?: (uploadId: string) => void;
}

const abortableSleep = (ms: number, signal?: AbortSignal) => new Promise<void>((resolve, reject) => {
  if (signal?.aborted) return reject(signal.reason as Error);
  const timer = setTimeout(resolve, ms);
  signal?.addEventListener('abort', () => { clearTimeout(timer); reject(signal.reason as Error); }, { once: true });
});

function isAbort(e: unknown): boolean {
  return e instanceof DOMException && e.name === 'AbortError' || (e as { name?: string } | null)?.name === 'AbortError';
}

/** A retryable failure: the request may or may not have landed; resending a chunk at its offset is safe. */
class Transient extends Error {}

export class ShareUploader {
  readonly party: number;
  /** The party's upload id once begun; kept so a later `upload` resumes instead of starting over. */
  uploadId: string | undefined;
  private grant: UploadGrant;
  private readonly fetchImpl: typeof fetch;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly sha256: Sha256;
  private readonly attempts: number;
  private readonly delayMs: number;

  constructor(grant: UploadGrant, options: UploaderOptions = {}) {
    this.party = grant.party;
    this.grant = grant;
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.sleep = options.sleep ?? abortableSleep;
    this.sha256 = options.sha256 ?? webSha256;
    this.attempts = options.attempts ?? 5;
    this.delayMs = options.delayMs ?? 200;
  }

  /** Replaces an expired grant (fresh ones from POST /api/datasets/{id}/upload-grants); the upload id is kept. */
  setGrant(grant: UploadGrant): void {
    if (grant.party !== this.party) throw new Error(`A grant for party ${grant.party} given to party ${this.party}'s uploader.`);
    this.grant = grant;
  }

  /** Uploads `file` as this party's half of `datasetId`, resuming at the party's committed length when begun before. */
  async upload(file: Blob, datasetId: string, run: UploadRun = {}): Promise<UploadCompleted> {
    const total = file.size;
    let status = await this.resumeOrBegin(datasetId, total, run.signal, run.onBegun);
    run.onProgress?.(status.committedBytes, total);
    while (status.committedBytes < total) {
      run.signal?.throwIfAborted();
      const offset = status.committedBytes;
      const chunk = new Uint8Array(await file.slice(offset, Math.min(total, offset + status.maxChunkBytes)).arrayBuffer());
      const hash = toHex(await this.sha256(chunk));
      const id = status.uploadId;
      status = await this.withRetry(run.signal, async () => {
        const response = await this.send('PUT', `api/uploads/${encodeURIComponent(id)}/chunks/${offset}`, run.signal, chunk, {
          'Content-Type': 'application/octet-stream',
          'X-Chunk-SHA256': hash,
        });
        // Someone (an earlier try whose answer was lost) already moved the committed length: ask where it is.
        if (response.status === 409) return this.status(id, run.signal);
        return this.read<UploadStatus>(response);
      });
      run.onProgress?.(status.committedBytes, total);
    }
    run.signal?.throwIfAborted();
    const id = status.uploadId;
    const completed = await this.withRetry(run.signal, async () =>
      this.read<UploadCompleted>(await this.send('POST', `api/uploads/${encodeURIComponent(id)}/complete`, run.signal)));
    this.uploadId = undefined;
    return completed;
  }

  private async resumeOrBegin(datasetId: string, total: number, signal?: AbortSignal, onBegun?: (uploadId: string) => void): Promise<UploadStatus> {
    if (this.uploadId) {
      const id = this.uploadId;
      const resumed = await this.withRetry(signal, async () => {
        const response = await this.send('GET', `api/uploads/${encodeURIComponent(id)}`, signal);
        // The party no longer has it (finished, aborted, or refused as invalid): start over.
        if (response.status === 404) return undefined;
        return this.read<UploadStatus>(response);
      });
      if (resumed && resumed.datasetId === datasetId && resumed.declaredBytes === total) return resumed;
    }
    const begun = await this.withRetry(signal, async () =>
      this.read<UploadStatus>(await this.send('POST', 'api/uploads/', signal, JSON.stringify({ datasetId, totalBytes: total }), {
        'Content-Type': 'application/json',
      })));
    this.uploadId = begun.uploadId;
    onBegun?.(begun.uploadId);
    return begun;
  }

  private async status(id: string, signal?: AbortSignal): Promise<UploadStatus> {
    return this.read<UploadStatus>(await this.send('GET', `api/uploads/${encodeURIComponent(id)}`, signal));
  }

  private async send(method: string, path: string, signal: AbortSignal | undefined, body?: BodyInit, headers: Record<string, string> = {}): Promise<Response> {
    try {
      return await this.fetchImpl(new URL(path, this.grant.url.endsWith('/') ? this.grant.url : this.grant.url + '/').toString(), {
        method,
        body,
        signal,
        headers: { Accept: 'application/json', Authorization: `Bearer ${this.grant.grant}`, ...headers },
        credentials: 'omit',
        mode: 'cors',
      });
    } catch (e) {
      if (isAbort(e)) throw e;
      throw new Transient(`Party ${this.party} could not be reached (${e instanceof Error ? e.message : String(e)}).`);
    }
  }

  private async read<T>(response: Response): Promise<T> {
    if (response.ok) return (await response.json()) as T;
    const error = await toApiError(response);
    const message = error.detail ?? error.title;
    if (response.status >= 500 || response.status === 429) throw new Transient(`Party ${this.party} answered ${response.status}: ${message}`);
    throw new UploadRefusedError(this.party, response.status, message);
  }

  private async withRetry<T>(signal: AbortSignal | undefined, action: () => Promise<T>): Promise<T> {
    let delay = this.delayMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await action();
      } catch (e) {
        if (!(e instanceof Transient) || attempt >= this.attempts) throw e instanceof Transient ? new Error(e.message) : e;
        await this.sleep(delay, signal);
        delay *= 2;
      }
    }
  }
}

/** What went wrong when a party's /health cannot be fetched: almost always TLS trust (or CORS) in the browser. */
export class PartyUnreachableError extends Error {
  readonly party: number;
  readonly url: string;

  constructor(party: number, url: string, cause: string) {
    super(`Party ${party} at ${url} could not be reached from this browser (${cause}).`);
    this.name = 'PartyUnreachableError';
    this.party = party;
    this.url = url;
  }
}

/** GET {partyUrl}/health; resolves when the party answers, throws PartyUnreachableError when the browser cannot connect. */
export async function probeParty(party: number, url: string, fetchImpl: typeof fetch = (i, init) => globalThis.fetch(i, init), signal?: AbortSignal): Promise<void> {
  let response: Response;
  try {
    response = await fetchImpl(new URL('health', url.endsWith('/') ? url : url + '/').toString(), { credentials: 'omit', mode: 'cors', signal });
  } catch (e) {
    if (isAbort(e)) throw e;
    throw new PartyUnreachableError(party, url, e instanceof Error ? e.message : String(e));
  }
  if (!response.ok) throw new PartyUnreachableError(party, url, `it answered ${response.status}`);
}
