// The platform API client: same-origin fetch with the session cookie, problem details turned into ApiError, and the
// CSRF double submit (the token from the script-readable XSRF-TOKEN cookie echoed in X-XSRF-TOKEN on every unsafe
// request; fetched from GET /api/auth/csrf when the cookie is missing, and once more when the platform refuses a
// stale one).
import { parseConsentView } from '../lib/consent/approval';
import type {
  ActivityPage, ApiToken, AuditPage, CreatedApiToken, GeneratedPassword, AuditQuery, AuditVerification, Dataset, DatasetUpload, DiscloseStatistics, ExpectedAccuracy, Job, JobEstimate, JobLogEntry, JobProgressHistory, Member, ModelDownloadGrants,
  NewJob, NewProject, PartyGrant, SigningKeyView, ConsentTermsView, ApproveJobRequest, PrivacyReport, JobPrivacyReport, Project, ProjectRole, RegisterDataset, SystemHealth, HealthReply, User, GlobalRole,
} from './types';
import { browserSigner, fromBase64, type ModelRequestSigner, signedModelRequestHeaders } from '../lib/consent/modelRequest';

export const CSRF_COOKIE = 'XSRF-TOKEN';
export const CSRF_HEADER = 'X-XSRF-TOKEN';
const CSRF_FAILED_TITLE = 'CSRF check failed';

/** A refused or failed request, with the platform's problem details (title, detail) when it sent them. */
export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string | undefined;
  /** Seconds from the Retry-After header (429), when present. */
  readonly retryAfterSeconds: number | undefined;

  constructor(status: number, title: string, detail?: string, retryAfterSeconds?: number) {
    super(detail ? `${title}: ${detail}` : title);
    this.name = 'ApiError';
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The value of cookie `name` in a `document.cookie` string, or undefined. */
export function readCookie(cookies: string, name: string): string | undefined {
  for (const part of cookies.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(value);
      } catch {
        return value;
      }
    }
  }
  return undefined;
}

/** Whether a request with this method must carry the CSRF token (anything but GET, HEAD, OPTIONS, TRACE). */
export function isUnsafe(method: string): boolean {
  return !['GET', 'HEAD', 'OPTIONS', 'TRACE'].includes(method.toUpperCase());
}

/** Whole seconds from a Retry-After header (delta-seconds or an HTTP date), or undefined. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

const STATUS_TITLES: Record<number, string> = {
  400: 'Invalid request',
  401: 'Not signed in',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Conflict',
  429: 'Too many requests',
  502: 'A server behind the platform did not answer',
  503: 'Service unavailable',
};

/** Reads a failed response into an ApiError: problem+json when sent, else the status. */
export async function toApiError(response: Response): Promise<ApiError> {
  const retryAfter = parseRetryAfter(response.headers.get('Retry-After'));
  let title = STATUS_TITLES[response.status] ?? `HTTP ${response.status}`;
  let detail: string | undefined;
  const type = response.headers.get('Content-Type') ?? '';
  try {
    if (type.includes('json')) {
      const body = (await response.json()) as { title?: unknown; detail?: unknown; errors?: unknown };
      if (typeof body.title === 'string' && body.title) title = body.title;
      if (typeof body.detail === 'string' && body.detail) detail = body.detail;
      else if (body.errors && typeof body.errors === 'object') {
        detail = Object.entries(body.errors as Record<string, unknown>)
          .map(([field, messages]) => `${field}: ${Array.isArray(messages) ? messages.join(' ') : String(messages)}`)
          .join('; ');
      }
    } else {
      const text = (await response.text()).trim();
      if (text && text.length < 500 && !text.startsWith('<')) detail = text;
    }
  } catch {
    // an unreadable body: the status says enough
  }
  return new ApiError(response.status, title, detail, retryAfter);
}

export interface ApiClientOptions {
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Returns the current cookie string; defaults to document.cookie. */
  cookies?: () => string;
  /** Prefix for every path; '' for same origin. */
  baseUrl?: string;
  /** Who signs model requests to the parties; defaults to the signed-in user's key in this browser (keystore.ts). */
  modelRequestSigner?: () => Promise<ModelRequestSigner>;
}

type Query = Record<string, string | number | boolean | undefined | null>;

/** Appends the defined, non-empty values of `query` to `path`. */
export function withQuery(path: string, query: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

export class ApiClient {
  private readonly fetchImpl: typeof fetch;
  private readonly cookies: () => string;
  private readonly baseUrl: string;
  private csrfToken: string | undefined;
  private readonly modelRequestSigner: () => Promise<ModelRequestSigner>;

  constructor(options: ApiClientOptions = {}) {
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.cookies = options.cookies ?? (() => (typeof document === 'undefined' ? '' : document.cookie));
    this.baseUrl = options.baseUrl ?? '';
    this.modelRequestSigner = options.modelRequestSigner ?? (async () => browserSigner((await this.me()).userName));
  }

  /** The token to send: the cookie's (it changes at login), else the last one fetched. */
  private currentToken(): string | undefined {
    return readCookie(this.cookies(), CSRF_COOKIE) ?? this.csrfToken;
  }

  /** Asks the platform for a fresh CSRF token (it also sets the cookie). */
  async refreshCsrf(): Promise<string> {
    const response = await this.fetchImpl(this.baseUrl + '/api/auth/csrf', {
      method: 'GET',
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
    });
    if (!response.ok) throw await toApiError(response);
    const body = (await response.json()) as { token: string };
    this.csrfToken = body.token;
    return body.token;
  }

  /** Sends one request; returns the parsed JSON body (undefined for 204 or an empty body). */
  async request<T>(method: string, path: string, body?: unknown, parse: (text: string) => unknown = JSON.parse): Promise<T> {
    const unsafe = isUnsafe(method);
    let token = unsafe ? this.currentToken() : undefined;
    if (unsafe && !token) token = await this.refreshCsrf();
    let response = await this.send(method, path, body, token);
    if (unsafe && response.status === 403) {
      const error = await toApiError(response);
      if (error.title !== CSRF_FAILED_TITLE) throw error;
      // A stale token (e.g. issued before this login): fetch a fresh one and try once more.
      this.csrfToken = undefined;
      response = await this.send(method, path, body, await this.refreshCsrf());
    }
    if (!response.ok) throw await toApiError(response);
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? parse(text) : undefined) as T;
  }

  private send(method: string, path: string, body: unknown, token: string | undefined): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers[CSRF_HEADER] = token;
    return this.fetchImpl(this.baseUrl + path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  get<T>(path: string): Promise<T> { return this.request<T>('GET', path); }
  post<T>(path: string, body?: unknown): Promise<T> { return this.request<T>('POST', path, body ?? {}); }
  put<T>(path: string, body?: unknown): Promise<T> { return this.request<T>('PUT', path, body ?? {}); }
  delete<T>(path: string): Promise<T> { return this.request<T>('DELETE', path); }

  // Auth
  me(): Promise<User> { return this.get('/api/auth/me'); }
  login(userName: string, password: string): Promise<User> { return this.post('/api/auth/login', { userName, password }); }
  async logout(): Promise<void> {
    await this.post('/api/auth/logout');
    this.csrfToken = undefined;
  }
  register(userName: string, displayName: string, password: string): Promise<User> {
    return this.post('/api/auth/register', { userName, displayName: displayName || undefined, password });
  }

  // API tokens (for the CLI). Creating one takes the user name and password again, even in a signed-in browser.
  tokens(): Promise<ApiToken[]> { return this.get('/api/auth/tokens'); }
  createToken(userName: string, password: string, name: string, lifetimeDays?: number): Promise<CreatedApiToken> {
    return this.post('/api/auth/tokens', { userName, password, name, lifetimeDays });
  }
  revokeToken(id: string): Promise<ApiToken> { return this.delete(`/api/auth/tokens/${enc(id)}`); }

  // Health
  /** The platform's own /health; an unhealthy platform answers 503 with its checks, which is a reply, not an error. */
  async platformHealth(): Promise<HealthReply> {
    const response = await this.fetchImpl(this.baseUrl + '/health', { headers: { Accept: 'application/json' } });
    if (!response.ok && response.status !== 503) throw await toApiError(response);
    return (await response.json()) as HealthReply;
  }
  systemHealth(): Promise<SystemHealth> { return this.get('/api/system/health'); }

  // Users (admins)
  users(): Promise<User[]> { return this.get('/api/users'); }
  setUserRole(id: string, role: GlobalRole): Promise<User> { return this.put(`/api/users/${enc(id)}/role`, { role }); }
  setUserDisabled(id: string, disabled: boolean): Promise<User> { return this.put(`/api/users/${enc(id)}/disabled`, { disabled }); }
  /** Gives the user a new generated password (returned this once); their sessions end, and with `revokeTokens` their API tokens too. */
  resetPassword(id: string, revokeTokens = true): Promise<GeneratedPassword> { return this.post(`/api/users/${enc(id)}/password`, { revokeTokens }); }

  // Projects
  projects(): Promise<Project[]> { return this.get('/api/projects'); }
  project(id: string): Promise<Project> { return this.get(`/api/projects/${enc(id)}`); }
  createProject(project: NewProject): Promise<Project> { return this.post('/api/projects', project); }
  /** The audit records naming the project, newest first; `after` is the previous page's nextCursor. */
  projectActivity(projectId: string, after?: number, limit = 25): Promise<ActivityPage> {
    return this.get(withQuery(`/api/projects/${enc(projectId)}/activity`, { after, limit }));
  }
  members(projectId: string): Promise<Member[]> { return this.get(`/api/projects/${enc(projectId)}/members`); }
  addMember(projectId: string, userName: string, role: ProjectRole): Promise<Member> {
    return this.post(`/api/projects/${enc(projectId)}/members`, { userName, role });
  }
  changeMember(projectId: string, userId: string, role: ProjectRole): Promise<Member> {
    return this.put(`/api/projects/${enc(projectId)}/members/${enc(userId)}`, { role });
  }
  removeMember(projectId: string, userId: string): Promise<void> {
    return this.delete(`/api/projects/${enc(projectId)}/members/${enc(userId)}`);
  }

  // Datasets
  datasets(projectId: string): Promise<Dataset[]> { return this.get(`/api/projects/${enc(projectId)}/datasets`); }
  dataset(id: string): Promise<Dataset> { return this.get(`/api/datasets/${enc(id)}`); }
  /** Registers a dataset the owner has shared (digests only) and gets each party's upload grant. */
  registerDataset(projectId: string, dataset: RegisterDataset): Promise<DatasetUpload> {
    return this.post(`/api/projects/${enc(projectId)}/datasets`, dataset);
  }
  /** Fresh upload grants for a dataset still waiting for its halves. */
  uploadGrants(id: string): Promise<DatasetUpload> { return this.post(`/api/datasets/${enc(id)}/upload-grants`); }
  /**
   * Makes the owner's statistics of a dataset standardised with them public (mean and std per channel), so it can join
   * a job standardised over the union without being shared again. The uploader only; it cannot be undone.
   */
  discloseStatistics(id: string, statistics: DiscloseStatistics): Promise<Dataset> {
    return this.post(`/api/datasets/${enc(id)}/disclose-statistics`, statistics);
  }
  /** Asks both parties to delete their halves (202: the platform goes on asking until both confirm). Owners only. */
  deleteDataset(id: string): Promise<Dataset> { return this.delete(`/api/datasets/${enc(id)}`); }

  // Jobs
  jobs(projectId: string): Promise<Job[]> { return this.get(`/api/projects/${enc(projectId)}/jobs`); }
  job(id: string): Promise<Job> { return this.get(`/api/jobs/${enc(id)}`); }
  startJob(projectId: string, job: NewJob): Promise<Job> { return this.post(`/api/projects/${enc(projectId)}/jobs`, job); }
  cancelJob(id: string): Promise<Job> { return this.post(`/api/jobs/${enc(id)}/cancel`); }
  /** The creator queues a failed or cancelled job again: from the newest checkpoint both parties hold, or from scratch. */
  resumeJob(id: string): Promise<Job> { return this.post(`/api/jobs/${enc(id)}/resume`); }
  restartJob(id: string): Promise<Job> { return this.post(`/api/jobs/${enc(id)}/restart`); }
  /** The model-testing service: secure inference of training job `modelJobId`'s model on a shared dataset (a new job). */
  startInference(modelJobId: string, datasetId: string): Promise<Job> { return this.post(`/api/jobs/${enc(modelJobId)}/inference`, { datasetId }); }
  jobLog(id: string, after = 0, limit = 200): Promise<JobLogEntry[]> {
    return this.get(withQuery(`/api/jobs/${enc(id)}/log`, { after, limit }));
  }
  /** A job's stored progress points after point `after` (0: all of them) and all its epoch rows. */
  jobProgress(id: string, after = 0): Promise<JobProgressHistory> {
    return this.get(withQuery(`/api/jobs/${enc(id)}/progress`, { after }));
  }
  jobEventsUrl(id: string): string { return `${this.baseUrl}/api/jobs/${enc(id)}/events`; }
  /** What a job would cost (measured on one secure step at the platform) before it is started. */
  estimateJob(projectId: string, job: NewJob): Promise<JobEstimate> { return this.post(`/api/projects/${enc(projectId)}/jobs/estimate`, job); }
  /** Only the expected test accuracy of a job's settings (a table look-up at the platform, no secure step). */
  expectedAccuracy(projectId: string, job: NewJob): Promise<ExpectedAccuracy> { return this.post(`/api/projects/${enc(projectId)}/jobs/expected-accuracy`, job); }
  /** Grants to download a succeeded job's model and evaluation shares from each party (owners only; audited). */
  modelGrants(id: string): Promise<ModelDownloadGrants> { return this.post(`/api/jobs/${enc(id)}/model-grants`); }

  /**
   * One party's share of a job's model (`share`) or test evaluation (`evaluation`), fetched straight from that party
   * with its grant (cross-origin, no cookies). The platform never sees the bytes. The grant alone is not enough: the
   * party first issues a single-use challenge, and the download carries this user's signature over it (job, the party
   * the grant names, what, challenge) with the key the job names as a recipient (or, for the evaluation, the key that
   * owns the evaluated dataset).
   */
  async partyDownload(grant: PartyGrant, jobId: string, kind: 'share' | 'evaluation'): Promise<Uint8Array> {
    const base = grant.url.endsWith('/') ? grant.url : grant.url + '/';
    const url = new URL(`api/models/${enc(jobId)}/${kind}`, base).toString();
    const authorization = `Bearer ${grant.grant}`;
    const asked = await this.fetchImpl(`${url}/challenge`, {
      method: 'POST',
      mode: 'cors',
      credentials: 'omit',
      headers: { Authorization: authorization, Accept: 'application/json, application/problem+json' },
    });
    if (!asked.ok) throw await toApiError(asked);
    const { challenge } = await asked.json() as { challenge: string };
    const signer = await this.modelRequestSigner();
    const signed = await signedModelRequestHeaders(signer, jobId, grant.party, kind === 'share' ? 'model' : 'evaluation', fromBase64(challenge));
    const response = await this.fetchImpl(url, {
      method: 'GET',
      mode: 'cors',
      credentials: 'omit',
      headers: { Authorization: authorization, Accept: 'application/octet-stream, application/problem+json', ...signed },
    });
    if (!response.ok) throw await toApiError(response);
    return new Uint8Array(await response.arrayBuffer());
  }

  // Consent (issue 17)
  /** The signed-in user's registered signing key, or null when they have none (404). */
  async signingKey(): Promise<SigningKeyView | null> {
    try {
      return await this.get<SigningKeyView>('/api/me/signing-key');
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    }
  }
  /** Registers or replaces the user's one signing key (SPKI DER, base64). */
  setSigningKey(key: string): Promise<SigningKeyView> { return this.put('/api/me/signing-key', { key }); }
  /** Jobs waiting for a signature by one of the caller's keys. */
  approvals(): Promise<Job[]> { return this.get('/api/me/approvals'); }
  /** A training job's consent terms as an approver is shown them (integers read exactly: parseConsentView). */
  consent(jobId: string): Promise<ConsentTermsView> { return this.request('GET', `/api/jobs/${enc(jobId)}/consent`, undefined, parseConsentView); }
  approveJob(jobId: string, approval: ApproveJobRequest): Promise<Job> { return this.post(`/api/jobs/${enc(jobId)}/approve`, approval); }
  declineJob(jobId: string, reason?: string): Promise<Job> { return this.post(`/api/jobs/${enc(jobId)}/decline`, { reason: reason || undefined }); }
  withdrawApproval(jobId: string): Promise<Job> { return this.post(`/api/jobs/${enc(jobId)}/withdraw`); }

  // Privacy report (public data only)
  privacyReport(): Promise<PrivacyReport> { return this.get('/api/privacy-report'); }
  jobPrivacyReport(jobId: string): Promise<JobPrivacyReport> { return this.get(`/api/jobs/${encodeURIComponent(jobId)}/privacy-report`); }

  // Audit (admins)
  auditRecords(query: AuditQuery): Promise<AuditPage> { return this.get(withQuery('/api/audit/records', { ...query })); }
  auditVerify(): Promise<AuditVerification> { return this.get('/api/audit/verify'); }
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}

/** The app's one client. */
export const api = new ApiClient();
