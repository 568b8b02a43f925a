// What the start-job form says about its values: problems found here as the values are typed (so each message goes
// away as soon as its value is fixed), and the platform's refusals reworded with the form's labels instead of the API's
// field names ("Learning rate must be …", not "Invalid request: learningRate must be …"). Unit-tested in
// jobValidation.test.ts.
import { ApiError } from '../api/client';
import type { Dataset, NewJob } from '../api/types';

/** The form's label of each request field, as the platform names it in its messages. */
export const JOB_FIELD_LABELS: Record<string, string> = {
  trainDatasetId: 'Training data',
  testDatasetId: 'Test data',
  epochs: 'Epochs',
  batchSize: 'Batch size',
  learningRate: 'Learning rate',
  momentum: 'Momentum',
  weightDecay: 'Weight decay',
  schedule: 'Learning-rate schedule',
  k: 'k (images per encoding)',
  testEncodings: 'Test-time encodings (T)',
  testOwnCoefficientMin: 'Least own coefficient',
  comparisonBits: 'Comparison bits',
  hiding: 'Hiding',
  model: 'Model',
};

// The platform's bounds (Imguard.Platform/Api/JobSpecs.cs, TrainingOptions.Validate); it checks them again.
const RANGES: { field: keyof NewJob; min: number; max: number; minOpen?: boolean; maxOpen?: boolean; integer?: boolean }[] = [
  { field: 'epochs', min: 1, max: 1000, integer: true },
  { field: 'batchSize', min: 1, max: 4096, integer: true },
  { field: 'learningRate', min: 0, max: 10, minOpen: true },
  { field: 'momentum', min: 0, max: 1, maxOpen: true },
  { field: 'weightDecay', min: 0, max: Infinity },
  { field: 'testEncodings', min: 0, max: 64, integer: true },
  { field: 'testOwnCoefficientMin', min: 0, max: 0.65 },
];

function range(min: number, max: number, minOpen?: boolean, maxOpen?: boolean): string {
  if (max === Infinity) return `${min} or more`;
  if (minOpen) return `more than ${min} and at most ${max}`;
  if (maxOpen) return `at least ${min} and less than ${max}`;
  return `${min} to ${max}`;
}

/** The request's problems, one sentence each, named by the form's labels; empty when the platform would take it. */
export function jobProblems(request: NewJob): string[] {
  const problems: string[] = [];
  for (const { field, min, max, minOpen, maxOpen, integer } of RANGES) {
    const value = request[field];
    if (value === undefined) continue;
    const label = JOB_FIELD_LABELS[field];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      problems.push(`${label}: enter a number.`);
    } else if ((minOpen ? value <= min : value < min) || (maxOpen ? value >= max : value > max) || (integer && !Number.isInteger(value))) {
      problems.push(`${label} must be ${integer ? 'a whole number, ' : ''}${range(min, max, minOpen, maxOpen)}.`);
    }
  }
  // A k left out gets the platform's default, which is in range.
  if (request.hiding !== 'off' && request.k !== undefined && !(Number.isInteger(request.k) && request.k >= 2 && request.k <= 16)) {
    problems.push(`${JOB_FIELD_LABELS.k} must be a whole number, 2 to 16.`);
  }
  return problems;
}

const API_NAME = new RegExp(`\\b(${Object.keys(JOB_FIELD_LABELS).join('|')})\\b`, 'g');

/** A platform message with the form's labels for the API's field names, starting with a capital. */
export function withFieldLabels(message: string): string {
  const labelled = message.replace(API_NAME, (name: string, _group: string, offset: number) => {
    const label = JOB_FIELD_LABELS[name] ?? name;
    return offset === 0 ? label : label.charAt(0).toLowerCase() + label.slice(1);
  });
  return labelled.charAt(0).toUpperCase() + labelled.slice(1);
}

/**
 * The platform's refusal of a job request as the form shows it: a 400's detail alone, in the form's words (the
 * "Invalid request" title says nothing the sentence does not); anything else as it came.
 */
export function jobRequestError(error: unknown): unknown {
  if (error instanceof ApiError && error.status === 400 && error.detail) return new Error(withFieldLabels(error.detail));
  return error;
}

/** The project's newest Ready test set, the start-job form's default test data; '' when there is none. */
export function newestTestSet(datasets: Dataset[]): string {
  const tests = datasets.filter(d => d.status === 'Ready' && d.purpose === 'Test');
  tests.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
  return tests[0]?.id ?? '';
}
