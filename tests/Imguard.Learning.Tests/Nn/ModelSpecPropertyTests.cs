using System.Text.Json.Nodes;
using CsCheck;
using Imguard.Learning.Nn;

namespace Imguard.Learning.Tests.Nn;

/// <summary>
/// Property tests of the model spec parser: a user's JSON, which the platform checks when a job is created and the
/// dealer and both parties parse again from the job description. Anything that is not a buildable model is refused
/// with an <see cref="InvalidDataException"/> naming the problem (the type the platform and the parties catch); a
/// spec that is accepted has positive shapes whose sizes stay within <see cref="ModelSpec"/>'s bounds, so no product
/// of its dimensions overflows and no layer asks for an absurd allocation.
/// </summary>
public sealed class ModelSpecPropertyTests
{
    /// <summary>Small valid specs: optional convolution and pooling blocks, then flatten and linear layers.</summary>
    private static readonly Gen<ModelSpec> SmallSpec =
        from input in Gen.Select(Gen.Int[1, 3], Gen.Int[4, 12], Gen.Int[4, 12])
        from classes in Gen.Int[2, 10]
        from conv in Gen.Bool
        from convOut in Gen.Int[1, 4]
        from kernel in Gen.Int[1, 3]
        from pool in Gen.OneOf("avgpool2d", "maxpool2d", "none")
        from hidden in Gen.Int[1, 16].Array[0, 2]
        select Build(input, classes, conv, convOut, kernel, pool, hidden);

    private static ModelSpec Build((int C, int H, int W) input, int classes, bool conv, int convOut, int kernel, string pool, int[] hidden)
    {
        var layers = new List<LayerSpec>();
        if (conv)
        {
            layers.Add(new("conv2d", Out: convOut, Kernel: kernel, Padding: kernel / 2));
            layers.Add(new("relu"));
        }
        if (pool != "none")
        {
            layers.Add(new(pool, Kernel: 2));
        }
        layers.Add(new("flatten"));
        foreach (int h in hidden)
        {
            layers.Add(new("linear", Out: h));
            layers.Add(new("relu"));
        }
        layers.Add(new("linear", Out: classes));
        return new ModelSpec([input.C, input.H, input.W], classes, layers);
    }

    /// <summary>JSON values of every kind, including the extremes a dimension or a layer entry can take.</summary>
    private static readonly Gen<JsonNode?> AnyValue = Gen.OneOf<JsonNode?>(
        null, JsonValue.Create(0), JsonValue.Create(-1), JsonValue.Create(1), JsonValue.Create(3), JsonValue.Create(65535), JsonValue.Create(65536),
        JsonValue.Create(1 << 20), JsonValue.Create(1 << 30), JsonValue.Create(int.MaxValue), JsonValue.Create(int.MinValue), JsonValue.Create(1e10),
        JsonValue.Create(""), JsonValue.Create("linear"), JsonValue.Create("conv2d"), JsonValue.Create("flatten"), JsonValue.Create("relu"),
        JsonValue.Create("maxpool2d"), JsonValue.Create(true), new JsonArray(), new JsonObject(), new JsonArray(JsonValue.Create(1), JsonValue.Create(1 << 16), JsonValue.Create(1 << 16)));

    private static readonly string[] LayerFields = ["type", "out", "kernel", "stride", "padding"];

    /// <summary>A valid spec's JSON with up to two values replaced: input dims, classes, layer fields, whole layers, the arrays.</summary>
    private static readonly Gen<string> HostileJson =
        from spec in SmallSpec
        from edits in Gen.Select(Gen.Int[0, 5], Gen.Int[0, 31], Gen.Int[0, LayerFields.Length - 1], AnyValue).Array[0, 2]
        select Edit(spec, edits);

    private static string Edit(ModelSpec spec, (int What, int Index, int Field, JsonNode? Value)[] edits)
    {
        var node = JsonNode.Parse(spec.ToJson())!.AsObject();
        foreach (var (what, index, field, value) in edits)
        {
            var layers = node["layers"] as JsonArray;
            var input = node["input"] as JsonArray;
            switch (what)
            {
                case 0 when input is { Count: > 0 }:
                    input[index % input.Count] = value?.DeepClone();
                    break;
                case 1:
                    node["classes"] = value?.DeepClone();
                    break;
                case 2 when layers is { Count: > 0 } && layers[index % layers.Count] is JsonObject layer:
                    layer[LayerFields[field]] = value?.DeepClone();
                    break;
                case 3 when layers is { Count: > 0 }:
                    layers[index % layers.Count] = value?.DeepClone();
                    break;
                case 4:
                    node[index % 2 == 0 ? "layers" : "input"] = value?.DeepClone();
                    break;
                default:
                    node.Remove((index % 3) switch { 0 => "input", 1 => "classes", _ => "layers" });
                    break;
            }
        }
        return node.ToJsonString();
    }

    /// <summary>The sizes an accepted spec implies, computed here in long arithmetic, independently of the parser.</summary>
    private static (long MaxActivation, long Parameters) Sizes(ModelSpec spec)
    {
        long maxActivation = spec.Input.Aggregate(1L, (a, b) => a * b), parameters = 0;
        var shapes = spec.InferShapes();
        foreach (var shape in shapes)
        {
            Assert.All(shape, d => Assert.True(d >= 1, $"a dimension of {d}"));
            maxActivation = Math.Max(maxActivation, shape.Aggregate(1L, (a, b) => a * b));
        }
        foreach (var shape in ModelBuilder.ParameterShapes(spec))
        {
            Assert.All(shape, d => Assert.True(d >= 1, $"a parameter dimension of {d}"));
            parameters += shape.Aggregate(1L, (a, b) => a * b);
        }
        return (maxActivation, parameters);
    }

    [Fact]
    public void Valid_specs_round_trip_through_json()
    {
        SmallSpec.Sample(spec =>
        {
            var again = ModelSpec.Parse(spec.ToJson());
            Assert.Equal(spec.ToJson(), again.ToJson());
            Assert.Equal(Sizes(spec), Sizes(again));
        }, iter: 500);
    }

    [Fact]
    public void Any_spec_json_is_refused_as_invalid_data_or_is_a_model_within_the_bounds()
    {
        int accepted = 0, refused = 0;
        Gen.Frequency((6, HostileJson), (1, Gen.String[0, 80])).Sample(json =>
        {
            ModelSpec spec;
            try
            {
                spec = ModelSpec.Parse(json);
            }
            catch (InvalidDataException)
            {
                Interlocked.Increment(ref refused);
                return;
            }
            Interlocked.Increment(ref accepted);
            var (maxActivation, parameters) = Sizes(spec);
            Assert.InRange(maxActivation, 1, ModelSpec.MaxActivationElements);
            Assert.InRange(parameters, 0, ModelSpec.MaxParameterElements);
            Assert.InRange(spec.Layers.Count, 0, ModelSpec.MaxLayers);
        }, iter: 3000);
        Assert.True(accepted > 200 && refused > 200, $"{accepted} accepted, {refused} refused");
    }

    /// <summary>A dimension a hostile user might write: small, at a bound, or large enough to overflow a product.</summary>
    private static readonly Gen<int> Dimension = Gen.Frequency(
        (4, Gen.Int[0, 40]), (2, Gen.OneOf(65535, 65536, 1 << 20, 1 << 30, int.MaxValue, -1)), (1, Gen.Int));

    [Fact]
    public void Layers_with_huge_or_negative_settings_are_refused_or_stay_within_the_bounds()
    {
        var layer = Gen.Select(Gen.OneOf("conv2d", "linear", "avgpool2d", "maxpool2d", "flatten", "relu"), Dimension, Dimension, Dimension, Dimension)
            .Select((type, o, k, s, p) => new LayerSpec(type, o, k, s, p));
        Gen.Select(Gen.Select(Dimension, Dimension, Dimension), Dimension, layer.Array[0, 6]).Sample((input, classes, layers) =>
        {
            var spec = new ModelSpec([input.Item1, input.Item2, input.Item3], classes, [.. layers, new("flatten"), new("linear", Out: classes)]);
            try
            {
                spec.InferShapes();
            }
            catch (InvalidDataException)
            {
                return;
            }
            var (maxActivation, parameters) = Sizes(spec);
            Assert.InRange(maxActivation, 1, ModelSpec.MaxActivationElements);
            Assert.InRange(parameters, 0, ModelSpec.MaxParameterElements);
        }, iter: 3000);
    }

    // Regression cases the properties above found (named, fixed inputs).

    [Theory]
    [InlineData("{\"input\":[1,4,4],\"classes\":2,\"layers\":[null,{\"type\":\"flatten\"},{\"type\":\"linear\",\"out\":2}]}", "Layer 0 is null")]
    [InlineData("{\"input\":[1,4,4],\"classes\":2,\"layers\":[{\"out\":3},{\"type\":\"flatten\"},{\"type\":\"linear\",\"out\":2}]}", "has no \"type\"")]
    public void A_null_layer_or_a_layer_without_a_type_is_invalid_data_not_a_null_reference(string json, string message)
    {
        // The platform answers InvalidDataException with 400; a NullReferenceException was a 500.
        var e = Assert.Throws<InvalidDataException>(() => ModelSpec.Parse(json));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"input\":[1073741824,35,3],\"classes\":18,\"layers\":[{\"type\":\"flatten\"},{\"type\":\"linear\",\"out\":18}]}", "each 1 to")]
    [InlineData("{\"input\":[4096,4096,4096],\"classes\":2,\"layers\":[{\"type\":\"flatten\"},{\"type\":\"linear\",\"out\":2}]}", "values per example")]
    [InlineData("{\"input\":[1,28,28],\"classes\":2,\"layers\":[{\"type\":\"conv2d\",\"out\":16,\"kernel\":3,\"padding\":536870912},{\"type\":\"flatten\"},{\"type\":\"linear\",\"out\":2}]}", "padding 0 to")]
    [InlineData("{\"input\":[1,28,28],\"classes\":2,\"layers\":[{\"type\":\"flatten\"},{\"type\":\"linear\",\"out\":65536},{\"type\":\"linear\",\"out\":65536},{\"type\":\"linear\",\"out\":2}]}", "parameters")]
    public void A_spec_whose_sizes_overflow_or_are_absurd_is_refused_before_anything_is_built(string json, string message)
    {
        // Flattening 2^30 × 35 × 3 wrapped around int and was accepted; so were layers needing terabytes.
        var e = Assert.Throws<InvalidDataException>(() => ModelSpec.Parse(json));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }
}
