import { describe, expect, it } from 'vitest';
import type { ConsentParameterView } from './consent/approval';
import {
  describeMode, describeScaling, describeStatistics, disclosureWords, isStandardizationParameter, parseScalingText, rawStatistics,
  scalingLabel, signedStandardization, standardizationMode, unionConflicts,
} from './scaling';

const raw = { kind: 'raw' };
const own = { kind: 'own' };
const disclosed = { kind: 'disclosed', mean: [0.2860406], std: [0.3530241] };

describe('the mode a job will use (JobStandardization.ModeFor)', () => {
  it('is as shared for one training set standardised with its owner\'s own statistics (and an own test set)', () => {
    expect(standardizationMode(1, [own])).toBe('as-shared');
    expect(standardizationMode(1, [own, own])).toBe('as-shared');
    // A dataset registered before scalings has none: the platform reads it as own.
    expect(standardizationMode(1, [undefined, null])).toBe('as-shared');
  });

  it('is over the union for several training sets or any dataset that is raw or disclosed', () => {
    expect(standardizationMode(2, [own, own])).toBe('union');
    expect(standardizationMode(1, [raw])).toBe('union');
    expect(standardizationMode(1, [own, raw])).toBe('union');
    expect(standardizationMode(1, [disclosed])).toBe('union');
  });

  it('names every own dataset a union job cannot use, in the platform\'s words, and none in an as-shared job', () => {
    const datasets = [{ id: 'ds-a', name: 'a', scaling: raw }, { id: 'ds-b', name: 'b', owner: 'bob', scaling: own }, { id: 'ds-c', name: 'c' }, { id: 'ds-d', name: 'd', scaling: disclosed }];
    const conflicts = unionConflicts('union', datasets);
    expect(conflicts.map(c => c.id)).toEqual(['ds-b', 'ds-c']);
    expect(conflicts[0]!.message).toBe("Dataset ds-b ('b', shared by bob) was standardised with bob's own statistics, which a job standardised over the union of "
      + 'its datasets cannot use: bob shares it again with raw pixels or discloses its statistics (Disclose statistics in the dataset list).');
    expect(conflicts[1]!.message).toMatch(/^Dataset ds-c \('c'\) was standardised with its owner's own statistics, .*: its owner shares it again/);
    expect(unionConflicts('as-shared', datasets)).toEqual([]);
  });
});

describe('a dataset\'s scaling in words', () => {
  it('says what each kind is and what it can join', () => {
    expect(describeScaling(raw)).toMatch(/^Raw pixels \(x\/255\).*can join jobs with other owners/);
    expect(describeScaling(own)).toMatch(/own statistics, kept on the owner's device/);
    expect(describeScaling(undefined)).toBe(describeScaling(own));
    expect(describeScaling({ kind: 'disclosed', mean: [0.1, 0.2, 0.3], std: [0.25, 0.5, 0.123456] }))
      .toContain('mean 0.1, 0.2, 0.3, std 0.25, 0.5, 0.1235');
    expect(scalingLabel(raw)).toBe('raw');
    expect(scalingLabel(null)).toBe('own statistics');
    expect(scalingLabel(disclosed)).toBe('disclosed statistics');
  });

  it('says what a disclosed dataset discloses, and nothing for the others', () => {
    expect(disclosureWords(disclosed)).toBe("discloses its owner's statistics mean=0.286 std=0.353");
    expect(disclosureWords(raw)).toBeUndefined();
    expect(disclosureWords(own)).toBeUndefined();
  });

  it('describes the modes in plain words: the union opens 2 numbers per channel and no per-owner statistic', () => {
    expect(describeMode('union')).toBe('Standardised on shares over the union of every training set: the parties open 2 numbers per channel '
      + "(mean and deviation of all owners' training images together); no per-owner statistic is opened.");
    expect(describeMode('as-shared')).toMatch(/never leave the owner's device; nothing is opened/);
  });

  it('describes the opened statistics with their count', () => {
    expect(describeStatistics({ mean: [0.2860406], std: [0.3530241], valuesPerChannel: 47040 }))
      .toBe('mean 0.286 and deviation 0.353 of x/255 (one channel), over 47,040 values per channel');
    expect(describeStatistics({ mean: [0.1, 0.2, 0.3], std: [0.1, 0.2, 0.3], valuesPerChannel: 3 })).toContain('(3 channels)');
  });

  it('shares raw pixels with the identity statistics', () => {
    expect(rawStatistics(3)).toEqual({ mean: [0, 0, 0], std: [1, 1, 1] });
  });
});

describe('the standardisation the consent terms sign', () => {
  const text = (name: string, value: string): ConsentParameterView => ({ name, kind: 'text', text: value });

  it('reads PixelScaling.ToConsentText back: raw, own and disclosed with its numbers per channel', () => {
    expect(parseScalingText('raw')).toEqual(raw);
    expect(parseScalingText('own')).toEqual(own);
    expect(parseScalingText('disclosed mean=0.2860406 std=0.3530241')).toEqual(disclosed);
    expect(parseScalingText('disclosed mean=0.1,0.2,0.3 std=0.4,0.5,0.6')).toEqual({ kind: 'disclosed', mean: [0.1, 0.2, 0.3], std: [0.4, 0.5, 0.6] });
    expect(parseScalingText('disclosed mean=1E-07 std=2.5E+03')).toEqual({ kind: 'disclosed', mean: [1e-7], std: [2500] });
    expect(parseScalingText('disclosed mean=0.1,0.2 std=0.4')).toBeUndefined();
    expect(parseScalingText('disclosed mean=x std=1')).toBeUndefined();
    expect(parseScalingText('scaled')).toBeUndefined();
  });

  it('turns the signed parameters into the approval page\'s words', () => {
    const signed = signedStandardization([
      text('standardization', 'union'),
      text('scaling.ds-a', 'raw'),
      text('scaling.ds-b', 'disclosed mean=0.2860406 std=0.3530241'),
      text('scaling.ds-c', 'something else'),
      { name: 'epochs', kind: 'integer', integer: 3 },
    ]);
    expect(signed?.mode).toBe('union');
    expect(signed?.summary).toBe(describeMode('union'));
    expect(signed?.datasets).toEqual([
      { datasetId: 'ds-a', scaling: 'raw', words: "raw pixels (x/255); nothing of its owner's is opened" },
      { datasetId: 'ds-b', scaling: 'disclosed mean=0.2860406 std=0.3530241', words: "discloses its owner's statistics mean=0.286 std=0.353" },
      { datasetId: 'ds-c', scaling: 'something else', words: "scaled 'something else'" },
    ]);
    expect(signedStandardization([text('scaling.ds-a', 'own'), text('standardization', 'as-shared')])?.datasets[0]?.words)
      .toBe("standardised with its owner's own statistics, which stay on the owner's device");
  });

  it('is absent from terms made before it, and its parameters leave the settings list', () => {
    expect(signedStandardization([{ name: 'epochs', kind: 'integer', integer: 3 }])).toBeUndefined();
    expect(isStandardizationParameter('standardization')).toBe(true);
    expect(isStandardizationParameter('scaling.ds-a')).toBe(true);
    expect(isStandardizationParameter('epochs')).toBe(false);
    expect(isStandardizationParameter('revision')).toBe(false);
  });
});
