// Test images for the browser tests, made with node's zlib only (no image library): PNG encoding (gray, RGB or RGBA,
// 8 bits, filter 0), an image folder with one sub-folder per class, a deliberately broken file, and IDX files.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync, deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/**
 * A PNG of `width`×`height` pixels; `pixel(x, y)` returns the components: [v] gray, [r, g, b] RGB or [r, g, b, a] RGBA
 * (the length of the first pixel's array decides the colour type for the whole image).
 */
export type Pixel = (x: number, y: number) => number[];

export function png(width: number, height: number, pixel: Pixel): Buffer {
  const components = pixel(0, 0).length;
  const colourType = ({ 1: 0, 3: 2, 4: 6 } as Record<number, number>)[components];
  if (colourType === undefined) throw new Error('a pixel has 1, 3 or 4 components');
  const raw = Buffer.alloc(height * (1 + width * components));
  for (let y = 0; y < height; y++) {
    const row = y * (1 + width * components);
    raw[row] = 0;
    for (let x = 0; x < width; x++) {
      const values = pixel(x, y);
      for (let c = 0; c < components; c++) raw[row + 1 + x * components + c] = values[c] ?? 0;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = colourType;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * Shape images for class `label` (0 circle, 1 cross, 2 square: the alphabetical order of the folder names, which is the
 * order the folder reader gives the classes), of any size, with a little per-image variation.
 */
export function shapePixel(label: number, index: number, size: number): (x: number, y: number) => number {
  const c = (size - 1) / 2;
  const r = size * (0.28 + 0.04 * (index % 3));
  return (x: number, y: number) => {
    const inside = label === 0 ? (x - c) ** 2 + (y - c) ** 2 <= r * r
      : label === 1 ? Math.abs(x - y) <= 1 || Math.abs(x + y - (size - 1)) <= 1
      : Math.abs(x - c) <= r && Math.abs(y - c) <= r;
    return inside ? 220 - 10 * (index % 4) : 20 + ((x * 7 + y * 3 + index) % 15);
  };
}

/** IDX bytes: a big-endian magic and dimensions, then the unsigned bytes. */
export function idx(magic: number, dims: number[], body: Uint8Array): Buffer {
  const out = Buffer.alloc(4 + 4 * dims.length + body.length);
  out.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => out.writeUInt32BE(d, 4 + 4 * i));
  Buffer.from(body).copy(out, 4 + 4 * dims.length);
  return out;
}

/**
 * Writes the fixtures into `dir`: folder/{circle,cross,square}/NN.png (`perClass` each; sizes and colour types vary so
 * decoding and resizing are exercised) plus folder/cross/broken.png (not a PNG), `count` 28×28 IDX images and labels.
 */
export interface TestImages {
  folder: string;
  images: string;
  labels: string;
  stats: string;
}

export function writeTestImages(dir: string, { perClass = 6, count = 60, classes = ['circle', 'cross', 'square'] } = {}): TestImages {
  const folder = path.join(dir, 'folder');
  classes.forEach((name, label) => {
    mkdirSync(path.join(folder, name), { recursive: true });
    for (let i = 0; i < perClass; i++) {
      const size = [28, 40, 20][i % 3] ?? 28;
      const gray = shapePixel(label, i, size);
      const pixel: Pixel = i % 2 === 0 ? (x, y) => [gray(x, y)] : (x, y) => [gray(x, y), gray(x, y) * 0.8, 255 - gray(x, y)];
      writeFileSync(path.join(folder, name, `${String(i).padStart(2, '0')}.png`), png(size, size, pixel));
    }
  });
  writeFileSync(path.join(folder, classes[1] ?? 'cross', 'broken.png'), Buffer.from('this is not a PNG file'));
  const pixels = new Uint8Array(count * 28 * 28);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    labels[n] = n % classes.length;
    const pixel = shapePixel(n % classes.length, n, 28);
    for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) pixels[n * 784 + y * 28 + x] = pixel(x, y);
  }
  writeFileSync(path.join(dir, 'images.idx.gz'), gzipSync(idx(0x803, [count, 28, 28], pixels)));
  writeFileSync(path.join(dir, 'labels.idx'), idx(0x801, [count], labels));
  writeFileSync(path.join(dir, 'stats.standardization.json'), JSON.stringify({ mean: [0.3], std: [0.35] }));
  return { folder, images: path.join(dir, 'images.idx.gz'), labels: path.join(dir, 'labels.idx'), stats: path.join(dir, 'stats.standardization.json') };
}

