// A model spec as data, ported from src/Imguard.Learning/Nn/ModelSpec.cs and ModelBuilder.ParameterShapes: the input
// shape [C, H, W], the number of classes and the layers in order; shape inference layer by layer with the same rules
// and the parameter shapes (weight then bias of each linear/conv2d layer) in the order the model share files and the
// ONNX exporter use. Property names are read case-insensitively, as System.Text.Json does there.
import type { HidingMode } from '../../api/types';

export interface LayerSpec {
  type: string;
  out: number;
  kernel: number;
  stride: number;
  padding: number;
}

export interface ModelSpec {
  input: number[];
  classes: number;
  layers: LayerSpec[];
}

/** Bounds on a spec, as ModelSpec.cs: a hostile model share cannot make the owner's browser allocate without limit. */
export const MAX_LAYERS = 256;
/** Largest input dimension, class count, layer width, kernel, stride or padding. */
export const MAX_DIMENSION = 1 << 16;
/** Most values of one example's activations after any layer (and of the input): 16 Mi. */
export const MAX_ACTIVATION_ELEMENTS = 2 ** 24;
/** Most parameter values (weights and biases of all layers together): 64 Mi. */
export const MAX_PARAMETER_ELEMENTS = 2 ** 26;

/** A spec, a share file or a settings value that cannot be used: the message says what is wrong, never a value of a secret. */
export class ModelDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelDataError';
  }
}

/** The property `name` of `obj`, matched case-insensitively (the last match wins, as System.Text.Json). */
function prop(obj: Record<string, unknown>, name: string): unknown {
  let found: unknown;
  for (const [key, value] of Object.entries(obj)) if (key.toLowerCase() === name) found = value;
  return found;
}

function int(value: unknown, what: string, fallback?: number): number {
  if ((value === undefined || value === null) && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < -2147483648 || value > 2147483647) {
    throw new ModelDataError(`The model spec is not valid JSON: ${what} must be a 32-bit integer.`);
  }
  return value;
}

/** Parses and validates spec JSON (text or an already parsed object, e.g. a job's `model`). */
export function parseModelSpec(json: string | unknown): ModelSpec {
  let raw: unknown = json;
  if (typeof json === 'string') {
    try {
      raw = JSON.parse(json);
    } catch (e) {
      throw new ModelDataError(`The model spec is not valid JSON: ${(e as Error).message}`);
    }
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new ModelDataError('A model spec needs "input" [C, H, W], "classes" and "layers".');
  const obj = raw as Record<string, unknown>;
  const input = prop(obj, 'input');
  const layers = prop(obj, 'layers');
  if (!Array.isArray(input) || !Array.isArray(layers)) throw new ModelDataError('A model spec needs "input" [C, H, W], "classes" and "layers".');
  const spec: ModelSpec = {
    input: input.map((d, i) => int(d, `input[${i}]`)),
    classes: int(prop(obj, 'classes'), 'classes', 0),
    layers: layers.map((l, i) => {
      if (!l || typeof l !== 'object' || Array.isArray(l)) throw new ModelDataError(`The model spec is not valid JSON: layer ${i} is not an object.`);
      const layer = l as Record<string, unknown>;
      const type = prop(layer, 'type');
      if (typeof type !== 'string') throw new ModelDataError(`The model spec is not valid JSON: layer ${i} needs a "type".`);
      return {
        type,
        out: int(prop(layer, 'out'), `layer ${i} out`, 0),
        kernel: int(prop(layer, 'kernel'), `layer ${i} kernel`, 0),
        stride: int(prop(layer, 'stride'), `layer ${i} stride`, 0),
        padding: int(prop(layer, 'padding'), `layer ${i} padding`, 0),
      };
    }),
  };
  inferShapes(spec);
  return spec;
}

/** The spec in one canonical form (field order fixed), for comparing two specs as ModelSpec.ToJson does. */
export function canonicalSpec(spec: ModelSpec): string {
  return JSON.stringify({
    input: spec.input,
    classes: spec.classes,
    layers: spec.layers.map(l => ({ type: l.type, out: l.out, kernel: l.kernel, stride: l.stride, padding: l.padding })),
  });
}

function outputShape(layer: LayerSpec, input: number[], index: number): number[] {
  const where = `layer ${index} (${layer.type})`;
  const { out, kernel, stride, padding } = layer;
  const max = MAX_DIMENSION;
  switch (layer.type.toLowerCase()) {
    case 'flatten':
      return [input.reduce((a, b) => a * b, 1)];
    case 'relu':
    case 'abs':
      return input;
    case 'linear':
      if (input.length !== 1) throw new ModelDataError(`${where} needs a flat input; add a flatten layer before it.`);
      if (out < 1 || out > max) throw new ModelDataError(`${where} needs "out" of 1 to ${max}.`);
      return [out];
    case 'conv2d': {
      if (input.length !== 3) throw new ModelDataError(`${where} needs a C×H×W input.`);
      if (out < 1 || out > max || kernel < 1 || kernel > max || stride < 0 || stride > max || padding < 0 || padding > max) {
        throw new ModelDataError(`${where} needs "out" and "kernel" of 1 to ${max}, stride 1 to ${max} (0 for 1) and padding 0 to ${max}.`);
      }
      const s = stride === 0 ? 1 : stride;
      const [, h0, w0] = input as [number, number, number];
      if (h0 + 2 * padding < kernel || w0 + 2 * padding < kernel) throw new ModelDataError(`${where}: a ${kernel}×${kernel} kernel does not fit a ${h0}×${w0} input.`);
      const h = Math.trunc((h0 + 2 * padding - kernel) / s) + 1, w = Math.trunc((w0 + 2 * padding - kernel) / s) + 1;
      if (h > max || w > max) throw new ModelDataError(`${where} outputs ${h}×${w} pixels; each side is at most ${max}.`);
      return [out, h, w];
    }
    case 'avgpool2d':
    case 'maxpool2d': {
      if (input.length !== 3) throw new ModelDataError(`${where} needs a C×H×W input.`);
      const s = stride === 0 ? kernel : stride;
      const [c, h0, w0] = input as [number, number, number];
      if (kernel < 1 || kernel > max || s < 1 || s > max || h0 < kernel || w0 < kernel) throw new ModelDataError(`${where}: a ${kernel}×${kernel} window does not fit a ${h0}×${w0} input.`);
      return [c, Math.trunc((h0 - kernel) / s) + 1, Math.trunc((w0 - kernel) / s) + 1];
    }
    default:
      throw new ModelDataError(`${where}: unknown layer type; use linear, conv2d, relu, abs, avgpool2d, maxpool2d or flatten.`);
  }
}

/** The shape after each layer (without the batch dimension); throws ModelDataError on an inconsistent spec. */
export function inferShapes(spec: ModelSpec): number[][] {
  if (spec.input.length !== 3 || spec.input.some(d => d < 1 || d > MAX_DIMENSION)) {
    throw new ModelDataError(`"input" must be [channels, height, width], each 1 to ${MAX_DIMENSION}.`);
  }
  if (spec.classes < 2 || spec.classes > MAX_DIMENSION) throw new ModelDataError(`"classes" must be 2 to ${MAX_DIMENSION}.`);
  if (spec.layers.length > MAX_LAYERS) throw new ModelDataError(`A model spec has at most ${MAX_LAYERS} layers; this one has ${spec.layers.length}.`);
  checkActivation(spec.input, 'the input');
  const shapes: number[][] = [];
  let shape = spec.input;
  let parameters = 0;
  spec.layers.forEach((layer, i) => {
    parameters += parameterElements(layer, shape);
    shape = outputShape(layer, shape, i);
    checkActivation(shape, `layer ${i} (${layer.type})`);
    if (parameters > MAX_PARAMETER_ELEMENTS) throw new ModelDataError(`The model has more than ${MAX_PARAMETER_ELEMENTS} parameters by layer ${i} (${layer.type}).`);
    shapes.push(shape);
  });
  if (shape.length !== 1 || shape[0] !== spec.classes) {
    throw new ModelDataError(`The last layer must output the ${spec.classes} class scores; it outputs [${shape.join(', ')}].`);
  }
  return shapes;
}

// Products of at most three dimensions of at most 2^16 stay below 2^53, so doubles hold them exactly.
function checkActivation(shape: readonly number[], where: string): void {
  const elements = sizeOf(shape);
  if (elements > MAX_ACTIVATION_ELEMENTS) throw new ModelDataError(`${where} outputs ${elements} values per example; the limit is ${MAX_ACTIVATION_ELEMENTS}.`);
}

/** Weights and biases of a layer on this input (0 without parameters, or when the layer does not fit, which outputShape reports). */
function parameterElements(layer: LayerSpec, input: readonly number[]): number {
  const { out, kernel } = layer;
  const fits = (v: number) => v >= 1 && v <= MAX_DIMENSION;
  switch (layer.type.toLowerCase()) {
    case 'linear':
      return input.length === 1 && fits(out) ? (input[0]! + 1) * out : 0;
    case 'conv2d':
      return input.length === 3 && fits(out) && fits(kernel) ? (input[0]! * kernel * kernel + 1) * out : 0;
    default:
      return 0;
  }
}

/** The parameter shapes in spec order: linear weight [in, out] then bias [out]; conv2d weight [out, in, k, k] then bias [out]. */
export function parameterShapes(spec: ModelSpec): number[][] {
  const shapes = inferShapes(spec);
  const result: number[][] = [];
  let input = spec.input;
  spec.layers.forEach((layer, i) => {
    switch (layer.type.toLowerCase()) {
      case 'linear':
        result.push([input[0]!, layer.out], [layer.out]);
        break;
      case 'conv2d':
        result.push([layer.out, input[0]!, layer.kernel, layer.kernel], [layer.out]);
        break;
    }
    input = shapes[i]!;
  });
  return result;
}

/** Number of scalars of a shape. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * The presets (ModelSpec.Mlp / ModelSpec.Cnn) as the platform fits them to a project (its input shape and classes) for
 * a hiding mode: under InstaHide |x| comes first, as ModelSpec.PresetFor does (the sign mask is removable by |x| anyway,
 * and the network learns far better from |x̃|).
 */
export function presetSpec(name: 'mlp' | 'cnn', input: [number, number, number], classes: number, hiding: HidingMode = 'off'): ModelSpec {
  const l = (type: string, out = 0, kernel = 0): LayerSpec => ({ type, out, kernel, stride: 0, padding: 0 });
  const layers = name === 'mlp'
    ? [l('flatten'), l('linear', 128), l('relu'), l('linear', 128), l('relu'), l('linear', classes)]
    : [l('conv2d', 16, 5), l('relu'), l('avgpool2d', 0, 2), l('conv2d', 16, 5), l('relu'), l('avgpool2d', 0, 2),
      l('flatten'), l('linear', 100), l('relu'), l('linear', classes)];
  return { input: [...input], classes, layers: hiding === 'instahide' ? [l('abs'), ...layers] : layers };
}
