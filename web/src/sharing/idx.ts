// The IDX format of MNIST and Fashion-MNIST, as Imguard.Learning.Data.IdxReader reads it: a big-endian magic
// (0x00000803 for N×rows×columns unsigned-byte images, 0x00000801 for N unsigned-byte labels), big-endian dimensions,
// then the bytes; gzip (magic 1f 8b) is decompressed first. Strict: wrong magic, truncated or over-long data throw.

export const IMAGES_MAGIC = 0x00000803;
export const LABELS_MAGIC = 0x00000801;

export interface IdxImages {
  count: number;
  height: number;
  width: number;
  /** count·height·width bytes, image after image, row-major. */
  pixels: Uint8Array;
}

/** Whether `bytes` start with the gzip magic 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Decompresses gzip data with the platform's DecompressionStream (browser, worker, Node 18+); other data as is. */
export async function gunzipIfNeeded(bytes: Uint8Array, name: string): Promise<Uint8Array> {
  if (!isGzip(bytes)) return bytes;
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch {
    throw new Error(`IDX file '${name}' is not a valid gzip stream or is truncated.`);
  }
}

function readHeader(bytes: Uint8Array, name: string, expectedMagic: number): number[] {
  if (bytes.length < 4) throw new Error(`IDX file '${name}' is truncated: it ends inside the 4-byte magic number.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  const expectedDims = expectedMagic & 0xff;
  const hex = (v: number) => '0x' + v.toString(16).toUpperCase().padStart(8, '0');
  if (magic !== expectedMagic) {
    if ((magic & ~0xff) === (expectedMagic & ~0xff)) {
      throw new Error(`IDX file '${name}' has ${magic & 0xff} dimensions (magic ${hex(magic)}); expected ${expectedDims} (magic ${hex(expectedMagic)}).`);
    }
    throw new Error(`IDX file '${name}' has bad magic ${hex(magic)}; expected ${hex(expectedMagic)} (unsigned bytes, ${expectedDims} dimensions).`);
  }
  if (bytes.length < 4 + 4 * expectedDims) {
    throw new Error(`IDX file '${name}' is truncated: the header needs ${4 + 4 * expectedDims} bytes, the file has ${bytes.length}.`);
  }
  const dims: number[] = [];
  for (let i = 0; i < expectedDims; i++) {
    const d = view.getInt32(4 + 4 * i, false);
    if (d < 0) throw new Error(`IDX file '${name}': dimension ${i} is negative (${d}).`);
    dims.push(d);
  }
  return dims;
}

function body(bytes: Uint8Array, name: string, offset: number, expected: number): Uint8Array {
  const actual = bytes.length - offset;
  if (actual < expected) throw new Error(`IDX file '${name}' is truncated: the header announces ${expected} data bytes, the file has ${actual}.`);
  if (actual > expected) throw new Error(`IDX file '${name}' has data after the ${expected} bytes its header announces.`);
  return bytes.subarray(offset);
}

/** Parses an (already decompressed) IDX image file. */
export function parseIdxImages(bytes: Uint8Array, name = 'images'): IdxImages {
  const [count, height, width] = readHeader(bytes, name, IMAGES_MAGIC) as [number, number, number];
  if (height <= 0 || width <= 0) throw new Error(`IDX file '${name}': image size ${height}×${width} is not positive.`);
  return { count, height, width, pixels: body(bytes, name, 16, count * height * width) };
}

/** Parses an (already decompressed) IDX label file. */
export function parseIdxLabels(bytes: Uint8Array, name = 'labels'): Uint8Array {
  const [count] = readHeader(bytes, name, LABELS_MAGIC) as [number];
  return body(bytes, name, 8, count);
}
