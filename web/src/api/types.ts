// The platform API's JSON shapes (camelCase; enums by name), as in src/Imguard.Platform/Api/Dto.

export type GlobalRole = 'User' | 'Admin';
export type ProjectRole = 'Viewer' | 'Contributor' | 'Owner';
export type DatasetPurpose = 'Train' | 'Test';
export type DatasetStatus = 'Registered' | 'Ready' | 'Rejected' | 'Deleting' | 'Deleted';
export type JobState = 'Queued' | 'Preprocessing' | 'Running' | 'Succeeded' | 'Failed' | 'Cancelled';
export type HidingMode = 'off' | 'mixup' | 'instahide';

export interface User {
  id: string;
  userName: string;
  displayName: string;
  role: GlobalRole;
  isDisabled: boolean;
  createdAt: string;
  lastLoginAt: string | null;
}

export interface Project {
  id: string;
  name: string;
  description: string;
  channels: number;
  height: number;
  width: number;
  classes: number;
  createdBy: string;
  createdAt: string;
  /** The caller's role; null for an administrator who is not a member. */
  role: ProjectRole | null;
}

export interface NewProject {
  name: string;
  description?: string;
  channels: number;
  height: number;
  width: number;
  classes: number;
}

export interface Member {
  userId: string;
  userName: string;
  displayName: string;
  role: ProjectRole;
  addedAt: string;
}

export interface Dataset {
  id: string;
  projectId: string;
  name: string;
  purpose: DatasetPurpose;
  channels: number;
  height: number;
  width: number;
  count: number;
  classes: number;
  fractionalBits: number;
  digest0: string;
  digest1: string;
  status: DatasetStatus;
  rejectionReason: string | null;
  party0Reported: boolean;
  party1Reported: boolean;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  readyAt: string | null;
}

export interface RegisterDataset {
  name: string;
  purpose: DatasetPurpose;
  count: number;
  fractionalBits: number;
  digest0: string;
  digest1: string;
  /** Chosen by the owner (`ds-` and 16 hex digits): it is written into both share files before registering. */
  id: string;
}

/** One party's upload grant: where to send the half and the bearer token that authorises it. */
export interface UploadGrantView {
  party: number;
  url: string;
  grant: string;
  expiresAt: string;
}

export interface DatasetUpload {
  dataset: Dataset;
  uploads: UploadGrantView[];
}

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

export interface Job {
  id: string;
  projectId: string;
  trainDatasetId: string;
  testDatasetId: string | null;
  model: unknown;
  training: TrainingOptions;
  state: JobState;
  createdBy: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  epoch: number;
  step: number;
  totalSteps: number;
  metrics: JobMetrics | null;
  failureMessage: string | null;
  lastCheckpointEpoch: number | null;
  cancelRequested: boolean;
  /** Set for an inference job: the training job whose model it runs. */
  modelFromJobId?: string | null;
  /**
   * The checkpoint epoch the latest resumed attempt started again from (null if the job never resumed). The progress
   * shown never goes backwards meanwhile: the platform keeps the highest step until the resumed run passes it.
   */
  resumedFromEpoch?: number | null;
}

/** How the learning rate moves over a run (the platform also takes step:EVERY:GAMMA). */
export type LearningRateSchedule = 'cosine' | 'constant';

export interface NewJob {
  /** A preset name (fitted to the project's input and classes) or a model spec object. */
  model: 'mlp' | 'cnn' | Record<string, unknown>;
  trainDatasetId: string;
  testDatasetId?: string;
  epochs: number;
  batchSize: number;
  learningRate: number;
  momentum?: number;
  weightDecay?: number;
  /** cosine (the default: annealed to 0 by the last epoch), constant or step:EVERY:GAMMA. */
  schedule?: string;
  hiding: HidingMode;
  k: number;
  revealLoss: boolean;
  /** 32 (the default: exact for |values| below 2^15 at 16 fractional bits) or 64 (exact over the whole ring). */
  comparisonBits?: number;
  /**
   * 0 to 64 (default 0): T > 0 evaluates the test set by "InstaHide in inference" (each test image encoded T times like a
   * training image, the softmax summed over them; about T times the evaluation's cost). Needs a test set and hiding on.
   */
  testEncodings?: number;
  /** 0 to 0.65 (default 0): least coefficient of the test image itself in its test encodings; only with testEncodings > 0. */
  testOwnCoefficientMin?: number;
}

/** POST /api/projects/{id}/jobs/estimate: a job's cost measured on one secure step (Platform DealerCostEstimate). */
export interface JobEstimate {
  epochs: number;
  stepsPerEpoch: number;
  steps: number;
  itemsPerStep: number;
  wordsPerStepToParty0: number;
  wordsPerStepToParty1: number;
  hidingWordsPerStepToParty1: number;
  peerRoundsPerStep: number;
  peerBytesPerStepPerParty: number;
  initialParameterWords: number;
  epochPublicBytes: number;
  totalBytesToParty0: number;
  totalBytesToParty1: number;
  secondsPerStepMeasured: number;
  estimatedSeconds: number;
  /** The measured table's expected test accuracy of these settings (a platform without it sends none). */
  expectedAccuracy?: ExpectedAccuracy | null;
}

/**
 * The test accuracy a job's settings can be expected to give, from the platform's measured table (docs/accuracy.md),
 * beside training without hiding, with the sentences to show: the CLI prints the same.
 */
export interface ExpectedAccuracy {
  /** Whether the table has a figure for these settings (Fashion-MNIST-shaped data, a preset, a measured hiding setting). */
  measured: boolean;
  percent: number | null;
  withoutHidingPercent: number | null;
  /** More than 5 points below training without hiding, or under 50 %. */
  poor: boolean;
  summary: string;
  warning: string | null;
  basis: string;
  measuredEpochs?: number | null;
  measuredTrainingImages?: number | null;
  measuredTestEncodings?: number | null;
}

/** A grant for one party: send `grant` as `Authorization: Bearer …` to the party's API at `url` before `expiresAt`. */
export interface PartyGrant {
  party: number;
  url: string;
  grant: string;
  expiresAt: string;
}

/** POST /api/jobs/{id}/model-grants: one DownloadModel grant per party (party 0 first). */
export interface ModelDownloadGrants {
  jobId: string;
  downloads: PartyGrant[];
}

/** One stored progress report of a job (`GET /api/jobs/{id}/progress`). */
export interface JobProgressPoint {
  /** Orders points by receipt (and so by step); page with `?after=id`. */
  id: number;
  /** Steps done since the job began. */
  step: number;
  /** 0-based. */
  epoch: number;
  /** Only for a job that reveals its loss. */
  loss?: number | null;
  imagesPerSecond?: number | null;
  /** When the platform received the report. */
  time: string;
}

/** One epoch of a job (1-based) as its latest report left it. */
export interface JobEpochRow {
  epoch: number;
  /** The latest step reported within the epoch, counted from the job's start. */
  step: number;
  loss?: number | null;
  accuracy?: number | null;
  imagesPerSecond?: number | null;
  /** The party's time in the epoch up to `step`. */
  durationSeconds?: number | null;
  /** A checkpoint of this many epochs was written. */
  checkpoint: boolean;
  time: string;
}

/**
 * A job's stored progress: the points after the asked-for id, oldest first, and every epoch row. A job keeps one
 * point per slot of `stride` steps; a point replaces every point a client holds in its slot or later.
 */
export interface JobProgressHistory {
  jobId: string;
  stride: number;
  /** The platform's clock when it answered. */
  now: string;
  points: JobProgressPoint[];
  epochs: JobEpochRow[];
}

export interface JobLogEntry {
  id: number;
  /** When it happened, by the reporting party's clock (the platform's receipt time if that clock is implausible). */
  time: string;
  /** When the platform received it (lines may arrive late, e.g. after a platform restart). */
  receivedAt?: string;
  level: string;
  message: string;
}

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
export interface ServiceHealth {
  role: string;
  status: 'ok' | 'degraded' | 'unhealthy' | 'error' | 'unreachable';
  checks: HealthCheck[];
  detail?: string | null;
}

export interface SystemHealth {
  services: ServiceHealth[];
}

/** One attack of the privacy report (PSNR in dB, null for an exact recovery, i.e. +∞). */
export interface PrivacyReportRow {
  name: string;
  description: string;
  absoluteValue: boolean;
  meanPsnr: number | null;
  psnr: (number | null)[];
  meanSsim: number;
  ssim: number[];
}

/** GET /api/privacy-report: gradient inversion on public Fashion-MNIST test images (never users' data). */
export interface PrivacyReport {
  data: string;
  count: number;
  k: number;
  rows: PrivacyReportRow[];
  table: string;
  warning: string;
  pngLayout: string;
  /** Base64 PNG of the images side by side. */
  png: string;
  generatedAt: string;
}

/** One audit record in a project's activity (GET /api/projects/{id}/activity): the chain hashes are left out. */
export interface ActivityRecord {
  sequence: number;
  timestamp: string;
  eventType: string;
  actor: string;
  subjects: string[];
  properties: Record<string, unknown>;
}

/** A page of a project's activity, newest first; pass `nextCursor` as `after` for older records (null at the end). */
export interface ActivityPage {
  records: ActivityRecord[];
  nextCursor: number | null;
}

/** An API token as its owner sees it later: the public prefix, never the secret. */
export interface ApiToken {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** POST /api/auth/tokens: the new token's secret, returned this once. */
export interface CreatedApiToken {
  id: string;
  name: string;
  token: string;
  prefix: string;
  expiresAt: string;
}

/** POST /api/users/{id}/password: the generated password, returned this once. */
export interface GeneratedPassword {
  userId: string;
  userName: string;
  password: string;
  /** How many of the user's API tokens the reset revoked (0 when asked to keep them). */
  revokedTokens: number;
}
