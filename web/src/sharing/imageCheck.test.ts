// Cut-off and damaged images (issue 14, item 3), the browser's side: every truncation of every sample is refused with
// a reason before createImageBitmap (which would decode it partly grey) sees it; mutated and random files never make
// the check throw. The samples are made here: PNG with node's zlib, BMP by hand, and grey JPEGs of the same hand-built
// structures as the C# tests' TinyJpeg (baseline, progressive with a table between its scans, restart markers).
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { checkImage } from './imageCheck';
import { decodeImage } from './images';
import { deterministicRandom } from './random';

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

const concat = (...parts: (Uint8Array | number[])[]): Uint8Array<ArrayBuffer> => Uint8Array.from(parts.flatMap(p => Array.from(p)));

/** A width×height PNG (8-bit, `components` 1 gray, 3 RGB or 4 RGBA) of a noise pattern. */
function png(width: number, height: number, components: 1 | 3 | 4, size?: { width: number; height: number }): Uint8Array<ArrayBuffer> {
  const raw = new Uint8Array(height * (1 + width * components));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width * components; x++) raw[y * (1 + width * components) + 1 + x] = (x * 73 + y * 151 + x * y * 13) % 256;
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, size?.width ?? width);
  view.setUint32(4, size?.height ?? height);
  header[8] = 8;
  header[9] = { 1: 0, 3: 2, 4: 6 }[components];
  return concat([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0)));
}

/** A 24-bit bottom-up BMP (BITMAPINFOHEADER). */
function bmp(width: number, height: number): Uint8Array {
  const stride = Math.ceil((width * 3) / 4) * 4;
  const out = new Uint8Array(54 + stride * height);
  const view = new DataView(out.buffer);
  out[0] = 0x42;
  out[1] = 0x4d;
  view.setUint32(2, out.length, true);
  view.setUint32(10, 54, true);
  view.setUint32(14, 40, true);
  view.setInt32(18, width, true);
  view.setInt32(22, height, true);
  view.setUint16(26, 1, true);
  view.setUint16(28, 24, true);
  for (let i = 54; i < out.length; i++) out[i] = (i * 31) % 256;
  return out;
}

/**
 * A grey JPEG of flat colour (tests/Imguard.Learning.Tests/Data/TinyJpeg.cs): one quantisation table, a frame header,
 * one-code Huffman tables, optional restart interval, one baseline scan or two progressive scans with the AC table
 * between them. `noise` fills the scans with stuffed random bytes instead (the structure is the same; the check does
 * not decode Huffman codes), a byte for each bit.
 */
function tinyJpeg(width: number, height: number, options: { progressive?: boolean; restart?: number; noise?: boolean } = {}): Uint8Array {
  const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
  const bytes: number[] = [0xff, 0xd8];
  const segment = (marker: number, body: number[]) => bytes.push(0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body);
  const huffman = (classAndId: number) => [classAndId, 1, ...new Array<number>(15).fill(0), 0];
  const random = deterministicRandom(7n);
  const entropy = (bits: number, interval: number) => {
    let restart = 0;
    for (let written = 0; written < bits;) {
      const run = interval > 0 ? Math.min(interval, bits - written) : bits;
      if (options.noise) {
        // A byte per "bit": a scan about as long as a photo's for its size.
        const words = new Uint32Array(run);
        random(words);
        for (const w of words) bytes.push(...((w & 0xff) === 0xff ? [0xff, 0x00] : [w & 0xff]));
      } else {
        for (let i = 0; i < Math.ceil(run / 8); i++) bytes.push(i < Math.floor(run / 8) ? 0 : 0xff >> run % 8);
      }
      written += run;
      if (written < bits) bytes.push(0xff, 0xd0 + (restart++ % 8));
    }
  };
  segment(0xdb, [0, ...new Array<number>(64).fill(1)]);
  segment(options.progressive ? 0xc2 : 0xc0, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0]);
  const restart = options.restart ?? 0;
  if (restart > 0) segment(0xdd, [restart >> 8, restart & 0xff]);
  segment(0xc4, huffman(0x00));
  if (options.progressive) {
    segment(0xda, [1, 1, 0x00, 0, 0, 0]);
    entropy(blocks, restart);
    segment(0xc4, huffman(0x10));
    segment(0xda, [1, 1, 0x00, 1, 63, 0]);
    entropy(blocks, restart);
  } else {
    segment(0xc4, huffman(0x10));
    segment(0xda, [1, 1, 0x00, 0, 63, 0]);
    entropy(2 * blocks, 2 * restart);
  }
  bytes.push(0xff, 0xd9);
  return Uint8Array.from(bytes);
}

const samples: Record<string, { bytes: Uint8Array; width: number; height: number; magic: number }> = {
  'png gray': { bytes: png(13, 7, 1), width: 13, height: 7, magic: 8 },
  'png rgba': { bytes: png(20, 11, 4), width: 20, height: 11, magic: 8 },
  'jpeg baseline with restarts': { bytes: tinyJpeg(40, 24, { restart: 2 }), width: 40, height: 24, magic: 2 },
  'jpeg progressive': { bytes: tinyJpeg(24, 16, { progressive: true }), width: 24, height: 16, magic: 2 },
  'jpeg progressive with restarts': { bytes: tinyJpeg(40, 40, { progressive: true, restart: 3 }), width: 40, height: 40, magic: 2 },
  'jpeg with stuffed scan bytes': { bytes: tinyJpeg(320, 240, { noise: true, restart: 64 }), width: 320, height: 240, magic: 2 },
  'bmp rgb': { bytes: bmp(10, 6), width: 10, height: 6, magic: 2 },
};

describe('image structure check (ImageStructure)', () => {
  for (const [name, sample] of Object.entries(samples)) {
    it(`accepts the whole ${name} and refuses it cut at every length`, () => {
      expect(checkImage(sample.bytes)).toEqual({ width: sample.width, height: sample.height });
      for (let length = 0; length < sample.bytes.length; length++) {
        const { problem } = checkImage(sample.bytes.subarray(0, length));
        const expected = length < sample.magic ? 'it is not a PNG, JPEG or BMP image.' : 'it is truncated: ';
        if (!problem?.includes(expected)) expect.fail(`${name} cut to ${length} of ${sample.bytes.length} bytes: ${problem}`);
      }
    });
  }

  it('refuses a cut file in decodeImage with the reason, before the browser decodes it', async () => {
    const jpeg = samples['jpeg with stuffed scan bytes']!.bytes;
    const destination = new Float32Array(3 * 8 * 8);
    for (const keep of [300, jpeg.length - 1024, jpeg.length - 2]) {
      await expect(decodeImage(new Blob([jpeg.slice(0, keep)]), 3, 8, 8, destination))
        .rejects.toThrow('it is truncated: the JPEG ends before its end-of-image marker.');
    }
    const png = samples['png rgba']!.bytes;
    await expect(decodeImage(new Blob([png.slice(0, png.length - 12)]), 3, 8, 8, destination)).rejects.toThrow('it is truncated: the PNG ends before its IEND chunk.');
  });

  it('says a 65535×65535 PNG is too large, not unreadable', async () => {
    const huge = png(1, 1, 3, { width: 65535, height: 65535 });
    expect(checkImage(huge)).toEqual({ width: 65535, height: 65535 }); // structurally whole: only the size lies
    await expect(decodeImage(new Blob([huge]), 1, 8, 8, new Float32Array(64)))
      .rejects.toThrow('it is too large (65535×65535 pixels; the limit is 40,000,000 pixels).');
    // Cut to its header, it is still "too large": the size is read first.
    await expect(decodeImage(new Blob([huge.slice(0, 33)]), 1, 8, 8, new Float32Array(64))).rejects.toThrow('it is too large (65535×65535');
  });

  it('refuses a bad CRC, a scan without data, no scan, and other formats', () => {
    const bad = png(16, 16, 3);
    bad[bad.length - 20]! ^= 1;
    expect(checkImage(bad).problem).toBe("it is corrupt: the PNG's IDAT chunk fails its CRC check.");
    const jpeg = tinyJpeg(16, 16);
    const sos = jpeg.findIndex((b, i) => b === 0xff && jpeg[i + 1] === 0xda);
    expect(checkImage(concat(jpeg.subarray(0, sos), [0xff, 0xd9])).problem).toBe('it is incomplete: the JPEG ends before any image data (no scan).');
    const scanData = sos + 2 + ((jpeg[sos + 2]! << 8) | jpeg[sos + 3]!);
    expect(checkImage(concat(jpeg.subarray(0, scanData), [0xff, 0xd9])).problem).toBe('it is incomplete: a JPEG scan has no image data.');
    for (const other of [new TextEncoder().encode('GIF89a......'), new TextEncoder().encode('RIFF....WEBPVP8 '), new Uint8Array(0)]) {
      expect(checkImage(other).problem).toBe('it is not a PNG, JPEG or BMP image.');
    }
  });

  it('ignores bytes after the end marker', () => {
    const jpeg = samples['jpeg progressive']!.bytes;
    expect(checkImage(concat(jpeg, [1, 2, 3])).problem).toBeUndefined();
    expect(checkImage(concat(samples['png gray']!.bytes, [0, 0])).problem).toBeUndefined();
  });

  it('never throws on mutated or random files, and every refusal is a sentence', () => {
    const random = deterministicRandom(0x1d0n);
    const word = new Uint32Array(1);
    const next = (n: number) => (random(word), word[0]! % n);
    const all = Object.values(samples).map(s => s.bytes);
    const magics = [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], [0xff, 0xd8], [0x42, 0x4d], []];
    for (let iteration = 0; iteration < 3000; iteration++) {
      let bytes: Uint8Array;
      if (iteration % 2 === 0) {
        bytes = all[next(all.length)]!.slice();
        for (let k = 1 + next(6); k > 0; k--) bytes[next(bytes.length)] = [next(256), 0xff, 0x00][next(3)]!;
      } else {
        bytes = concat(magics[next(magics.length)]!, Array.from({ length: next(400) }, () => next(256)));
      }
      const result = checkImage(bytes);
      if (result.problem !== undefined) expect(result.problem).toMatch(/^it .+\.$/);
      expect(Number.isInteger(result.width) && Number.isInteger(result.height)).toBe(true);
    }
  });
});
