// Is an encoded image whole? The browser's decoders (like stb_image in the CLI) turn a cut-off file into a partly or
// wholly grey image without an error, so a JPEG cut to its header would become training data. This walks the file's
// own structure before createImageBitmap sees it — the same check as Imguard.Learning.Data.ImageStructure; keep the
// two in step:
//   JPEG: SOI, exactly one frame header (SOF0, SOF1 or SOF2) before the first scan, every scan (SOS) followed by
//         entropy-coded bytes, and an EOI (ITU T.81 §B.1; a 0xFF inside a scan is stuffed as FF 00).
//   PNG:  the signature, IHDR first, at least one IDAT, IEND, every chunk whole with a valid CRC-32 (ISO 15948 §5).
//   BMP:  the file header, a DIB header the CLI's decoder knows (12, 40, 56, 108, 124 bytes), an uncompressed or
//         bit-field encoding, and all the pixel rows the header declares.
// Anything else is refused. Bytes after a JPEG's EOI or a PNG's IEND are ignored (phones append data there).

export interface ImageCheck {
  /** Why the file cannot be used (a sentence about "it"), or undefined when it is whole. */
  problem?: string;
  /** The header's size as soon as the header was read (so "too large" can come before "truncated"), else 0. */
  width: number;
  height: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function checkImage(data: Uint8Array): ImageCheck {
  if (data.length >= 8 && PNG_SIGNATURE.every((b, i) => data[i] === b)) return checkPng(data);
  if (data.length >= 2 && data[0] === 0xff && data[1] === 0xd8) return checkJpeg(data);
  if (data.length >= 2 && data[0] === 0x42 && data[1] === 0x4d) return checkBmp(data);
  return { problem: 'it is not a PNG, JPEG or BMP image.', width: 0, height: 0 };
}

const u16be = (d: Uint8Array, i: number) => (d[i]! << 8) | d[i + 1]!;
const u32be = (d: Uint8Array, i: number) => ((d[i]! << 24) >>> 0) + ((d[i + 1]! << 16) | (d[i + 2]! << 8) | d[i + 3]!);
const u16le = (d: Uint8Array, i: number) => d[i]! | (d[i + 1]! << 8);
const u32le = (d: Uint8Array, i: number) => u16le(d, i) + u16le(d, i + 2) * 65536;
const i32le = (d: Uint8Array, i: number) => u32le(d, i) | 0;

function checkJpeg(d: Uint8Array): ImageCheck {
  const truncated = 'it is truncated: the JPEG ends before its end-of-image marker.';
  const result: ImageCheck = { width: 0, height: 0 };
  const fail = (problem: string): ImageCheck => ({ ...result, problem });
  let position = 2;
  let frame = false;
  let scans = 0;
  for (;;) {
    if (position >= d.length) return fail(truncated);
    if (d[position] !== 0xff) return fail('it is corrupt: the JPEG has stray bytes where a marker should be.');
    while (position < d.length && d[position] === 0xff) position++;
    if (position >= d.length) return fail(truncated);
    const marker = d[position++]!;
    if (marker === 0xd9) return scans > 0 ? result : fail('it is incomplete: the JPEG ends before any image data (no scan).');
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) continue; // RSTn or TEM: no length
    if (marker === 0x00 || marker === 0xd8) return fail('it is corrupt: the JPEG has a misplaced marker.');
    if (position + 2 > d.length) return fail(truncated);
    const length = u16be(d, position);
    if (length < 2) return fail('it is corrupt: a JPEG segment has an invalid length.');
    if (position + length > d.length) return fail(truncated);
    const segment = d.subarray(position + 2, position + length);
    position += length;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (frame) return fail('it is corrupt: the JPEG has more than one frame header.');
      if (marker > 0xc2) return fail('it uses a JPEG coding process that is not supported (lossless, hierarchical or arithmetic-coded).');
      // P, Y, X, Nf, then 3 bytes per component.
      if (segment.length < 6 || segment.length !== 6 + 3 * segment[5]! || segment[5] === 0) return fail("it is corrupt: the JPEG's frame header is malformed.");
      const height = u16be(segment, 1);
      const width = u16be(segment, 3);
      if (width === 0 || height === 0) return fail("it is corrupt: the JPEG's frame header declares no pixels.");
      result.width = width;
      result.height = height;
      frame = true;
    } else if (marker === 0xda) {
      if (!frame) return fail('it is corrupt: the JPEG has a scan before its frame header.');
      // Ns, 2 bytes per component, Ss, Se, Ah/Al.
      if (segment.length < 6 || segment.length !== 4 + 2 * segment[0]!) return fail('it is corrupt: a JPEG scan header is malformed.');
      let entropyBytes = 0;
      for (;;) {
        const next = d.indexOf(0xff, position);
        if (next < 0 || next + 1 >= d.length) return fail(truncated);
        entropyBytes += next - position;
        position = next;
        const code = d[position + 1]!;
        if (code === 0x00) {
          entropyBytes += 2; // a stuffed 0xFF data byte
          position += 2;
        } else if (code >= 0xd0 && code <= 0xd7) {
          position += 2; // a restart marker inside the scan
        } else if (code === 0xff) {
          position += 1; // a fill byte before the marker that ends the scan
        } else {
          break;
        }
      }
      if (entropyBytes === 0) return fail('it is incomplete: a JPEG scan has no image data.');
      scans++;
    }
  }
}

function checkPng(d: Uint8Array): ImageCheck {
  const result: ImageCheck = { width: 0, height: 0 };
  const fail = (problem: string): ImageCheck => ({ ...result, problem });
  let position = 8;
  let header = false;
  let imageData = false;
  for (;;) {
    if (position + 8 > d.length) return fail('it is truncated: the PNG ends before its IEND chunk.');
    const length = u32be(d, position);
    const typeBytes = d.subarray(position + 4, position + 8);
    if (!typeBytes.every(b => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a))) return fail('it is corrupt: a PNG chunk has an invalid type.');
    const name = String.fromCharCode(...typeBytes);
    if (length > 0x7fffffff) return fail(`it is corrupt: the PNG's ${name} chunk has an invalid length.`);
    if (position + 12 + length > d.length) return fail(`it is truncated: the PNG ends inside its ${name} chunk.`);
    const body = d.subarray(position + 8, position + 8 + length);
    if (crc32(d.subarray(position + 4, position + 8 + length)) !== u32be(d, position + 8 + length)) {
      return fail(`it is corrupt: the PNG's ${name} chunk fails its CRC check.`);
    }
    position += 12 + length;
    if (!header) {
      if (name !== 'IHDR' || length !== 13) return fail('it is corrupt: the PNG does not start with its IHDR header chunk.');
      const width = u32be(body, 0);
      const height = u32be(body, 4);
      if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) return fail("it is corrupt: the PNG's header declares an invalid size.");
      result.width = width;
      result.height = height;
      header = true;
    } else if (name === 'IHDR') {
      return fail('it is corrupt: the PNG has more than one IHDR chunk.');
    } else if (name === 'IDAT') {
      imageData = true;
    } else if (name === 'IEND') {
      return imageData ? result : fail('it is incomplete: the PNG has no image data (no IDAT chunk).');
    }
  }
}

function checkBmp(d: Uint8Array): ImageCheck {
  const truncated = 'it is truncated: the BMP ends inside its headers.';
  const result: ImageCheck = { width: 0, height: 0 };
  const fail = (problem: string): ImageCheck => ({ ...result, problem });
  if (d.length < 18) return fail(truncated);
  const offset = u32le(d, 10);
  const headerSize = u32le(d, 14);
  if (![12, 40, 56, 108, 124].includes(headerSize)) return fail('it uses a BMP header version that is not supported.');
  if (14 + headerSize > d.length) return fail(truncated);
  let width: number, height: number, bitsPerPixel: number, compression: number;
  if (headerSize === 12) {
    width = u16le(d, 18);
    height = u16le(d, 20);
    bitsPerPixel = u16le(d, 24);
    compression = 0;
  } else {
    width = i32le(d, 18);
    height = Math.abs(i32le(d, 22)); // negative: top-down rows
    bitsPerPixel = u16le(d, 28);
    compression = u32le(d, 30);
  }
  if (width <= 0 || height <= 0 || width > 0x7fffffff || height > 0x7fffffff) return fail("it is corrupt: the BMP's header declares an invalid size.");
  result.width = width;
  result.height = height;
  if (![1, 4, 8, 16, 24, 32].includes(bitsPerPixel) || (compression !== 0 && compression !== 3)) {
    return fail('it uses a BMP encoding that is not supported (only uncompressed and bit-field BMPs are).');
  }
  if (offset < 14 + headerSize) return fail("it is corrupt: the BMP's pixel data offset points into its headers.");
  // Rows are padded to 4 bytes. In doubles: a size beyond 2^53 bytes loses precision, not its order against the file.
  const needed = Math.floor((width * bitsPerPixel + 31) / 32) * 4 * height;
  const available = d.length - offset;
  if (available < needed) {
    return fail(`it is truncated: the BMP holds ${Math.max(0, available)} of the ${needed} bytes of pixel data its header declares.`);
  }
  return result;
}

let crcTable: Uint32Array | undefined;

// CRC-32 as PNG defines it (ISO 3309, reflected polynomial 0xEDB88320), table-driven.
function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const b of bytes) crc = crcTable[(crc ^ b) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
