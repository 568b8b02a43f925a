import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cellLevel, confusionMatrix, parseEvaluationShare, parseLabelsFile, perClassRecall, reconstructEvaluation } from './evaluation';
import { ModelDataError, parameterShapes, parseModelSpec, presetSpec } from './modelSpec';
import { parseModelShare, reconstructModel } from './modelShare';
import { exportOnnx, ProtobufWriter } from './onnx';

const folder = fileURLToPath(new URL('../../../../tests/vectors/model-v1/', import.meta.url));
const read = (name: string) => new Uint8Array(readFileSync(folder + name));

/** A copy with `edit` applied and the trailing SHA-256 recomputed (a well-formed file with other contents). */
function rehashed(bytes: Uint8Array, edit: (b: Uint8Array, view: DataView) => void): Uint8Array {
  const copy = new Uint8Array(bytes);
  edit(copy, new DataView(copy.buffer));
  copy.set(createHash('sha256').update(copy.subarray(0, copy.length - 32)).digest(), copy.length - 32);
  return copy;
}

describe('model share files', () => {
  it('refuses a flipped byte with a checksum error', async () => {
    const bytes = read('model.party0.share');
    for (const at of [9, 300, bytes.length - 40, bytes.length - 1]) {
      const copy = new Uint8Array(bytes);
      copy[at]! ^= 0x01;
      await expect(parseModelShare(copy, 'p0')).rejects.toThrow(/corrupt or truncated \(checksum mismatch\)/);
    }
  });

  it('refuses a truncated file, another file type and an empty one', async () => {
    const bytes = read('model.party0.share');
    await expect(parseModelShare(bytes.subarray(0, bytes.length - 5))).rejects.toThrow(/checksum mismatch/);
    await expect(parseModelShare(read('evaluation.party0.share'))).rejects.toThrow(/not an IMGuard model share file/);
    await expect(parseModelShare(new Uint8Array(0))).rejects.toThrow(/not an IMGuard model share file/);
  });

  it('refuses a wrong version, party id, velocity flag and trailing bytes even with a valid checksum', async () => {
    const bytes = read('model.party0.share');
    await expect(parseModelShare(rehashed(bytes, (_, v) => v.setInt32(8, 2, true)))).rejects.toThrow(/format version 2/);
    await expect(parseModelShare(rehashed(bytes, (_, v) => v.setInt32(12, 2, true)))).rejects.toThrow(/party id must be 0 or 1/);
    await expect(parseModelShare(rehashed(bytes, (_, v) => v.setInt32(24, 1 << 30, true)))).rejects.toThrow(/corrupt \(a length of/);
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes.subarray(0, bytes.length - 32));
    await expect(parseModelShare(rehashed(longer, () => undefined))).rejects.toThrow(/unexpected bytes after its last parameter/);
  });

  it('refuses a pair that is not party 0 and party 1, or that does not belong together', async () => {
    const p0 = await parseModelShare(read('model.party0.share'));
    const p1 = await parseModelShare(read('model.party1.share'));
    expect(() => reconstructModel(p1, p0)).toThrow(/party 0's and party 1's/);
    expect(() => reconstructModel(p0, p0)).toThrow(/party 0's and party 1's/);
    const otherEpoch = await parseModelShare(rehashed(read('model.party1.share'), (_, v) => v.setInt32(20, 4, true)));
    expect(() => reconstructModel(p0, otherEpoch)).toThrow(/do not belong together/);
    const otherBits = await parseModelShare(rehashed(read('model.party1.share'), (_, v) => v.setInt32(16, 12, true)));
    expect(() => reconstructModel(p0, otherBits)).toThrow(/do not belong together/);
  });

  it('refuses a spec whose shapes do not match the parameters', async () => {
    // The spec says "out": 4 for the hidden linear layer; 5 keeps the JSON length but changes every later shape.
    const bytes = read('model.party0.share');
    const text = new TextDecoder().decode(bytes);
    const at = text.indexOf('"out": 4');
    expect(at).toBeGreaterThan(0);
    const edited = rehashed(bytes, b => { b[at + 7] = '5'.charCodeAt(0); });
    await expect(parseModelShare(edited)).rejects.toThrow(/shape \[8, 4\]; the spec says \[8, 5\]/);
  });
});

describe('evaluation shares', () => {
  it('refuses a flipped byte, a swapped pair and halves that do not belong together', async () => {
    const e0bytes = read('evaluation.party0.share');
    const flipped = new Uint8Array(e0bytes);
    flipped[30]! ^= 0x80;
    await expect(parseEvaluationShare(flipped)).rejects.toThrow(/checksum mismatch/);
    const e0 = await parseEvaluationShare(e0bytes);
    const e1 = await parseEvaluationShare(read('evaluation.party1.share'));
    expect(() => reconstructEvaluation(e1, e0)).toThrow(/party 0's and party 1's/);
    const other = await parseEvaluationShare(rehashed(read('evaluation.party1.share'), (_, v) => v.setUint32(24, v.getUint32(24, true) + 1, true)));
    expect(() => reconstructEvaluation(e0, other)).toThrow(/do not belong together/);
    await expect(parseEvaluationShare(rehashed(e0bytes, (_, v) => v.setInt32(16, 13, true)))).rejects.toThrow(/invalid header/);
  });

  it('counts the confusion matrix [true][predicted] and per-class recall', () => {
    const m = confusionMatrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], 3);
    expect(m).toEqual([[1, 1, 0], [0, 1, 0], [1, 0, 2]]);
    expect(perClassRecall(m)).toEqual([0.5, 1, 2 / 3]);
    expect(perClassRecall([[0, 0], [1, 1]])).toEqual([null, 0.5]);
    expect(() => confusionMatrix([0, 1], [0], 2)).toThrow(/1 examples; 2 true labels/);
    expect(() => confusionMatrix([0, 3], [0, 1], 3)).toThrow(/True label 1 is not a class/);
    expect([cellLevel(0, 10), cellLevel(1, 10), cellLevel(2, 10), cellLevel(5, 10), cellLevel(10, 10), cellLevel(3, 0)]).toEqual([0, 1, 1, 3, 5, 0]);
  });

  it('reads labels files as a JSON array, an object with labels, or lines', () => {
    expect(parseLabelsFile('[1, 2, 0]')).toEqual([1, 2, 0]);
    expect(parseLabelsFile('{"labels":[3]}')).toEqual([3]);
    expect(parseLabelsFile('1\n2\r\n0\n')).toEqual([1, 2, 0]);
    expect(() => parseLabelsFile('[1.5]')).toThrow(ModelDataError);
    expect(() => parseLabelsFile('a b')).toThrow(ModelDataError);
  });
});

describe('model specs and ONNX', () => {
  it('reads spec properties case-insensitively and infers the parameter shapes', () => {
    const spec = parseModelSpec('{"Input":[1,28,28],"CLASSES":10,"layers":[{"Type":"flatten"},{"type":"linear","Out":10}]}');
    expect(parameterShapes(spec)).toEqual([[784, 10], [10]]);
    expect(parameterShapes(presetSpec('cnn', [1, 28, 28], 10))).toEqual([[16, 1, 5, 5], [16], [16, 16, 5, 5], [16], [256, 100], [100], [100, 10], [10]]);
    expect(() => parseModelSpec('{"input":[1,4,4],"classes":3,"layers":[{"type":"linear","out":3}]}')).toThrow(/add a flatten layer/);
    expect(() => parseModelSpec('{"input":[1,4,4],"classes":3,"layers":[{"type":"flatten"},{"type":"linear","out":2}]}')).toThrow(/class scores/);
    expect(() => parseModelSpec('{"input":[1,4,4],"classes":3,"layers":[{"type":"dropout"}]}')).toThrow(/unknown layer type/);
  });

  // The same hostile specs ModelSpecPropertyTests refuses in C#: a model share is another party's bytes, and its spec
  // must not make the owner's browser allocate without limit.
  it.each([
    ['an input of 2^30×35×3', '{"input":[1073741824,35,3],"classes":18,"layers":[{"type":"flatten"},{"type":"linear","out":18}]}', /each 1 to/],
    ['2^36 input values', '{"input":[4096,4096,4096],"classes":2,"layers":[{"type":"flatten"},{"type":"linear","out":2}]}', /values per example/],
    ['padding of 2^29', '{"input":[1,28,28],"classes":2,"layers":[{"type":"conv2d","out":16,"kernel":3,"padding":536870912},{"type":"flatten"},{"type":"linear","out":2}]}', /padding 0 to/],
    ['2^32 parameters', '{"input":[1,28,28],"classes":2,"layers":[{"type":"flatten"},{"type":"linear","out":65536},{"type":"linear","out":65536},{"type":"linear","out":2}]}', /parameters/],
    ['a null layer', '{"input":[1,4,4],"classes":2,"layers":[null,{"type":"flatten"},{"type":"linear","out":2}]}', /not an object/],
    ['257 layers', `{"input":[1,2,2],"classes":4,"layers":[${'{"type":"relu"},'.repeat(256)}{"type":"flatten"}]}`, /at most 256 layers/],
  ] as const)('refuses a spec whose sizes overflow or are absurd before anything is built: %s', (_name, json, message) => {
    expect(() => parseModelSpec(json)).toThrow(ModelDataError);
    expect(() => parseModelSpec(json)).toThrow(message);
  });

  it('accepts a spec at the bounds', () => {
    const json = '{"input":[1,4096,4096],"classes":2,"layers":[{"type":"flatten"},{"type":"linear","out":2}]}';
    expect(parameterShapes(parseModelSpec(json))).toEqual([[16777216, 2], [2]]);
  });

  it('refuses parameters of the wrong shape', () => {
    const spec = parseModelSpec('{"input":[1,2,2],"classes":2,"layers":[{"type":"flatten"},{"type":"linear","out":2}]}');
    expect(() => exportOnnx(spec, [{ shape: [4, 2], data: new Float64Array(8) }])).toThrow(/2 parameter tensors/);
    expect(() => exportOnnx(spec, [{ shape: [2, 4], data: new Float64Array(8) }, { shape: [2], data: new Float64Array(2) }])).toThrow(/expected shape \[4, 2\]/);
  });

  it('writes varints as protobuf does, negative int64 in ten bytes', () => {
    const w = new ProtobufWriter();
    w.writeInt64(1, 300);
    w.writeInt64(2, -1);
    w.writeInt64(3, 2 ** 40);
    expect(Array.from(w.written)).toEqual([
      0x08, 0xac, 0x02,
      0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
      0x18, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20,
    ]);
  });
});
