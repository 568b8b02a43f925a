// The platform API's JSON shapes (camelCase; enums by name). Every shape the platform's OpenAPI document describes is
// generated: ./schema.d.ts is made by openapi-typescript from ./openapi.json (`npm run generate:api`), which a .NET test
// keeps equal to the document the platform serves (tests/Imguard.Platform.Tests/Api/OpenApiDocumentTests.cs), and
// `npm run check:api` fails when schema.d.ts is not what openapi-typescript makes of it. The records themselves are C#
// records in src/Imguard.Contracts (one set for the platform and the CLI). This file gives them the UI's names; it
// writes by hand only what the document cannot say: the audit server's replies (proxied as they come), a service's
// /health, and the inside of a job's training options and metrics (JSON objects to the platform).
import type { components } from './schema';

type Schemas = components['schemas'];

export type GlobalRole = Schemas['GlobalRole'];
export type ProjectRole = Schemas['ProjectRole'];
export type DatasetPurpose = Schemas['DatasetPurpose'];
export type DatasetStatus = Schemas['DatasetStatus'];
export type JobState = Schemas['JobState'];
export type JobLogLevel = Schemas['JobLogLevel'];
export type HidingMode = 'off' | 'mixup' | 'instahide';

export type User = Schemas['UserView'];
export type Project = Schemas['ProjectView'];
export type NewProject = Schemas['CreateProjectRequest'];
export type Member = Schemas['MemberView'];
/** A dataset; `scaling` says what its shared values are (PixelScaling, lib/scaling.ts; absent: registered before scalings, i.e. own). */
export type Dataset = Schemas['DatasetView'];
/** Registration; `scaling` raw or own (absent: own). */
export type RegisterDataset = Schemas['RegisterDatasetRequest'];
/** POST /api/datasets/{id}/disclose-statistics: the owner's per-channel statistics, made public. */
export type DiscloseStatistics = Schemas['DiscloseStatisticsRequest'];
// The pixel scaling and the job's standardisation (issue 17, "One standardisation for the union"), named in lib/scaling.ts.
export type { ChannelStatistics, JobStandardizationView, PixelScaling } from '../lib/scaling';
/** A grant for one party: send `grant` as `Authorization: Bearer …` to the party's API at `url` before `expiresAt`. */
export type PartyGrant = Schemas['GrantView'];
/** One party's upload grant: where to send the half and the bearer token that authorises it. */
export type UploadGrantView = PartyGrant;
export type DatasetUpload = Schemas['DatasetUploadView'];

export interface JobMetrics {
  imagesPerSecond?: number;
  loss?: number;
  accuracy?: number;
}

/** A job's training options as the platform stores them and the parties read them (Contracts JobTrainingOptions). */
export interface TrainingOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  momentum: number;
  weightDecay: number;
  schedule?: string;
  /** off, mixup or instahide. */
  hiding: string;
  k: number;
  upperBound?: number;
  revealLoss: boolean;
  comparisonBits?: number;
  /** "InstaHide in inference": T encodings of every test image, the softmax summed over them; 0 or absent: clean test images. */
  testEncodings?: number;
  /** Least coefficient of the test image itself in its test encodings (0 when testEncodings is 0). */
  testOwnCoefficientMin?: number;
}

/**
 * A job. `model`, `training` and `metrics` are JSON objects to the platform (any JSON in its document); the UI reads
 * `training` as the parties do (Contracts JobTrainingOptions) and `metrics` as the platform stores them.
 */
export type Job = Omit<Schemas['JobView'], 'training' | 'metrics'> & {
  training: TrainingOptions;
  metrics: JobMetrics | null;
};

/** How the learning rate moves over a run (the platform also takes step:EVERY:GAMMA). */
export type LearningRateSchedule = 'cosine' | 'constant';

/**
 * POST /api/projects/{id}/jobs (and its estimate and expected accuracy): Contracts CreateJobRequest, a field left out
 * gets the platform's default. `model` is a preset name (fitted to the project's input and classes) or a model spec
 * object; the platform reads `hiding` and `schedule` as text.
 */
export type NewJob = Omit<Schemas['CreateJobRequest'], 'model' | 'hiding'> & {
  model: 'mlp' | 'cnn' | Record<string, unknown>;
  hiding: HidingMode;
};

// Consent (issue 17): GET /api/jobs/{id}/consent (typed in lib/consent/approval.ts from the generated schema, with
// each parameter's integer read exactly), the signing key, and a job's datasets by owner.
export type {
  ApproveJobRequest, ConsentDatasetView, ConsentParameterView, ConsentRecipientView, ConsentSignerView, ConsentTermsView,
} from '../lib/consent/approval';
export type SigningKeyView = Schemas['SigningKeyView'];
/** One dataset of a training job with its owner's contribution (images, images per epoch). */
export type JobDataset = Schemas['JobDatasetView'];

/** POST /api/projects/{id}/jobs/estimate: a job's cost measured on one secure step (Contracts JobEstimate, made by the dealer's JobCostEstimator). */
export type JobEstimate = Schemas['JobEstimate'];
/**
 * The test accuracy a job's settings can be expected to give, from the platform's measured table (docs/accuracy.md),
 * beside training without hiding, with the sentences to show: the CLI prints the same.
 */
export type ExpectedAccuracy = Schemas['ExpectedAccuracy'];
/** POST /api/jobs/{id}/model-grants: one DownloadModel grant per party (party 0 first). */
export type ModelDownloadGrants = Schemas['ModelDownloadView'];
/** One stored progress report of a job (`GET /api/jobs/{id}/progress`); `epoch` is 0-based. */
export type JobProgressPoint = Schemas['JobProgressPointView'];
/** One epoch of a job (1-based) as its latest report left it. */
export type JobEpochRow = Schemas['JobEpochView'];
/** A job's stored progress: the points after the asked-for id, oldest first, and every epoch row. */
export type JobProgressHistory = Schemas['JobProgressView'];
export type JobLogEntry = Schemas['JobLogEntryView'];

export interface AuditRecord {
  sequence: number;
  timestamp: string;
  eventType: string;
  actor: string;
  subjects: string[];
  properties: Record<string, unknown>;
  previousHash: string;
  recordHash: string;
}

export interface AuditPage {
  records: AuditRecord[];
  nextCursor: number | null;
}

export interface AuditQuery {
  eventType?: string;
  actor?: string;
  subject?: string;
  cursor?: number;
  limit?: number;
  newestFirst?: boolean;
}

export interface AuditBreak {
  sequence: number;
  kind: string;
  description: string;
}

export interface AuditVerification {
  valid: boolean;
  recordCount: number;
  lastSequence: number;
  checkpointCount: number;
  lastCheckpointSequence: number | null;
  uncheckpointedRecords: number;
  totalBreaks: number;
  breaks: AuditBreak[];
}

/** One health check of a service's /health: its name (database, data-directory, audit, platform), status, why. */
export interface HealthCheck {
  name: string;
  status: 'ok' | 'degraded' | 'unhealthy';
  description: string;
}

/** What a service's GET /health answers (200 when ok or degraded, 503 when unhealthy). */
export interface HealthReply {
  role: string;
  status: 'ok' | 'degraded' | 'unhealthy';
  checks: HealthCheck[];
}

/**
 * One service as /api/system/health reports it: its checks' verdict, 'error' (it answered without a health reply) or
 * 'unreachable' (no answer; no checks then).
 */
export type ServiceHealth = Schemas['ServiceHealthView'] & {
  /** Only on the dashboard's own row for a platform that did not answer: why. */
  detail?: string;
};
export type SystemHealth = Schemas['SystemHealthView'];

/** One attack of the privacy report (PSNR in dB, null for an exact recovery, i.e. +∞). */
export type PrivacyReportRow = Schemas['PrivacyReportRowView'];
/** GET /api/privacy-report: gradient inversion on public Fashion-MNIST test images (never users' data). */
export type PrivacyReport = Schemas['PrivacyReportView'];
/** GET /api/jobs/{id}/privacy-report: the same attack for one job's model and hiding settings; `row` names the job's row. */
export type JobPrivacyReport = Schemas['JobPrivacyReportView'];
/** One audit record in a project's activity (GET /api/projects/{id}/activity): the chain hashes are left out. */
export type ActivityRecord = Schemas['ActivityRecordView'];
/** A page of a project's activity, newest first; pass `nextCursor` as `after` for older records (null at the end). */
export type ActivityPage = Schemas['ProjectActivityView'];
/** An API token as its owner sees it later: the public prefix, never the secret. */
export type ApiToken = Schemas['TokenView'];
/** POST /api/auth/tokens: the new token's secret, returned this once. */
export type CreatedApiToken = Schemas['CreatedTokenView'];
/** POST /api/users/{id}/password: the generated password, returned this once. */
export type GeneratedPassword = Schemas['GeneratedPasswordView'];
