import { describe, expect, it } from 'vitest';
import { exportPublicKey, generateOwnerKey } from '../lib/consent/signing';
import { checkPremadeShares, checkScalingChoice, isScalingRecord, parseScalingRecord, type PickedFile } from './premadeShares';
import { concat, ShareFileWriter, type ShareHeader } from './shareFile';
import { ShareFileError, verifyShareFile } from './shareFileReader';

const project = { name: 'p', channels: 1, height: 2, width: 2, classes: 3 };

async function ownerKey(): Promise<Uint8Array> {
  return exportPublicKey((await generateOwnerKey()).publicKey);
}

/** A written half of `count` rows of 1×2×2 images and 3 classes, as bytes, with the digest the writer computed. */
async function half(party: 0 | 1, key: Uint8Array | undefined, overrides: Partial<ShareHeader> = {}): Promise<{ bytes: Uint8Array; digest: string }> {
  const header: ShareHeader = {
    datasetId: 'ds-offline', partyId: party, fractionalBits: 16, channels: 1, height: 2, width: 2, classes: 3, count: 5,
    chunkSize: 64, ...(key ? { ownerKey: key } : {}), ...overrides,
  };
  const writer = new ShareFileWriter(header);
  const scalars = header.count * (header.channels * header.height * header.width + header.classes);
  const limbs = new Uint32Array(2 * scalars);
  for (let i = 0; i < limbs.length; i++) limbs[i] = (i * 2654435761 + party) >>> 0;
  await writer.write(limbs);
  const written = await writer.complete();
  return { bytes: concat(written.parts), digest: written.digest };
}

function picked(name: string, bytes: Uint8Array): PickedFile {
  return { name, blob: new Blob([bytes as Uint8Array<ArrayBuffer>]) };
}

describe('pre-made share files', () => {
  it('accepts the two halves in either order and returns the digests the writer computed', async () => {
    const key = await ownerKey();
    const [h0, h1] = [await half(0, key), await half(1, key)];
    const shares = await checkPremadeShares([picked('b.party1.share', h1.bytes), picked('a.party0.share', h0.bytes)], project);
    expect(shares.datasetId).toBe('ds-offline');
    expect(shares.digest0).toBe(h0.digest);
    expect(shares.digest1).toBe(h1.digest);
    expect(shares.header.count).toBe(5);
    expect(shares.header.ownerKey).toEqual(key);
    expect(shares.ownerKeyFingerprint).toMatch(/^[0-9a-f]{4}(:[0-9a-f]{4}){3}$/);
    expect(await shares.half0.arrayBuffer()).toEqual(h0.bytes.buffer);
  });

  it('refuses a file changed in its payload, its header or its length', async () => {
    const key = await ownerKey();
    const [h0, h1] = [await half(0, key), await half(1, key)];
    const payload = h0.bytes.slice();
    payload[300] = payload[300]! ^ 1;
    await expect(checkPremadeShares([picked('x.party0.share', payload), picked('x.party1.share', h1.bytes)], project))
      .rejects.toThrow(/'x.party0.share' is corrupt: chunk 0 does not match its hash/);
    const header = h1.bytes.slice();
    header[96] = 6; // the count, under the header hash
    await expect(checkPremadeShares([picked('x.party0.share', h0.bytes), picked('x.party1.share', header)], project))
      .rejects.toThrow(/'x.party1.share' has a corrupt header/);
    await expect(verifyShareFile(new Blob([h0.bytes.slice(0, -1) as Uint8Array<ArrayBuffer>]), 'short')).rejects.toThrow(ShareFileError);
    await expect(verifyShareFile(new Blob([h0.bytes as Uint8Array<ArrayBuffer>, new Uint8Array(1)]), 'long')).rejects.toThrow(/its header implies/);
    await expect(verifyShareFile(new Blob([new TextEncoder().encode('not a share file at all')]), 'text')).rejects.toThrow(/not a share file/);
  });

  it('refuses both halves of the same party', async () => {
    const key = await ownerKey();
    const h0 = await half(0, key);
    await expect(checkPremadeShares([picked('a', h0.bytes), picked('b', h0.bytes)], project)).rejects.toThrow(/both are party 0's half/);
    const h1 = await half(1, key);
    await expect(checkPremadeShares([picked('a', h1.bytes), picked('b', h1.bytes)], project)).rejects.toThrow(/both are party 1's half/);
  });

  it('refuses halves of two datasets, of different counts, or with different owner keys', async () => {
    const key = await ownerKey();
    const h0 = await half(0, key);
    const other = await half(1, key, { datasetId: 'ds-other' });
    await expect(checkPremadeShares([picked('a', h0.bytes), picked('b', other.bytes)], project)).rejects.toThrow(/datasets 'ds-offline' and 'ds-other'/);
    const longer = await half(1, key, { count: 6 });
    await expect(checkPremadeShares([picked('a', h0.bytes), picked('b', longer.bytes)], project)).rejects.toThrow(/shapes, counts or number formats differ/);
    const otherKey = await half(1, await ownerKey());
    await expect(checkPremadeShares([picked('a', h0.bytes), picked('b', otherKey.bytes)], project)).rejects.toThrow(/different owner keys/);
    const noKey = await half(1, undefined);
    await expect(checkPremadeShares([picked('a', h0.bytes), picked('b', noKey.bytes)], project)).rejects.toThrow(/different owner keys/);
  });

  it('refuses shares of another shape than the project\'s, and anything but two files', async () => {
    const key = await ownerKey();
    const [h0, h1] = [await half(0, key), await half(1, key)];
    await expect(checkPremadeShares([picked('a', h0.bytes), picked('b', h1.bytes)], { ...project, classes: 10 }))
      .rejects.toThrow(/1×2×2 images with 3 classes; project 'p' expects 1×2×2 with 10 classes/);
    await expect(checkPremadeShares([picked('a', h0.bytes)], project)).rejects.toThrow(/two share files.*1 chosen/);
  });

  it('refuses a version 2 header whose owner key is not a P-256 key', async () => {
    const bogus = new Uint8Array(91).fill(7);
    await expect(half(0, bogus).then(h => verifyShareFile(new Blob([h.bytes as Uint8Array<ArrayBuffer>]), 'k'))).rejects.toThrow(/owner key is not an ECDSA P-256 public key/);
  });
});

describe('the scaling record imguard dataset share writes beside the shares', () => {
  it('is told from the statistics file by its name and read as the CLI writes it', () => {
    expect(isScalingRecord('ds-1.scaling.json')).toBe(true);
    expect(isScalingRecord('ds-1.standardization.json')).toBe(false);
    expect(parseScalingRecord('{"scaling":"raw","classNames":["a","b"]}\n', 'r.json')).toEqual({ scaling: 'raw', classNames: ['a', 'b'] });
    expect(parseScalingRecord('{"scaling":"own","classNames":null}', 'r.json')).toEqual({ scaling: 'own' });
    expect(() => parseScalingRecord('{"scaling":"disclosed"}', 'r.json')).toThrow('r.json names no scaling: it says "scaling": "raw" or "own".');
    expect(() => parseScalingRecord('nope', 'r.json')).toThrow('r.json is not JSON.');
  });

  it('keeps the owner from registering the files as something they are not', () => {
    expect(checkScalingChoice('raw', { scaling: 'raw' }, 'r.json')).toBeUndefined();
    expect(checkScalingChoice('own', undefined, 'r.json')).toBeUndefined();
    expect(checkScalingChoice('own', { scaling: 'raw' }, 'r.json')).toMatch(/^r\.json says these share files hold raw pixels .*choose "raw, for jobs with other owners"\.$/);
    expect(checkScalingChoice('raw', { scaling: 'own' }, 'r.json')).toMatch(/standardised with your own statistics: choose "standardised with my own statistics"\.$/);
  });
});
