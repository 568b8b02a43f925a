// The cross-language test vectors tests/vectors/share-v1 and share-v2 (the same images, version 2 with the owner's
// key): the browser writer regenerates both share files from the inputs with the deterministic mask stream and must
// match the committed bytes (which the C# test reads and reconstructs).
// UPDATE_VECTORS=1 npx vitest run src/sharing/vector.test.ts rewrites them after a deliberate change.
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deterministicRandom } from './random';
import { concat } from './shareFile';
import { shareDataset } from './shareDataset';

interface Inputs {
  datasetId: string;
  fractionalBits: number;
  chunkSize: number;
  channels: number;
  height: number;
  width: number;
  classes: number;
  standardization: { mean: number[]; std: number[] };
  maskSeed: string;
  labels: number[];
  pixels: number[][];
  /** share-v2 only: the owner's public key, base64 SPKI DER. */
  ownerKey?: string;
}

async function generate(inputs: Inputs) {
  return shareDataset({
    pixels: Float32Array.from(inputs.pixels.flat()),
    labels: inputs.labels,
    count: inputs.labels.length,
    channels: inputs.channels, height: inputs.height, width: inputs.width, classes: inputs.classes,
  }, {
    datasetId: inputs.datasetId,
    fractionalBits: inputs.fractionalBits,
    chunkSize: inputs.chunkSize,
    standardization: inputs.standardization,
    random: deterministicRandom(BigInt(inputs.maskSeed)),
    ownerKey: inputs.ownerKey ? new Uint8Array(Buffer.from(inputs.ownerKey, 'base64')) : undefined,
  });
}

describe.each([['share-v1', 144], ['share-v2', 280]] as const)('test vector %s', (name, headerBytes) => {
  const dir = new URL(`../../../tests/vectors/${name}/`, import.meta.url);

  it('regenerates the committed share files byte for byte', async () => {
    const inputs = JSON.parse(readFileSync(new URL('inputs.json', dir), 'utf8')) as Inputs;
    const { half0, half1 } = await generate(inputs);
    const bytes0 = concat(half0.parts), bytes1 = concat(half1.parts);
    const expected = { digest0: half0.digest, digest1: half1.digest, length0: bytes0.length, length1: bytes1.length };
    if (process.env.UPDATE_VECTORS === '1') {
      writeFileSync(new URL('party0.share', dir), bytes0);
      writeFileSync(new URL('party1.share', dir), bytes1);
      writeFileSync(new URL('expected.json', dir), JSON.stringify(expected, null, 2) + '\n');
    }
    expect(Buffer.from(bytes0).equals(readFileSync(new URL('party0.share', dir)))).toBe(true);
    expect(Buffer.from(bytes1).equals(readFileSync(new URL('party1.share', dir)))).toBe(true);
    expect(expected).toEqual(JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8')));
    // 3 rows of 16 + 3 ring elements in 128-byte chunks: 456 payload bytes, 4 chunks.
    expect(bytes0.length).toBe(headerBytes + 456 + 4 * 32);
    expect(bytes0[8]).toBe(name === 'share-v2' ? 2 : 1);
  });
});
