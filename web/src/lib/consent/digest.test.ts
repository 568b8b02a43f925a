import { describe, expect, it } from 'vitest';
import { type ConsentTerms, checkTerms, consentDigest, encodeTerms } from './digest';
import { exportPublicKey, generateOwnerKey } from './signing';

const key = async () => exportPublicKey((await generateOwnerKey()).publicKey);

async function basic(): Promise<ConsentTerms> {
  const alice = await key();
  return {
    jobId: 'job-1', projectId: 'proj-1', modelSpecJson: '{"preset":"mlp"}',
    datasets: [{ datasetId: 'ds-a', purpose: 'train', owner: 'alice', ownerKey: alice }],
    parameters: [{ name: 'epochs', kind: 'integer', value: 2n }, { name: 'learningRate', kind: 'real', value: 0.05 }],
    recipients: [{ user: 'alice', key: alice }],
  };
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('consent digest', () => {
  it('does not depend on the order of the lists', async () => {
    const terms = await basic();
    const bob = await key();
    const more: ConsentTerms = {
      ...terms,
      datasets: [...terms.datasets, { datasetId: 'ds-b', purpose: 'test', owner: 'bob', ownerKey: bob }],
      recipients: [...terms.recipients, { user: 'bob', key: bob }],
    };
    const reversed: ConsentTerms = {
      ...more,
      datasets: [...more.datasets].reverse(),
      parameters: [...more.parameters].reverse(),
      recipients: [...more.recipients].reverse(),
    };
    expect(hex(await consentDigest(reversed))).toBe(hex(await consentDigest(more)));
  });

  it('changes with every approved field', async () => {
    const terms = await basic();
    const digest = hex(await consentDigest(terms));
    const variants: ConsentTerms[] = [
      { ...terms, jobId: 'job-2' },
      { ...terms, modelSpecJson: '{"preset":"cnn"}' },
      { ...terms, datasets: [{ ...terms.datasets[0]!, owner: 'mallory' }] },
      { ...terms, parameters: [{ name: 'epochs', kind: 'integer', value: 3n }, terms.parameters[1]!] },
      { ...terms, parameters: [terms.parameters[0]!, { name: 'learningRate', kind: 'real', value: 0.05000000000000001 }] },
      { ...terms, recipients: [{ user: 'alice', key: await key() }] },
    ];
    for (const variant of variants) expect(hex(await consentDigest(variant))).not.toBe(digest);
  });

  it('refuses terms that cannot be signed, with the same reasons as .NET', async () => {
    const terms = await basic();
    expect(checkTerms({ ...terms, recipients: [] })).toBe('a job names at least one model recipient');
    expect(checkTerms({ ...terms, datasets: [{ ...terms.datasets[0]!, purpose: 'test' }] })).toBe('a job trains on at least one dataset');
    expect(checkTerms({ ...terms, datasets: [terms.datasets[0]!, terms.datasets[0]!] })).toBe("dataset 'ds-a' is named twice");
    expect(checkTerms({ ...terms, parameters: [...terms.parameters, terms.parameters[0]!] })).toBe("parameter 'epochs' is named twice");
    expect(checkTerms({ ...terms, datasets: [{ ...terms.datasets[0]!, owner: 'x\uD800y' }] })).toBe('a text holds a lone UTF-16 surrogate');
    expect(checkTerms({ ...terms, datasets: [{ ...terms.datasets[0]!, owner: 'x\uD83E\uDDEAy' }] })).toBeUndefined();
    expect(() => encodeTerms({ ...terms, recipients: [] })).toThrow(/cannot be signed/);
    expect(() => encodeTerms({ ...terms, parameters: [{ name: 'lr', kind: 'real', value: Number.NaN }] })).toThrow(/finite/);
  });
});
