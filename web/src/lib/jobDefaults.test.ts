import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { JOB_DEFAULTS } from './jobDefaults';

const csharp = readFileSync(fileURLToPath(new URL('../../../src/Imguard.Contracts/Jobs/JobDefaults.cs', import.meta.url)), 'utf8');
const hidingModes = readFileSync(fileURLToPath(new URL('../../../src/Imguard.Contracts/Jobs/JobTrainingOptions.cs', import.meta.url)), 'utf8');

/** The value of `public const T Name = value;` in JobDefaults.cs, with HidingModes.X resolved. */
function constant(name: string): string | number {
  const m = csharp.match(new RegExp(`public const (string|int|double) ${name} = ([^;]+);`));
  if (!m) throw new Error(`JobDefaults.${name} not found`);
  const value = m[2]!.trim();
  const mode = value.match(/^HidingModes\.(\w+)$/);
  if (mode) return hidingModes.match(new RegExp(`public const string ${mode[1]} = "([^"]+)";`))![1]!;
  return m[1] === 'string' ? JSON.parse(value) as string : Number(value);
}

describe('job defaults', () => {
  it('are the platform\'s and the CLI\'s (JobDefaults.cs)', () => {
    expect(JOB_DEFAULTS.model).toBe(constant('Model'));
    expect(JOB_DEFAULTS.hiding).toBe(constant('Hiding'));
    expect(JOB_DEFAULTS.k).toBe(constant('K'));
    expect(JOB_DEFAULTS.epochs).toBe(constant('Epochs'));
    expect(JOB_DEFAULTS.batchSize).toBe(constant('BatchSize'));
    expect(JOB_DEFAULTS.learningRate).toBe(constant('LearningRate'));
    expect(JOB_DEFAULTS.momentum).toBe(constant('Momentum'));
    expect(JOB_DEFAULTS.schedule).toBe(constant('Schedule'));
  });
});
