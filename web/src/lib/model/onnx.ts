// The ONNX exporter, ported byte for byte from src/Imguard.Learning/Export/OnnxExporter.cs and ProtobufWriter.cs:
// the same spec and parameters give the same file (tests/vectors/model-v1 holds the C# bytes; vector.test.ts checks).
// IR version 8, default-domain opset 13; input "input" float [N, C, H, W] with a symbolic batch "N", output "logits"
// float [N, classes]; one node per layer (linear → Gemm with transB = 0, conv2d → Conv, relu → Relu, abs → Abs, avgpool2d →
// AveragePool, maxpool2d → MaxPool, flatten → Flatten axis 1); parameters as float32 raw_data initializers, rounded
// from double to nearest-even (as C#'s (float) cast and DataView.setFloat32 both do). With the training set's
// standardisation the graph starts with Sub "input.mean" and Div "input.std" (float [1, C, 1, 1], 255·mean and 255·std)
// and takes raw pixel values 0–255; the model's doc_string says which input it takes, and metadata_props hold "input"
// ("pixels 0-255" or "standardized") and "classes" (a JSON array of the class names, the indices when none are given).
import type { StandardizationStats } from '../ownerVault';
import { ModelDataError, parameterShapes, type ModelSpec } from './modelSpec';
import type { PlainTensor } from './modelShare';

export const IR_VERSION = 8;
export const OPSET_VERSION = 13;
export const PRODUCER_NAME = 'imguard';
export const INPUT_NAME = 'input';
export const OUTPUT_NAME = 'logits';
export const BATCH_DIMENSION = 'N';
export const INPUT_METADATA_KEY = 'input';
export const CLASSES_METADATA_KEY = 'classes';
export const PIXEL_INPUT = 'pixels 0-255';
export const STANDARDIZED_INPUT = 'standardized';
const MEAN_NAME = 'input.mean';
const STD_NAME = 'input.std';

/** What the owner knows beyond the weights (OnnxExportOptions in C#): the training set's statistics and class names. */
export interface OnnxExportOptions {
  /** The graph then starts with the standardisation and takes raw pixels 0–255. */
  standardization?: StandardizationStats;
  /** One per class, indexed by label; the indices when absent. */
  classNames?: readonly string[];
}

const SUPPORTED_LAYERS = 'linear, conv2d, relu, abs, avgpool2d, maxpool2d and flatten';
const WIRE_VARINT = 0;
const WIRE_LENGTH_DELIMITED = 2;
const utf8 = new TextEncoder();

/** The protobuf encodings the exporter needs: varints and length-delimited fields; repeated scalars unpacked (proto2). */
export class ProtobufWriter {
  private buffer: Uint8Array;
  private length = 0;

  constructor(initialCapacity = 256) {
    this.buffer = new Uint8Array(Math.max(initialCapacity, 16));
  }

  get size(): number { return this.length; }

  get written(): Uint8Array { return this.buffer.subarray(0, this.length); }

  /** Room for `count` more bytes; returns the offset to write at (call `advance` after writing). */
  reserve(count: number): number {
    if (this.length + count > this.buffer.length) {
      const next = new Uint8Array(Math.max(this.buffer.length * 2, this.length + count));
      next.set(this.written);
      this.buffer = next;
    }
    return this.length;
  }

  /** The writable bytes reserved by `reserve`. */
  get raw(): Uint8Array { return this.buffer; }

  advance(count: number): void { this.length += count; }

  /** An int32/int64/enum field; negative values take ten bytes (two's complement), as protobuf's int64 does. */
  writeInt64(field: number, value: number): void {
    this.writeTag(field, WIRE_VARINT);
    this.writeRawVarint(value);
  }

  writeInt64s(field: number, values: readonly number[]): void {
    for (const value of values) this.writeInt64(field, value);
  }

  writeString(field: number, value: string): void {
    this.writeBytes(field, utf8.encode(value));
  }

  writeBytes(field: number, value: Uint8Array): void {
    this.writeTag(field, WIRE_LENGTH_DELIMITED);
    this.writeRawVarint(value.length);
    const at = this.reserve(value.length);
    this.buffer.set(value, at);
    this.advance(value.length);
  }

  writeMessage(field: number, message: ProtobufWriter): void {
    this.writeBytes(field, message.written);
  }

  /** The header of a length-delimited field whose payload the caller writes next (reserve/raw/advance). */
  writeLengthDelimitedHeader(field: number, length: number): void {
    this.writeTag(field, WIRE_LENGTH_DELIMITED);
    this.writeRawVarint(length);
  }

  private writeTag(field: number, wireType: number): void {
    if (!Number.isInteger(field) || field < 1 || field > 0x1fffffff) throw new RangeError('A protobuf field number lies in [1, 2^29 − 1].');
    this.writeRawVarint(field * 8 + wireType);
  }

  private writeRawVarint(value: number): void {
    if (!Number.isSafeInteger(value)) throw new RangeError('A varint here is a safe integer.');
    if (value >= 0 && value < 0x80000000) {
      // the common case without BigInt
      let n = value;
      const at = this.reserve(5);
      let i = 0;
      while (n >= 0x80) {
        this.buffer[at + i++] = (n & 0x7f) | 0x80;
        n >>>= 7;
      }
      this.buffer[at + i++] = n;
      this.advance(i);
      return;
    }
    let v = BigInt.asUintN(64, BigInt(value));
    const at = this.reserve(10);
    let i = 0;
    while (v >= 0x80n) {
      this.buffer[at + i++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buffer[at + i++] = Number(v);
    this.advance(i);
  }
}

// Field numbers from onnx/onnx.proto (proto2).
const ModelField = { IrVersion: 1, ProducerName: 2, ProducerVersion: 3, DocString: 6, Graph: 7, OpsetImport: 8, MetadataProps: 14 } as const;
const StringStringEntryField = { Key: 1, Value: 2 } as const;
const GraphField = { Node: 1, Name: 2, Initializer: 5, Input: 11, Output: 12 } as const;
const NodeField = { Input: 1, Output: 2, Name: 3, OpType: 4, Attribute: 5 } as const;
const AttributeField = { Name: 1, I: 3, Ints: 8, Type: 20, TypeInt: 2, TypeInts: 7 } as const;
const TensorField = { Dims: 1, DataType: 2, Name: 8, RawData: 9, Float: 1 } as const;
const ValueInfoField = { Name: 1, Type: 2 } as const;
const TypeField = { TensorType: 1 } as const;
const TensorTypeField = { ElemType: 1, Shape: 2 } as const;
const TensorShapeField = { Dim: 1 } as const;
const DimensionField = { DimValue: 1, DimParam: 2 } as const;
const OperatorSetIdField = { Domain: 1, Version: 2 } as const;

/** The initializer name of each parameter ("layer{i}.weight", "layer{i}.bias"); throws on a layer type without a mapping. */
export function initializerNames(spec: ModelSpec): string[] {
  const names: string[] = [];
  spec.layers.forEach((layer, i) => {
    switch (layer.type.toLowerCase()) {
      case 'linear':
      case 'conv2d':
        names.push(`layer${i}.weight`, `layer${i}.bias`);
        break;
      case 'relu':
      case 'abs':
      case 'avgpool2d':
      case 'maxpool2d':
      case 'flatten':
        break;
      default:
        throw new ModelDataError(`ONNX export does not support layer ${i} (${layer.type}); it supports ${SUPPORTED_LAYERS}.`);
    }
  });
  return names;
}

/** Validates `parameters` against `spec` and returns the ONNX model's bytes. */
export function exportOnnx(spec: ModelSpec, parameters: readonly PlainTensor[], producerVersion?: string, options?: OnnxExportOptions): Uint8Array {
  const names = initializerNames(spec);
  const shapes = parameterShapes(spec);
  if (parameters.length !== shapes.length) {
    throw new ModelDataError(`The spec has ${shapes.length} parameter tensors (weight then bias of each linear/conv2d layer, in layer order); ${parameters.length} were given.`);
  }
  shapes.forEach((shape, i) => {
    const p = parameters[i]!;
    if (p.shape.length !== shape.length || p.shape.some((d, j) => d !== shape[j]) || p.data.length !== shape.reduce((a, b) => a * b, 1)) {
      throw new ModelDataError(`ONNX export of parameter ${i} (${names[i]}): expected shape [${shape.join(', ')}], got [${p.shape.join(', ')}].`);
    }
  });
  const bytes = parameters.reduce((sum, p) => sum + 4 * p.data.length, 0);
  if (bytes > 2147483647 - (1 << 24)) {
    throw new ModelDataError(`The parameters take ${bytes} bytes as float32; a protobuf message holds under 2 GiB and this exporter writes no external data.`);
  }
  validateOptions(spec, options);
  return writeCore(spec, parameters, names, producerVersion, options);
}

function validateOptions(spec: ModelSpec, options?: OnnxExportOptions): void {
  const stats = options?.standardization;
  if (stats && stats.mean.length !== spec.input[0]) {
    throw new ModelDataError(`ONNX export of the standardisation (channels): expected shape [${spec.input[0]}], got [${stats.mean.length}].`);
  }
  const classes = options?.classNames;
  if (classes) {
    if (classes.length !== spec.classes) throw new ModelDataError(`The model has ${spec.classes} classes; ${classes.length} class names were given.`);
    classes.forEach((name, i) => { if (name.length === 0) throw new ModelDataError(`Class name ${i} is empty.`); });
  }
}

function writeCore(spec: ModelSpec, parameters: readonly PlainTensor[], names: string[], producerVersion?: string, options?: OnnxExportOptions): Uint8Array {
  const graph = new ProtobufWriter(4096 + parameters.reduce((sum, p) => sum + 4 * p.data.length + 64, 0));
  graph.writeString(GraphField.Name, 'imguard');
  const standardization = options?.standardization;
  let current = standardization ? writeStandardizationNodes(graph) : INPUT_NAME;
  let next = 0;
  spec.layers.forEach((layer, i) => {
    const type = layer.type.toLowerCase();
    const result = i === spec.layers.length - 1 ? OUTPUT_NAME : `layer${i}.output`;
    const name = `layer${i}.${type}`;
    let node: ProtobufWriter;
    switch (type) {
      case 'linear':
        node = makeNode(name, 'Gemm', [current, names[next]!, names[next + 1]!], result, intAttribute('transB', 0));
        next += 2;
        break;
      case 'conv2d': {
        const k = layer.kernel, s = layer.stride === 0 ? 1 : layer.stride, p = layer.padding;
        node = makeNode(name, 'Conv', [current, names[next]!, names[next + 1]!], result,
          intsAttribute('kernel_shape', k, k), intsAttribute('strides', s, s), intsAttribute('pads', p, p, p, p));
        next += 2;
        break;
      }
      case 'relu':
        node = makeNode(name, 'Relu', [current], result);
        break;
      case 'abs':
        node = makeNode(name, 'Abs', [current], result);
        break;
      case 'avgpool2d':
      case 'maxpool2d': {
        const k = layer.kernel, s = layer.stride === 0 ? layer.kernel : layer.stride;
        node = makeNode(name, type === 'avgpool2d' ? 'AveragePool' : 'MaxPool', [current], result,
          intsAttribute('kernel_shape', k, k), intsAttribute('strides', s, s));
        break;
      }
      default: // flatten; initializerNames rejected every other type
        node = makeNode(name, 'Flatten', [current], result, intAttribute('axis', 1));
        break;
    }
    graph.writeMessage(GraphField.Node, node);
    current = result;
  });
  if (standardization) writeStandardizationInitializers(graph, standardization);
  parameters.forEach((p, i) => graph.writeMessage(GraphField.Initializer, initializer(names[i]!, p)));
  graph.writeMessage(GraphField.Input, valueInfo(INPUT_NAME, spec.input));
  graph.writeMessage(GraphField.Output, valueInfo(OUTPUT_NAME, [spec.classes]));

  const opset = new ProtobufWriter();
  opset.writeString(OperatorSetIdField.Domain, '');
  opset.writeInt64(OperatorSetIdField.Version, OPSET_VERSION);

  const model = new ProtobufWriter();
  model.writeInt64(ModelField.IrVersion, IR_VERSION);
  model.writeString(ModelField.ProducerName, PRODUCER_NAME);
  if (producerVersion !== undefined) model.writeString(ModelField.ProducerVersion, producerVersion);
  model.writeString(ModelField.DocString, docString(standardization !== undefined));
  model.writeMessage(ModelField.OpsetImport, opset);
  writeMetadata(model, spec, options);
  model.writeLengthDelimitedHeader(ModelField.Graph, graph.size);

  const out = new Uint8Array(model.size + graph.size);
  out.set(model.written, 0);
  out.set(graph.written, model.size);
  return out;
}

/** Sub "input.mean" then Div "input.std" (broadcast over N, H, W); returns the standardised input's name. */
function writeStandardizationNodes(graph: ProtobufWriter): string {
  const centred = 'input.centred', standardized = 'input.standardized';
  graph.writeMessage(GraphField.Node, makeNode('input.subtract_mean', 'Sub', [INPUT_NAME, MEAN_NAME], centred));
  graph.writeMessage(GraphField.Node, makeNode('input.divide_by_std', 'Div', [centred, STD_NAME], standardized));
  return standardized;
}

/** 255·mean and 255·std per channel as float [1, C, 1, 1]: the statistics are of x/255, the input is x. */
function writeStandardizationInitializers(graph: ProtobufWriter, stats: StandardizationStats): void {
  const c = stats.mean.length;
  graph.writeMessage(GraphField.Initializer, initializer(MEAN_NAME, { shape: [1, c, 1, 1], data: Float64Array.from(stats.mean, m => 255 * m) }));
  graph.writeMessage(GraphField.Initializer, initializer(STD_NAME, { shape: [1, c, 1, 1], data: Float64Array.from(stats.std, s => 255 * s) }));
}

/** The model's doc_string: what the input is (pixels or standardised values) and where the class names are. */
export function docString(pixelInput: boolean): string {
  return 'Trained with IMGuard on secret-shared data. Input "input": float32 [N, C, H, W], ' + (pixelInput
    ? 'raw pixel values 0-255 (one channel: BT.601 luma 0.299 R + 0.587 G + 0.114 B; three: R, G, B), resized to H x W; '
      + 'the first two nodes standardise each channel with the training set\'s mean and standard deviation. '
    : 'standardised as the training set was, (pixel / 255 - mean) / std per channel with the training set\'s statistics, '
      + 'which this file does not include. ')
    + 'Output "logits": float32 [N, classes]; the largest is the predicted class, named by metadata "classes" (a JSON array).';
}

/** metadata_props: "input", then "classes". */
function writeMetadata(model: ProtobufWriter, spec: ModelSpec, options?: OnnxExportOptions): void {
  const classes = options?.classNames ?? Array.from({ length: spec.classes }, (_, i) => String(i));
  const entries: [string, string][] = [
    [INPUT_METADATA_KEY, options?.standardization ? PIXEL_INPUT : STANDARDIZED_INPUT],
    [CLASSES_METADATA_KEY, jsonStrings(classes)],
  ];
  for (const [key, value] of entries) {
    const entry = new ProtobufWriter();
    entry.writeString(StringStringEntryField.Key, key);
    entry.writeString(StringStringEntryField.Value, value);
    model.writeMessage(ModelField.MetadataProps, entry);
  }
}

/**
 * A JSON array of strings escaped by the smallest valid rule (\" \\ and \u00xx for U+0000–U+001F, the rest as it is),
 * as OnnxExporter.JsonStrings does, so the bytes do not depend on either language's serializer.
 */
export function jsonStrings(values: readonly string[]): string {
  return '[' + values.map(value => {
    let out = '"';
    for (const ch of value) {
      const code = ch.charCodeAt(0);
      out += ch === '"' || ch === '\\' ? '\\' + ch : code < 0x20 ? '\\u' + code.toString(16).padStart(4, '0') : ch;
    }
    return out + '"';
  }).join(',') + ']';
}

function makeNode(name: string, opType: string, inputs: string[], output: string, ...attributes: ProtobufWriter[]): ProtobufWriter {
  const node = new ProtobufWriter();
  for (const input of inputs) node.writeString(NodeField.Input, input);
  node.writeString(NodeField.Output, output);
  node.writeString(NodeField.Name, name);
  node.writeString(NodeField.OpType, opType);
  for (const attribute of attributes) node.writeMessage(NodeField.Attribute, attribute);
  return node;
}

function intAttribute(name: string, value: number): ProtobufWriter {
  const attribute = new ProtobufWriter();
  attribute.writeString(AttributeField.Name, name);
  attribute.writeInt64(AttributeField.I, value);
  attribute.writeInt64(AttributeField.Type, AttributeField.TypeInt);
  return attribute;
}

function intsAttribute(name: string, ...values: number[]): ProtobufWriter {
  const attribute = new ProtobufWriter();
  attribute.writeString(AttributeField.Name, name);
  attribute.writeInt64s(AttributeField.Ints, values);
  attribute.writeInt64(AttributeField.Type, AttributeField.TypeInts);
  return attribute;
}

function initializer(name: string, parameter: PlainTensor): ProtobufWriter {
  const bytes = 4 * parameter.data.length;
  const tensor = new ProtobufWriter(bytes + 64);
  for (const d of parameter.shape) tensor.writeInt64(TensorField.Dims, d);
  tensor.writeInt64(TensorField.DataType, TensorField.Float);
  tensor.writeString(TensorField.Name, name);
  tensor.writeLengthDelimitedHeader(TensorField.RawData, bytes);
  const at = tensor.reserve(bytes);
  const raw = new DataView(tensor.raw.buffer, tensor.raw.byteOffset + at, bytes);
  for (let i = 0; i < parameter.data.length; i++) raw.setFloat32(4 * i, parameter.data[i]!, true);
  tensor.advance(bytes);
  return tensor;
}

/** A float tensor value [N, dims…] whose first dimension is the symbolic batch size. */
function valueInfo(name: string, dims: readonly number[]): ProtobufWriter {
  const shape = new ProtobufWriter();
  const batch = new ProtobufWriter();
  batch.writeString(DimensionField.DimParam, BATCH_DIMENSION);
  shape.writeMessage(TensorShapeField.Dim, batch);
  for (const d of dims) {
    const dim = new ProtobufWriter();
    dim.writeInt64(DimensionField.DimValue, d);
    shape.writeMessage(TensorShapeField.Dim, dim);
  }
  const tensorType = new ProtobufWriter();
  tensorType.writeInt64(TensorTypeField.ElemType, TensorField.Float);
  tensorType.writeMessage(TensorTypeField.Shape, shape);
  const type = new ProtobufWriter();
  type.writeMessage(TypeField.TensorType, tensorType);
  const info = new ProtobufWriter();
  info.writeString(ValueInfoField.Name, name);
  info.writeMessage(ValueInfoField.Type, type);
  return info;
}
