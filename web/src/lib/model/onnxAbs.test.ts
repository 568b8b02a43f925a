import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseModelSpec, presetSpec } from './modelSpec';
import { exportOnnx } from './onnx';

// The tiny model of tests/Imguard.Learning.Tests/Export/OnnxAbsExportTests.cs, written by both exporters: the same
// SHA-256 there and here holds the browser's Abs node to the C# bytes.
const TINY_ABS_MODEL_SHA256 = 'ebefbf90a31d1a761094e72d6a497f3ba986a14f89dab73b8796b3c2111124fc';

describe('the abs layer', () => {
  it('passes the shape through, has no parameters and exports as one Abs node', () => {
    const spec = parseModelSpec({ input: [1, 2, 2], classes: 2, layers: [{ type: 'abs' }, { type: 'flatten' }, { type: 'linear', out: 2 }] });
    const bytes = exportOnnx(spec, [
      { shape: [4, 2], data: Float64Array.from([0.5, -0.25, 1.5, 2, -3, 0.125, 0.75, -1]) },
      { shape: [2], data: Float64Array.from([0.0625, -1]) },
    ]);
    const text = new TextDecoder('latin1').decode(bytes);
    expect(text).toContain('layer0.abs');
    expect(text).toContain('"\u0003Abs');   // NodeProto.op_type: field 4, length 3
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(TINY_ABS_MODEL_SHA256);
  });

  it('starts a preset under InstaHide only, as ModelSpec.PresetFor', () => {
    for (const name of ['mlp', 'cnn'] as const) {
      const plain = presetSpec(name, [1, 28, 28], 10, 'mixup');
      const hidden = presetSpec(name, [1, 28, 28], 10, 'instahide');
      expect(hidden.layers[0]!.type).toBe('abs');
      expect(hidden.layers.slice(1)).toEqual(plain.layers);
      expect(presetSpec(name, [1, 28, 28], 10)).toEqual(plain);
      expect(() => parseModelSpec(hidden)).not.toThrow();
    }
  });

  it('names abs among the layer types of an unknown one', () => {
    expect(() => parseModelSpec({ input: [1, 2, 2], classes: 2, layers: [{ type: 'dropout' }] })).toThrow(/relu, abs, avgpool2d/);
  });
});
