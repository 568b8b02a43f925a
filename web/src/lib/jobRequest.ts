// The create-job request built from the start-job form's values (unit-tested in jobRequest.test.ts). The same body goes
// to POST /api/projects/{id}/jobs and to its cost estimate.
import type { HidingMode, LearningRateSchedule, NewJob } from '../api/types';

/** The most test-time encodings a job may ask for (each is a full pass over the test set). */
export const MAX_TEST_ENCODINGS = 64;
/** The largest least-own-coefficient of a test encoding: the hiding's upper bound on any coefficient. */
export const MAX_TEST_OWN_COEFFICIENT = 0.65;

/** What the start-job form holds: `testDatasetId` is '' for none; `k`, `testEncodings` and `testOwnCoefficientMin` as typed. */
export interface JobFormValues {
  model: NewJob['model'];
  trainDatasetId: string;
  testDatasetId: string;
  epochs: number;
  batchSize: number;
  learningRate: number;
  momentum: number;
  weightDecay: number;
  schedule: LearningRateSchedule;
  hiding: HidingMode;
  k: number;
  revealLoss: boolean;
  comparisonBits: number;
  testEncodings: number;
  testOwnCoefficientMin: number;
  /** More training datasets (the first is trainDatasetId); the job trains on the union. Empty: one dataset. */
  additionalTrainDatasetIds?: string[];
  /** Who receives the model (user names); empty: the platform's default, the job's creator. */
  recipients?: string[];
}

/** Test-time encodings need something to encode (a test set) and a way to encode it (hiding on); the platform refuses them otherwise. */
export function testEncodingsAllowed(hiding: HidingMode, testDatasetId: string): boolean {
  return hiding !== 'off' && testDatasetId !== '';
}

/** The request body: k is 1 without hiding; testEncodings 0 where not allowed; the own-coefficient floor 0 without test encodings. */
export function buildJobRequest(v: JobFormValues): NewJob {
  const testEncodings = testEncodingsAllowed(v.hiding, v.testDatasetId) ? v.testEncodings : 0;
  return {
    model: v.model,
    trainDatasetId: v.trainDatasetId, testDatasetId: v.testDatasetId || undefined,
    epochs: v.epochs, batchSize: v.batchSize, learningRate: v.learningRate, momentum: v.momentum, weightDecay: v.weightDecay,
    schedule: v.schedule, hiding: v.hiding, k: v.hiding === 'off' ? 1 : v.k, revealLoss: v.revealLoss, comparisonBits: v.comparisonBits,
    testEncodings, testOwnCoefficientMin: testEncodings > 0 ? v.testOwnCoefficientMin : 0,
    // Sent only when set, so a single-owner job's body is what it was.
    ...(v.additionalTrainDatasetIds?.length ? { additionalTrainDatasetIds: v.additionalTrainDatasetIds.filter(id => id !== v.trainDatasetId) } : {}),
    ...(v.recipients?.length ? { recipients: v.recipients } : {}),
  };
}
