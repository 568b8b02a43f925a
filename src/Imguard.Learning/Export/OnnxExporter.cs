using System.Buffers.Binary;
using Imguard.Contracts.Files;
using Imguard.Learning.Data;
using Imguard.Learning.Nn;

namespace Imguard.Learning.Export;

/// <summary>
/// Writes a trained model — its <see cref="ModelSpec"/> and its reconstructed plaintext parameters, in
/// <see cref="ModelBuilder.ParameterShapes"/> order — as an ONNX model (IR version 8, default-domain opset 13,
/// onnx/onnx.proto) that ONNX Runtime and other ONNX tools can run. The weights are in the clear: only the model's
/// owner, after <c>SecretSharer.Reconstruct</c> on its own client, has them to export.
/// <para>
/// Graph: input <c>input</c> float [N, C, H, W] with a symbolic batch dimension "N", output <c>logits</c> float
/// [N, classes]. Layers map one node each: linear → Gemm (weight stored in×out, so transB = 0: y = x·W + b),
/// conv2d → Conv (weight OC×C×KH×KW, strides, symmetric pads), relu → Relu, abs → Abs, avgpool2d → AveragePool and
/// maxpool2d → MaxPool (kernel_shape, strides; a stride of 0 in the spec means the kernel size), flatten →
/// Flatten (axis 1). Parameters become float32 initializers (raw_data, little-endian), rounded from double.
/// </para>
/// <para>
/// With the training set's <see cref="Standardization"/> (<see cref="OnnxExportOptions"/>) the graph starts with it,
/// so the model takes raw pixel values 0–255 (what ImageFolderReader and the IDX readers decode: BT.601 luma for one
/// channel, resized; the browser's decoder the same): Sub <c>input.mean</c> then Div <c>input.std</c>, both float
/// [1, C, 1, 1] holding 255·mean and 255·std, i.e. (x − 255·m) / (255·s) = (x/255 − m) / s, Standardization.Apply's
/// formula. Without it the input is standardised, as in training. The model's doc_string says which, and its
/// metadata_props hold <c>input</c> ("pixels 0-255" or "standardized") and <c>classes</c> (a JSON array of the class
/// names; the indices when none are given). web/src/lib/model/onnx.ts writes the same bytes.
/// </para>
/// </summary>
public static class OnnxExporter
{
    public const long IrVersion = 8;
    public const long OpsetVersion = 13;
    public const string ProducerName = "imguard";
    public const string InputName = "input";
    public const string OutputName = "logits";
    public const string BatchDimension = "N";

    /// <summary>metadata_props keys: how the input is scaled, and the class names (a JSON array of strings).</summary>
    public const string InputMetadataKey = "input", ClassesMetadataKey = "classes";

    /// <summary>The <see cref="InputMetadataKey"/> values.</summary>
    public const string PixelInput = "pixels 0-255", StandardizedInput = "standardized";

    /// <summary>The standardisation's initializers (float [1, C, 1, 1], in pixel units) and its nodes' outputs.</summary>
    public const string MeanName = "input.mean", StdName = "input.std";

    private const long MaxInlineBytes = int.MaxValue - (1L << 24); // room for the graph's nodes and headers

    private const string SupportedLayers = "linear, conv2d, relu, abs, avgpool2d, maxpool2d and flatten";

    /// <summary>Validates <paramref name="parameters"/> against <paramref name="spec"/> and writes the ONNX model to <paramref name="output"/>.</summary>
    public static void Write(ModelSpec spec, IReadOnlyList<PlainTensor> parameters, Stream output, string? producerVersion = null, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!output.CanWrite)
        {
            throw LearningError.InvalidArgument("The ONNX output stream is not writable.");
        }
        var names = Validate(spec, parameters, options);
        WriteCore(spec, parameters, names, output, producerVersion, options);
    }

    /// <summary>As <see cref="Write"/>, into a new (or overwritten) file, 0600; nothing is created when validation fails.</summary>
    public static void WriteFile(ModelSpec spec, IReadOnlyList<PlainTensor> parameters, string path, string? producerVersion = null, OnnxExportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var names = Validate(spec, parameters, options);
        // The recombined model is the owner's (trained on their data): 0600, for them to share if they choose.
        using FileStream file = OwnerOnly.Create(path, FileMode.Create);
        WriteCore(spec, parameters, names, file, producerVersion, options);
    }

    /// <summary>Checks every layer has a mapping and every parameter its shape; returns the initializer names.</summary>
    private static string[] Validate(ModelSpec spec, IReadOnlyList<PlainTensor> parameters, OnnxExportOptions? options)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(parameters);
        if (spec.Input is null || spec.Layers is null)
        {
            throw LearningError.InvalidData("A model spec needs \"input\" [C, H, W], \"classes\" and \"layers\".");
        }
        var names = InitializerNames(spec);
        var shapes = ModelBuilder.ParameterShapes(spec); // shape inference: an inconsistent spec fails here
        if (parameters.Count != shapes.Count)
        {
            throw LearningError.InvalidArgument(
                $"The spec has {shapes.Count} parameter tensors (weight then bias of each linear/conv2d layer, in layer order); {parameters.Count} were given.");
        }
        for (int i = 0; i < shapes.Count; i++)
        {
            var p = parameters[i] ?? throw LearningError.InvalidArgument($"Parameter {i} ({names[i]}) is null.");
            if (!p.Shape.SequenceEqual(shapes[i]))
            {
                throw LearningError.ShapeMismatch($"ONNX export of parameter {i} ({names[i]})", shapes[i], p.Shape);
            }
        }
        long bytes = parameters.Sum(p => 4L * p.Length);
        if (bytes > MaxInlineBytes)
        {
            throw LearningError.InvalidArgument(
                $"The parameters take {bytes} bytes as float32; a protobuf message holds under 2 GiB and this exporter writes no external data.");
        }
        ValidateOptions(spec, options);
        return names;
    }

    /// <summary>The standardisation has one channel per input channel; the class names one non-empty name per class.</summary>
    private static void ValidateOptions(ModelSpec spec, OnnxExportOptions? options)
    {
        if (options?.Standardization is { } stats && stats.Channels != spec.Input[0])
        {
            throw LearningError.ShapeMismatch("ONNX export of the standardisation (channels)", [spec.Input[0]], [stats.Channels]);
        }
        if (options?.ClassNames is { } classes)
        {
            if (classes.Count != spec.Classes)
            {
                throw LearningError.InvalidArgument($"The model has {spec.Classes} classes; {classes.Count} class names were given.");
            }
            for (int i = 0; i < classes.Count; i++)
            {
                if (string.IsNullOrEmpty(classes[i]))
                {
                    throw LearningError.InvalidArgument($"Class name {i} is empty.");
                }
            }
        }
    }

    /// <summary>The initializer name of each parameter ("layer{i}.weight", "layer{i}.bias"); throws on a layer type without a mapping.</summary>
    internal static string[] InitializerNames(ModelSpec spec)
    {
        var names = new List<string>();
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            switch (spec.Layers[i].Type.ToLowerInvariant())
            {
                case "linear" or "conv2d":
                    names.Add($"layer{i}.weight");
                    names.Add($"layer{i}.bias");
                    break;
                case "relu" or "abs" or "avgpool2d" or "maxpool2d" or "flatten":
                    break;
                default:
                    throw LearningError.UnsupportedExportLayer("ONNX", i, spec.Layers[i].Type, SupportedLayers);
            }
        }
        return [.. names];
    }

    /// <summary>Writes without validation: <paramref name="parameters"/> must match the spec (tests use it for layer types shape inference does not know yet).</summary>
    internal static void WriteCore(ModelSpec spec, IReadOnlyList<PlainTensor> parameters, string[] names, Stream output, string? producerVersion,
        OnnxExportOptions? options = null)
    {
        var graph = new ProtobufWriter(4096 + parameters.Sum(p => 4 * p.Length + 64));
        graph.WriteString(GraphField.Name, "imguard");
        Standardization? standardization = options?.Standardization;
        string current = standardization is null ? InputName : WriteStandardizationNodes(graph);
        int next = 0;
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            var layer = spec.Layers[i];
            string type = layer.Type.ToLowerInvariant();
            string result = i == spec.Layers.Count - 1 ? OutputName : $"layer{i}.output";
            string name = $"layer{i}.{type}";
            ProtobufWriter node;
            switch (type)
            {
                case "linear":
                    node = Node(name, "Gemm", [current, names[next], names[next + 1]], result, IntAttribute("transB", 0));
                    next += 2;
                    break;
                case "conv2d":
                {
                    long k = layer.Kernel, s = layer.Stride == 0 ? 1 : layer.Stride, p = layer.Padding;
                    node = Node(name, "Conv", [current, names[next], names[next + 1]], result,
                        IntsAttribute("kernel_shape", k, k), IntsAttribute("strides", s, s), IntsAttribute("pads", p, p, p, p));
                    next += 2;
                    break;
                }
                case "relu":
                    node = Node(name, "Relu", [current], result);
                    break;
                case "abs":
                    node = Node(name, "Abs", [current], result);
                    break;
                case "avgpool2d" or "maxpool2d":
                {
                    long k = layer.Kernel, s = layer.Stride == 0 ? layer.Kernel : layer.Stride;
                    node = Node(name, type == "avgpool2d" ? "AveragePool" : "MaxPool", [current], result,
                        IntsAttribute("kernel_shape", k, k), IntsAttribute("strides", s, s));
                    break;
                }
                default: // "flatten"; Validate rejected every other type
                    node = Node(name, "Flatten", [current], result, IntAttribute("axis", 1));
                    break;
            }
            graph.WriteMessage(GraphField.Node, node);
            current = result;
        }
        if (standardization is not null)
        {
            WriteStandardizationInitializers(graph, standardization);
        }
        for (int i = 0; i < parameters.Count; i++)
        {
            graph.WriteMessage(GraphField.Initializer, Initializer(names[i], parameters[i]));
        }
        graph.WriteMessage(GraphField.Input, ValueInfo(InputName, spec.Input));
        graph.WriteMessage(GraphField.Output, ValueInfo(OutputName, [spec.Classes]));

        var opset = new ProtobufWriter();
        opset.WriteString(OperatorSetIdField.Domain, "");
        opset.WriteInt64(OperatorSetIdField.Version, OpsetVersion);

        var model = new ProtobufWriter();
        model.WriteInt64(ModelField.IrVersion, IrVersion);
        model.WriteString(ModelField.ProducerName, ProducerName);
        if (producerVersion is not null)
        {
            model.WriteString(ModelField.ProducerVersion, producerVersion);
        }
        model.WriteString(ModelField.DocString, DocString(standardization is not null));
        model.WriteMessage(ModelField.OpsetImport, opset);
        WriteMetadata(model, spec, options);
        model.WriteLengthDelimitedHeader(ModelField.Graph, graph.Length); // the graph's bytes follow straight from its own buffer
        model.CopyTo(output);
        graph.CopyTo(output);
        output.Flush();
    }

    /// <summary>Sub <see cref="MeanName"/> then Div <see cref="StdName"/> (broadcast over N, H, W); returns the standardised input's name.</summary>
    private static string WriteStandardizationNodes(ProtobufWriter graph)
    {
        const string centred = "input.centred", standardized = "input.standardized";
        graph.WriteMessage(GraphField.Node, Node("input.subtract_mean", "Sub", [InputName, MeanName], centred));
        graph.WriteMessage(GraphField.Node, Node("input.divide_by_std", "Div", [centred, StdName], standardized));
        return standardized;
    }

    /// <summary>255·mean and 255·std per channel as float [1, C, 1, 1]: the statistics are of x/255, the input is x.</summary>
    private static void WriteStandardizationInitializers(ProtobufWriter graph, Standardization standardization)
    {
        int c = standardization.Channels;
        var mean = new PlainTensor(1, c, 1, 1);
        var std = new PlainTensor(1, c, 1, 1);
        for (int i = 0; i < c; i++)
        {
            mean.Data[i] = 255 * standardization.Mean[i];
            std.Data[i] = 255 * standardization.Std[i];
        }
        graph.WriteMessage(GraphField.Initializer, Initializer(MeanName, mean));
        graph.WriteMessage(GraphField.Initializer, Initializer(StdName, std));
    }

    /// <summary>The model's doc_string: what the input is (pixels or standardised values) and where the class names are.</summary>
    internal static string DocString(bool pixelInput) =>
        "Trained with IMGuard on secret-shared data. Input \"input\": float32 [N, C, H, W], " + (pixelInput
            ? "raw pixel values 0-255 (one channel: BT.601 luma 0.299 R + 0.587 G + 0.114 B; three: R, G, B), resized to H x W; " +
              "the first two nodes standardise each channel with the training set's mean and standard deviation. "
            : "standardised as the training set was, (pixel / 255 - mean) / std per channel with the training set's statistics, " +
              "which this file does not include. ") +
        "Output \"logits\": float32 [N, classes]; the largest is the predicted class, named by metadata \"classes\" (a JSON array).";

    /// <summary>metadata_props: <see cref="InputMetadataKey"/>, then <see cref="ClassesMetadataKey"/>.</summary>
    private static void WriteMetadata(ProtobufWriter model, ModelSpec spec, OnnxExportOptions? options)
    {
        IReadOnlyList<string> classes = options?.ClassNames
            ?? [.. Enumerable.Range(0, spec.Classes).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        foreach (var (key, value) in (ReadOnlySpan<(string, string)>)
            [(InputMetadataKey, options?.Standardization is null ? StandardizedInput : PixelInput), (ClassesMetadataKey, JsonStrings(classes))])
        {
            var entry = new ProtobufWriter();
            entry.WriteString(StringStringEntryField.Key, key);
            entry.WriteString(StringStringEntryField.Value, value);
            model.WriteMessage(ModelField.MetadataProps, entry);
        }
    }

    /// <summary>
    /// A JSON array of strings, escaped by the smallest rule that is valid JSON (\" \\ and \u00xx for U+0000–U+001F,
    /// everything else as it is), so onnx.ts writes the same bytes without depending on either language's serializer.
    /// </summary>
    internal static string JsonStrings(IReadOnlyList<string> values)
    {
        var json = new System.Text.StringBuilder("[");
        for (int i = 0; i < values.Count; i++)
        {
            json.Append(i == 0 ? "\"" : ",\"");
            foreach (char ch in values[i])
            {
                _ = ch switch
                {
                    '"' or '\\' => json.Append('\\').Append(ch),
                    < ' ' => json.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\u{(int)ch:x4}"),
                    _ => json.Append(ch),
                };
            }
            json.Append('"');
        }
        return json.Append(']').ToString();
    }

    private static ProtobufWriter Node(string name, string opType, string[] inputs, string output, params ProtobufWriter[] attributes)
    {
        var node = new ProtobufWriter();
        foreach (string input in inputs)
        {
            node.WriteString(NodeField.Input, input);
        }
        node.WriteString(NodeField.Output, output);
        node.WriteString(NodeField.Name, name);
        node.WriteString(NodeField.OpType, opType);
        foreach (var attribute in attributes)
        {
            node.WriteMessage(NodeField.Attribute, attribute);
        }
        return node;
    }

    private static ProtobufWriter IntAttribute(string name, long value)
    {
        var attribute = new ProtobufWriter();
        attribute.WriteString(AttributeField.Name, name);
        attribute.WriteInt64(AttributeField.I, value);
        attribute.WriteInt64(AttributeField.Type, AttributeField.TypeInt);
        return attribute;
    }

    private static ProtobufWriter IntsAttribute(string name, params long[] values)
    {
        var attribute = new ProtobufWriter();
        attribute.WriteString(AttributeField.Name, name);
        attribute.WriteInt64s(AttributeField.Ints, values);
        attribute.WriteInt64(AttributeField.Type, AttributeField.TypeInts);
        return attribute;
    }

    private static ProtobufWriter Initializer(string name, PlainTensor parameter)
    {
        int bytes = checked(4 * parameter.Length);
        var tensor = new ProtobufWriter(bytes + 64);
        foreach (int d in parameter.Shape)
        {
            tensor.WriteInt64(TensorField.Dims, d);
        }
        tensor.WriteInt64(TensorField.DataType, TensorField.Float);
        tensor.WriteString(TensorField.Name, name);
        tensor.WriteLengthDelimitedHeader(TensorField.RawData, bytes);
        var raw = tensor.GetSpan(bytes);
        for (int i = 0; i < parameter.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(raw.Slice(4 * i, 4), (float)parameter.Data[i]);
        }
        tensor.Advance(bytes);
        return tensor;
    }

    /// <summary>A float tensor value [N, <paramref name="dims"/>…] whose first dimension is the symbolic batch size.</summary>
    private static ProtobufWriter ValueInfo(string name, int[] dims)
    {
        var shape = new ProtobufWriter();
        var batch = new ProtobufWriter();
        batch.WriteString(DimensionField.DimParam, BatchDimension);
        shape.WriteMessage(TensorShapeField.Dim, batch);
        foreach (int d in dims)
        {
            var dim = new ProtobufWriter();
            dim.WriteInt64(DimensionField.DimValue, d);
            shape.WriteMessage(TensorShapeField.Dim, dim);
        }
        var tensorType = new ProtobufWriter();
        tensorType.WriteInt64(TensorTypeField.ElemType, TensorField.Float);
        tensorType.WriteMessage(TensorTypeField.Shape, shape);
        var type = new ProtobufWriter();
        type.WriteMessage(TypeField.TensorType, tensorType);
        var info = new ProtobufWriter();
        info.WriteString(ValueInfoField.Name, name);
        info.WriteMessage(ValueInfoField.Type, type);
        return info;
    }

    // Field numbers from onnx/onnx.proto (proto2).

    private static class ModelField
    {
        public const int IrVersion = 1, ProducerName = 2, ProducerVersion = 3, DocString = 6, Graph = 7, OpsetImport = 8, MetadataProps = 14;
    }

    private static class StringStringEntryField
    {
        public const int Key = 1, Value = 2;
    }

    private static class GraphField
    {
        public const int Node = 1, Name = 2, Initializer = 5, Input = 11, Output = 12;
    }

    private static class NodeField
    {
        public const int Input = 1, Output = 2, Name = 3, OpType = 4, Attribute = 5;
    }

    private static class AttributeField
    {
        public const int Name = 1, I = 3, Ints = 8, Type = 20;
        public const long TypeInt = 2, TypeInts = 7; // AttributeProto.AttributeType
    }

    private static class TensorField
    {
        public const int Dims = 1, DataType = 2, Name = 8, RawData = 9;
        public const long Float = 1; // TensorProto.DataType.FLOAT
    }

    private static class ValueInfoField
    {
        public const int Name = 1, Type = 2;
    }

    private static class TypeField
    {
        public const int TensorType = 1;
    }

    private static class TensorTypeField
    {
        public const int ElemType = 1, Shape = 2;
    }

    private static class TensorShapeField
    {
        public const int Dim = 1;
    }

    private static class DimensionField
    {
        public const int DimValue = 1, DimParam = 2;
    }

    private static class OperatorSetIdField
    {
        public const int Domain = 1, Version = 2;
    }
}
