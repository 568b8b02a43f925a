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

    /// <summary>The shape after each layer (without the batch dimension); throws a clear error on an inconsistent spec.</summary>
    public IReadOnlyList<int[]> InferShapes()
    {
        if (Input is not { Length: 3 } || Input.Any(d => d < 1))
        {
            throw LearningError.InvalidData("\"input\" must be [channels, height, width], all positive.");
        }
        if (Classes < 2)
        {
            throw LearningError.InvalidData("\"classes\" must be at least 2.");
        }
        var shapes = new List<int[]>();
        int[] shape = Input;
        for (int i = 0; i < Layers.Count; i++)
        {
            shape = Layers[i].OutputShape(shape, i);
            shapes.Add(shape);
        }
        if (shape.Length != 1 || shape[0] != Classes)
        {
            throw LearningError.InvalidData($"The last layer must output the {Classes} class scores; it outputs [{string.Join(", ", shape)}].");
        }
        return shapes;
    }
}

/// <summary>
/// One layer of a <see cref="ModelSpec"/>: type (linear, conv2d, relu, avgpool2d, maxpool2d, flatten) and its settings
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
        switch (Type.ToLowerInvariant())
        {
            case "flatten":
                return [input.Aggregate(1, (a, b) => a * b)];
            case "relu":
                return input;
            case "linear":
                if (input.Length != 1) throw LearningError.InvalidData($"{where} needs a flat input; add a flatten layer before it.");
                if (Out < 1) throw LearningError.InvalidData($"{where} needs \"out\" ≥ 1.");
                return [Out];
            case "conv2d":
            {
                if (input.Length != 3) throw LearningError.InvalidData($"{where} needs a C×H×W input.");
                if (Out < 1 || Kernel < 1 || Stride < 0 || Padding < 0) throw LearningError.InvalidData($"{where} needs \"out\" ≥ 1, \"kernel\" ≥ 1, stride ≥ 1, padding ≥ 0.");
                int stride = Stride == 0 ? 1 : Stride;
                int h = (input[1] + 2 * Padding - Kernel) / stride + 1, w = (input[2] + 2 * Padding - Kernel) / stride + 1;
                if (input[1] + 2 * Padding < Kernel || input[2] + 2 * Padding < Kernel) throw LearningError.InvalidData($"{where}: a {Kernel}×{Kernel} kernel does not fit a {input[1]}×{input[2]} input.");
                return [Out, h, w];
            }
            case "avgpool2d":
            case "maxpool2d":
            {
                if (input.Length != 3) throw LearningError.InvalidData($"{where} needs a C×H×W input.");
                int stride = Stride == 0 ? Kernel : Stride;
                if (Kernel < 1 || stride < 1 || input[1] < Kernel || input[2] < Kernel) throw LearningError.InvalidData($"{where}: a {Kernel}×{Kernel} window does not fit a {input[1]}×{input[2]} input.");
                return [input[0], (input[1] - Kernel) / stride + 1, (input[2] - Kernel) / stride + 1];
            }
            default:
                throw LearningError.InvalidData($"{where}: unknown layer type; use linear, conv2d, relu, avgpool2d, maxpool2d or flatten.");
        }
    }
}
