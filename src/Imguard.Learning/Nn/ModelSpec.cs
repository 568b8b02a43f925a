using System.Text.Json;
using System.Text.Json.Serialization;

namespace Imguard.Learning.Nn;

/// <summary>
/// A model as data: the input shape (C, H, W), the number of classes and the layers in order. Parsed from JSON,
/// validated with shape inference (every layer's output shape is known before any weight exists), and turned into a
/// <see cref="Sequential{T}"/> by <see cref="ModelBuilder"/>. Presets: <see cref="Mlp"/> and <see cref="Cnn"/>.
/// </summary>
public sealed record ModelSpec(
    [property: JsonPropertyName("input")] int[] Input,
    [property: JsonPropertyName("classes")] int Classes,
    [property: JsonPropertyName("layers")] IReadOnlyList<LayerSpec> Layers)
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true, WriteIndented = true };

    /// <summary>Most layers a spec may have.</summary>
    public const int MaxLayers = 256;

    /// <summary>Largest input dimension, class count, layer width, kernel, stride or padding.</summary>
    public const int MaxDimension = 1 << 16;

    /// <summary>Most elements of one example's activations after any layer (and of the input): 16 Mi.</summary>
    public const long MaxActivationElements = 1L << 24;

    /// <summary>Most parameter elements (weights and biases of all layers together): 64 Mi, 512 MiB per share.</summary>
    public const long MaxParameterElements = 1L << 26;

    /// <summary>784-128-128-10 with ReLU (input 1×28×28, flattened).</summary>
    public static ModelSpec Mlp { get; } = new([1, 28, 28], 10,
    [
        new("flatten"), new("linear", Out: 128), new("relu"), new("linear", Out: 128), new("relu"), new("linear", Out: 10),
    ]);

    /// <summary>conv 1→16 5×5, ReLU, avgpool 2, conv 16→16 5×5, ReLU, avgpool 2, FC 256→100, ReLU, FC 100→10.</summary>
    public static ModelSpec Cnn { get; } = new([1, 28, 28], 10,
    [
        new("conv2d", Out: 16, Kernel: 5), new("relu"), new("avgpool2d", Kernel: 2),
        new("conv2d", Out: 16, Kernel: 5), new("relu"), new("avgpool2d", Kernel: 2),
        new("flatten"), new("linear", Out: 100), new("relu"), new("linear", Out: 10),
    ]);

    public static ModelSpec Preset(string name) => name.ToLowerInvariant() switch
    {
        "mlp" => Mlp,
        "cnn" => Cnn,
        _ => throw LearningError.InvalidArgument($"Unknown model preset '{name}'; the presets are 'mlp' and 'cnn', or give a JSON spec."),
    };

    /// <summary>
    /// The preset a job gets under <paramref name="hiding"/>: with InstaHide, |x| comes first (an "abs" layer). The
    /// encoding's secret ±1 mask is removable by |x| anyway, so the network hides nothing less by seeing |x̃|, and it
    /// learns far better from it (docs/accuracy.md); without the mask (off, Mixup) |x| would only throw the sign away.
    /// </summary>
    public static ModelSpec PresetFor(string name, Hiding.HidingMode hiding)
    {
        var preset = Preset(name);
        return hiding == Hiding.HidingMode.InstaHide ? preset with { Layers = [new LayerSpec("abs"), .. preset.Layers] } : preset;
    }

    public static ModelSpec Parse(string json)
    {
        ModelSpec? spec;
        try
        {
            spec = JsonSerializer.Deserialize<ModelSpec>(json, Json);
        }
        catch (JsonException e)
        {
            throw LearningError.InvalidData($"The model spec is not valid JSON: {e.Message}", e);
        }
        if (spec?.Input is null || spec.Layers is null)
        {
            throw LearningError.InvalidData("A model spec needs \"input\" [C, H, W], \"classes\" and \"layers\".");
        }
        spec.InferShapes();
        return spec;
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>
    /// The shape after each layer (without the batch dimension); throws a clear error on an inconsistent spec, or one
    /// beyond the bounds above. Sizes are computed in 64-bit arithmetic and checked before any layer is built, so a
    /// user's spec cannot overflow a product of its dimensions or make the dealer or a party allocate without limit.
    /// </summary>
    public IReadOnlyList<int[]> InferShapes()
    {
        if (Input is not { Length: 3 } || Input.Any(d => d is < 1 or > MaxDimension))
        {
            throw LearningError.InvalidData($"\"input\" must be [channels, height, width], each 1 to {MaxDimension}.");
        }
        if (Classes < 2 || Classes > MaxDimension)
        {
            throw LearningError.InvalidData($"\"classes\" must be 2 to {MaxDimension}.");
        }
        if (Layers.Count > MaxLayers)
        {
            throw LearningError.InvalidData($"A model spec has at most {MaxLayers} layers; this one has {Layers.Count}.");
        }
        CheckActivation(Input, "the input");
        var shapes = new List<int[]>();
        int[] shape = Input;
        long parameters = 0;
        for (int i = 0; i < Layers.Count; i++)
        {
            var layer = Layers[i] ?? throw LearningError.InvalidData($"Layer {i} is null; each layer is an object with a \"type\".");
            parameters += layer.ParameterElements(shape);
            shape = layer.OutputShape(shape, i);
            CheckActivation(shape, $"layer {i} ({layer.Type})");
            if (parameters > MaxParameterElements)
            {
                throw LearningError.InvalidData($"The model has more than {MaxParameterElements} parameters by layer {i} ({layer.Type}).");
            }
            shapes.Add(shape);
        }
        if (shape.Length != 1 || shape[0] != Classes)
        {
            throw LearningError.InvalidData($"The last layer must output the {Classes} class scores; it outputs [{string.Join(", ", shape)}].");
        }
        return shapes;
    }

    private static void CheckActivation(int[] shape, string where)
    {
        long elements = 1;
        foreach (int d in shape)
        {
            elements *= d;   // at most 3 factors of at most MaxDimension each: fits a long
        }
        if (elements > MaxActivationElements)
        {
            throw LearningError.InvalidData($"{where} outputs {elements} values per example; the limit is {MaxActivationElements}.");
        }
    }
}

/// <summary>
/// One layer of a <see cref="ModelSpec"/>: type (linear, conv2d, relu, abs, avgpool2d, maxpool2d, flatten) and its settings
/// (pooling: "kernel", "stride" defaulting to the kernel).
/// </summary>
public sealed record LayerSpec(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("out")] int Out = 0,
    [property: JsonPropertyName("kernel")] int Kernel = 0,
    [property: JsonPropertyName("stride")] int Stride = 0,
    [property: JsonPropertyName("padding")] int Padding = 0)
{
    internal int[] OutputShape(int[] input, int index)
    {
        string where = $"layer {index} ({Type})";
        const int max = ModelSpec.MaxDimension;
        switch (Type?.ToLowerInvariant())
        {
            case "flatten":
                // The input passed the activation bound, so its product fits an int.
                return [(int)input.Aggregate(1L, (a, b) => a * b)];
            case "relu":
            case "abs":
                return input;
            case "linear":
                if (input.Length != 1) throw LearningError.InvalidData($"{where} needs a flat input; add a flatten layer before it.");
                if (Out is < 1 or > max) throw LearningError.InvalidData($"{where} needs \"out\" of 1 to {max}.");
                return [Out];
            case "conv2d":
            {
                if (input.Length != 3) throw LearningError.InvalidData($"{where} needs a C×H×W input.");
                if (Out is < 1 or > max || Kernel is < 1 or > max || Stride is < 0 or > max || Padding is < 0 or > max)
                {
                    throw LearningError.InvalidData($"{where} needs \"out\" and \"kernel\" of 1 to {max}, stride 1 to {max} (0 for 1) and padding 0 to {max}.");
                }
                long stride = Stride == 0 ? 1 : Stride;
                long paddedH = input[1] + 2L * Padding, paddedW = input[2] + 2L * Padding;
                if (paddedH < Kernel || paddedW < Kernel) throw LearningError.InvalidData($"{where}: a {Kernel}×{Kernel} kernel does not fit a {input[1]}×{input[2]} input.");
                long h = (paddedH - Kernel) / stride + 1, w = (paddedW - Kernel) / stride + 1;
                if (h > max || w > max) throw LearningError.InvalidData($"{where} outputs {h}×{w} pixels; each side is at most {max}.");
                return [Out, (int)h, (int)w];
            }
            case "avgpool2d":
            case "maxpool2d":
            {
                if (input.Length != 3) throw LearningError.InvalidData($"{where} needs a C×H×W input.");
                int stride = Stride == 0 ? Kernel : Stride;
                if (Kernel is < 1 or > max || stride is < 1 or > max || input[1] < Kernel || input[2] < Kernel) throw LearningError.InvalidData($"{where}: a {Kernel}×{Kernel} window does not fit a {input[1]}×{input[2]} input.");
                return [input[0], (input[1] - Kernel) / stride + 1, (input[2] - Kernel) / stride + 1];
            }
            case null:
                throw LearningError.InvalidData($"{where} has no \"type\"; use linear, conv2d, relu, abs, avgpool2d, maxpool2d or flatten.");
            default:
                throw LearningError.InvalidData($"{where}: unknown layer type; use linear, conv2d, relu, abs, avgpool2d, maxpool2d or flatten.");
        }
    }

    /// <summary>
    /// Weights and biases of this layer on an input of shape <paramref name="input"/> (0 for layers without parameters,
    /// or when the layer does not fit the input, which <see cref="OutputShape"/> reports), in 64-bit arithmetic.
    /// </summary>
    internal long ParameterElements(int[] input)
    {
        Int128 elements = Type?.ToLowerInvariant() switch
        {
            "linear" when input.Length == 1 && Out is >= 1 and <= ModelSpec.MaxDimension => ((Int128)input[0] + 1) * Out,
            "conv2d" when input.Length == 3 && Out is >= 1 and <= ModelSpec.MaxDimension && Kernel is >= 1 and <= ModelSpec.MaxDimension
                => ((Int128)input[0] * Kernel * Kernel + 1) * Out,
            _ => 0,
        };
        // Saturates, so a running total of layers cannot overflow either.
        return (long)Int128.Min(elements, ModelSpec.MaxParameterElements + 1);
    }
}
