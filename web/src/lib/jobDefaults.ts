// The settings a new training job starts from: the same as src/Imguard.Contracts/Jobs/JobDefaults.cs, which the
// platform applies to a field a request leaves out and `imguard train` starts from (jobDefaults.test.ts holds the two
// files to the same values). Chosen by measurement (docs/accuracy.md): the README's first job comes within 5 points of
// training without hiding; InstaHide is one click away, with its expected accuracy shown.
import type { HidingMode, LearningRateSchedule } from '../api/types';

export const JOB_DEFAULTS: {
  readonly model: 'mlp' | 'cnn';
  readonly hiding: HidingMode;
  readonly k: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly momentum: number;
  readonly schedule: LearningRateSchedule;
} = {
  model: 'mlp',
  hiding: 'mixup',
  k: 2,
  epochs: 5,
  batchSize: 128,
  learningRate: 0.05,
  momentum: 0.9,
  schedule: 'cosine',
};
