// The owner's model hand-off in the browser: DownloadModel grants from the platform (one per party), each party's
// model share and evaluation share fetched straight from that party with its grant, and both halves combined here.
// What is reconstructed stays in this page's memory; the only way out is the owner saving a file to their own disk.
import type { Job, ModelDownloadGrants, PartyGrant } from '../../api/types';
import { UNION } from '../scaling';
import { loadOwnerDataset, type KeyValueStore } from '../ownerVault';
import { parseEvaluationShare, reconstructEvaluation, type EvaluationResult } from './evaluation';
import { ModelDataError, type ModelSpec } from './modelSpec';
import type { OnnxExportOptions } from './onnx';
import { parseModelShare, reconstructModel, type ReconstructedModel } from './modelShare';

/** What the hand-off needs from the API client (ApiClient implements it). */
export interface HandOffApi {
  modelGrants(jobId: string): Promise<ModelDownloadGrants>;
  partyDownload(grant: PartyGrant, jobId: string, kind: 'share' | 'evaluation'): Promise<Uint8Array>;
}

/** Grants are reused until shortly before they expire (each request for them is audited and rate-limited). */
const RENEW_BEFORE_MS = 30_000;

export class GrantCache {
  private grants: [PartyGrant, PartyGrant] | undefined;

  constructor(private readonly api: HandOffApi, private readonly jobId: string, private readonly now: () => number = Date.now) {}

  /** Party 0's and party 1's grants, fresh enough to use now. */
  async get(): Promise<[PartyGrant, PartyGrant]> {
    if (this.grants && this.grants.every(g => Date.parse(g.expiresAt) - RENEW_BEFORE_MS > this.now())) return this.grants;
    const reply = await this.api.modelGrants(this.jobId);
    const g0 = reply.downloads.find(g => g.party === 0);
    const g1 = reply.downloads.find(g => g.party === 1);
    if (!g0 || !g1) throw new ModelDataError('The platform did not return a grant for each of the two parties.');
    this.grants = [g0, g1];
    return this.grants;
  }
}

/** A party's download failed: which party, where, and why in words. */
export class PartyDownloadError extends Error {
  constructor(readonly party: number, readonly url: string, cause: unknown) {
    super(cause instanceof TypeError
      ? `Party ${party} (${url}) could not be reached from this browser: it is down, its certificate is not trusted here, or it does not allow requests from this page (CORS).`
      : `Party ${party} (${url}) refused the download: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'PartyDownloadError';
  }
}

async function fetchBoth(api: HandOffApi, grants: [PartyGrant, PartyGrant], jobId: string, kind: 'share' | 'evaluation'): Promise<[Uint8Array, Uint8Array]> {
  const one = (g: PartyGrant) => api.partyDownload(g, jobId, kind).catch((e: unknown) => { throw new PartyDownloadError(g.party, g.url, e); });
  const [b0, b1] = await Promise.all([one(grants[0]), one(grants[1])]);
  return [b0, b1];
}

export interface ModelHandOff {
  model: ReconstructedModel;
  /** Sizes of the two files fetched, bytes. */
  bytes: [number, number];
}

/** Fetches both model shares, checks them and reconstructs the model (in this browser). */
export async function downloadModel(api: HandOffApi, grants: GrantCache, jobId: string): Promise<ModelHandOff> {
  const [b0, b1] = await fetchBoth(api, await grants.get(), jobId, 'share');
  const [s0, s1] = await Promise.all([parseModelShare(b0, 'party 0'), parseModelShare(b1, 'party 1')]);
  return { model: reconstructModel(s0, s1), bytes: [b0.length, b1.length] };
}

export interface EvaluationHandOff {
  result: EvaluationResult;
  classes: number;
}

/** Fetches both evaluation shares and reconstructs the predictions and accuracy (in this browser). */
export async function downloadEvaluation(api: HandOffApi, grants: GrantCache, jobId: string): Promise<EvaluationHandOff> {
  const [b0, b1] = await fetchBoth(api, await grants.get(), jobId, 'evaluation');
  const [e0, e1] = await Promise.all([parseEvaluationShare(b0, 'party 0'), parseEvaluationShare(b1, 'party 1')]);
  return { result: reconstructEvaluation(e0, e1), classes: e0.classes };
}

/**
 * The training set's standardisation and class names from this browser's owner vault, for the ONNX (its input then is
 * raw pixels 0–255 and its metadata names the classes); undefined when this browser does not hold them (the training
 * set was shared elsewhere), and then the ONNX takes standardised input as in training. Class names are used only when
 * there is one per class (older records kept them for test sets only).
 */
export function vaultExportOptions(spec: ModelSpec, trainDatasetId: string, kv?: KeyValueStore): OnnxExportOptions | undefined {
  const record = loadOwnerDataset(trainDatasetId, kv);
  if (!record?.standardization || record.standardization.mean.length !== spec.input[0]) return undefined;
  return {
    standardization: record.standardization,
    ...(record.classNames?.length === spec.classes ? { classNames: record.classNames } : {}),
  };
}

/** The ONNX's standardisation prefix and where it came from: the job's union statistics, this browser's vault, or none. */
export interface ModelExport {
  options: OnnxExportOptions | undefined;
  source: 'job' | 'vault' | 'none';
}

/**
 * What the ONNX of `job`'s model starts with. A job standardised over the union trained on (x/255 − μ)/σ with the
 * statistics the parties opened, recorded in the job: the ONNX uses those (class names still from the vault when this
 * browser shared the training set), never the vault's own statistics of a training set, which are not what it trained
 * on; before they are recorded it takes standardised input. Any other job uses the vault (vaultExportOptions).
 */
export function modelExportOptions(spec: ModelSpec, job: Pick<Job, 'trainDatasetId' | 'standardization'>, kv?: KeyValueStore): ModelExport {
  if (job.standardization?.mode === UNION) {
    const statistics = job.standardization.statistics;
    if (!statistics || statistics.mean.length !== spec.input[0] || statistics.std.length !== spec.input[0]) return { options: undefined, source: 'none' };
    const classNames = loadOwnerDataset(job.trainDatasetId, kv)?.classNames;
    return {
      options: { standardization: { mean: [...statistics.mean], std: [...statistics.std] }, ...(classNames?.length === spec.classes ? { classNames } : {}) },
      source: 'job',
    };
  }
  const options = vaultExportOptions(spec, job.trainDatasetId, kv);
  return { options, source: options ? 'vault' : 'none' };
}
