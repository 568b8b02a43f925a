// The browser's share writer run under Node for a C# test (tests/Imguard.Learning.Tests/Storage/
// BrowserShareWriterPropertyTests.cs): bundles web/src/sharing/shareDataset.ts with esbuild (from web/node_modules,
// installed by `npm ci`), shares every case of CASES.json with it (masks from Web Crypto, as in the browser) and writes
// OUT_DIR/<i>.party0.share, OUT_DIR/<i>.party1.share and OUT_DIR/<i>.json (both half digests).
//   node web/scripts/share-cases.mjs CASES.json OUT_DIR
// A case: { datasetId, fractionalBits, chunkSize, channels, height, width, classes, mean[], std[], labels[], pixels[] }.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const [casesPath, outDir] = process.argv.slice(2);
if (!casesPath || !outDir) {
  console.error('usage: node web/scripts/share-cases.mjs CASES.json OUT_DIR');
  process.exit(2);
}

const web = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const bundled = await build({
  entryPoints: [path.join(web, 'src/sharing/shareDataset.ts')],
  bundle: true,
  format: 'esm',
  platform: 'node',
  write: false,
  logLevel: 'error',
});
const { shareDataset } = await import('data:text/javascript;base64,' + Buffer.from(bundled.outputFiles[0].text).toString('base64'));

const cases = JSON.parse(readFileSync(casesPath, 'utf8'));
for (const [i, c] of cases.entries()) {
  const { half0, half1 } = await shareDataset({
    pixels: Float32Array.from(c.pixels),
    labels: c.labels,
    count: c.labels.length,
    channels: c.channels, height: c.height, width: c.width, classes: c.classes,
  }, {
    datasetId: c.datasetId,
    fractionalBits: c.fractionalBits,
    chunkSize: c.chunkSize,
    standardization: { mean: c.mean, std: c.std },
  });
  writeFileSync(path.join(outDir, `${i}.party0.share`), Buffer.concat(half0.parts));
  writeFileSync(path.join(outDir, `${i}.party1.share`), Buffer.concat(half1.parts));
  writeFileSync(path.join(outDir, `${i}.json`), JSON.stringify({ digest0: half0.digest, digest1: half1.digest }));
}
