using Imguard.Learning.Export;
using Imguard.Learning.Nn;
using Imguard.Mpc.Randomness;
using Microsoft.ML.OnnxRuntime;

namespace Imguard.Learning.Tests.Export;

/// <summary>
/// Round trip: a model exported to ONNX and run in ONNX Runtime (float32) gives the plaintext engine's logits
/// (double) to 1e-4, with the same arg-max, for the presets and for convolutions with stride and padding; the batch
/// dimension stays symbolic; bad parameters fail with clear errors before anything is written.
/// </summary>
public sealed class OnnxExportTests
{
    private const double Tolerance = 1e-4;

    [Theory]
    [InlineData("mlp", 11UL)]
    [InlineData("cnn", 12UL)]
    public async Task Presets_give_the_plaintext_logits_in_onnx_runtime(string preset, ulong seed)
    {
        var spec = ModelSpec.Preset(preset);
        var parameters = Parameters(spec, seed);
        using var session = new InferenceSession(Export(spec, parameters));

        await AssertSameLogitsAsync(session, spec, parameters, batch: 5, new Random((int)seed));
    }

    [Fact]
    public async Task Convolutions_with_stride_and_padding_round_trip()
    {
        var spec = ModelSpec.Parse("""
            {"input": [2, 10, 7], "classes": 3, "layers": [
              {"type": "conv2d", "out": 4, "kernel": 3, "stride": 2, "padding": 1}, {"type": "relu"},
              {"type": "avgpool2d", "kernel": 2, "stride": 1},
              {"type": "conv2d", "out": 3, "kernel": 2, "padding": 2}, {"type": "relu"},
              {"type": "flatten"}, {"type": "linear", "out": 6}, {"type": "relu"}, {"type": "linear", "out": 3}]}
            """);
        var parameters = Parameters(spec, 13);
        using var session = new InferenceSession(Export(spec, parameters));

        await AssertSameLogitsAsync(session, spec, parameters, batch: 5, new Random(13));
    }

    [Fact]
    public async Task The_batch_dimension_is_symbolic()
    {
        var spec = ModelSpec.Cnn;
        var parameters = Parameters(spec, 14);
        using var session = new InferenceSession(Export(spec, parameters));

        var input = session.InputMetadata[OnnxExporter.InputName];
        Assert.Equal([-1, 1, 28, 28], input.Dimensions);
        Assert.Equal(OnnxExporter.BatchDimension, input.SymbolicDimensions[0]);
        var output = session.OutputMetadata[OnnxExporter.OutputName];
        Assert.Equal([-1, 10], output.Dimensions);
        var rng = new Random(14);
        await AssertSameLogitsAsync(session, spec, parameters, batch: 1, rng);
        await AssertSameLogitsAsync(session, spec, parameters, batch: 7, rng);
    }

    [Fact]
    public void The_model_names_its_producer()
    {
        var spec = ModelSpec.Mlp;
        using var session = new InferenceSession(Export(spec, Parameters(spec, 15), producerVersion: "1.2.3-test"));

        Assert.Equal(OnnxExporter.ProducerName, session.ModelMetadata.ProducerName);
        Assert.Equal("imguard", session.ModelMetadata.GraphName);
    }

    [Fact]
    public void Max_pooling_exports_as_max_pool()
    {
        // maxpool2d is not yet in ModelSpec's shape inference on this branch, so this drives the unchecked writer
        // directly: a 2×2/stride-2 max pool, then an identity linear layer, against window maxima computed here.
        var spec = new ModelSpec([1, 4, 4], 4, [new("maxpool2d", Kernel: 2), new("flatten"), new("linear", Out: 4)]);
        var identity = new PlainTensor(4, 4);
        for (int i = 0; i < 4; i++)
        {
            identity.Data[i * 4 + i] = 1;
        }
        var parameters = new[] { identity, new PlainTensor(4) };
        using var stream = new MemoryStream();
        OnnxExporter.WriteCore(spec, parameters, OnnxExporter.InitializerNames(spec), stream, producerVersion: null);
        using var session = new InferenceSession(stream.ToArray());

        var x = RandomInput(new Random(16), 3, [1, 4, 4]);
        var (logits, shape) = Run(session, x, [3, 1, 4, 4]);

        Assert.Equal([3L, 4], shape);
        for (int n = 0; n < 3; n++)
        for (int oy = 0; oy < 2; oy++)
        for (int ox = 0; ox < 2; ox++)
        {
            float max = float.NegativeInfinity;
            for (int ky = 0; ky < 2; ky++)
            for (int kx = 0; kx < 2; kx++)
            {
                max = Math.Max(max, x[n * 16 + (2 * oy + ky) * 4 + 2 * ox + kx]);
            }
            Assert.Equal(max, logits[n * 4 + oy * 2 + ox]);
        }
    }

    [Fact]
    public void WriteFile_writes_a_model_onnx_runtime_loads()
    {
        var spec = ModelSpec.Mlp;
        string path = Path.Combine(Path.GetTempPath(), $"imguard-onnx-{Guid.NewGuid():N}.onnx");
        try
        {
            OnnxExporter.WriteFile(spec, Parameters(spec, 17), path);
            using var session = new InferenceSession(path);
            Assert.Equal([-1, 1, 28, 28], session.InputMetadata[OnnxExporter.InputName].Dimensions);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_wrong_parameter_count_is_a_clear_error()
    {
        var spec = ModelSpec.Mlp;
        var parameters = Parameters(spec, 18).Take(5).ToList();
        using var stream = new MemoryStream();

        var e = Assert.Throws<ArgumentException>(() => OnnxExporter.Write(spec, parameters, stream));
        Assert.Contains("6 parameter tensors", e.Message, StringComparison.Ordinal);
        Assert.Contains("5 were given", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, stream.Length);
    }

    [Fact]
    public void A_wrong_parameter_shape_is_a_clear_error_and_no_file_is_written()
    {
        var spec = ModelSpec.Cnn;
        var parameters = Parameters(spec, 19).ToList();
        parameters[2] = new PlainTensor(16, 16, 3, 3); // second conv weight with the wrong kernel
        string path = Path.Combine(Path.GetTempPath(), $"imguard-onnx-{Guid.NewGuid():N}.onnx");

        var e = Assert.Throws<ArgumentException>(() => OnnxExporter.WriteFile(spec, parameters, path));
        Assert.Contains("parameter 2 (layer3.weight)", e.Message, StringComparison.Ordinal);
        Assert.Contains("expected [16, 16, 5, 5], got [16, 16, 3, 3]", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void A_linear_weight_given_out_by_in_is_rejected()
    {
        var spec = ModelSpec.Mlp;
        var parameters = Parameters(spec, 20).ToList();
        parameters[0] = new PlainTensor(128, 784);

        var e = Assert.Throws<ArgumentException>(() => OnnxExporter.Write(spec, parameters, Stream.Null));
        Assert.Contains("expected [784, 128], got [128, 784]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_layer_without_an_onnx_mapping_is_a_clear_error()
    {
        var spec = new ModelSpec([1, 4, 4], 3, [new("flatten"), new("dropout"), new("linear", Out: 3)]);

        var e = Assert.Throws<NotSupportedException>(() => OnnxExporter.Write(spec, [], Stream.Null));
        Assert.Contains("layer 1 (dropout)", e.Message, StringComparison.Ordinal);
        Assert.Contains("maxpool2d", e.Message, StringComparison.Ordinal);
    }

    private static IReadOnlyList<PlainTensor> Parameters(ModelSpec spec, ulong seed)
    {
        using var prng = new AesCtrPrg(new Seed(seed, 0x6F6E6E78)); // fixed seed per test
        return ModelBuilder.InitialParameters(spec, prng);
    }

    private static byte[] Export(ModelSpec spec, IReadOnlyList<PlainTensor> parameters, string? producerVersion = null)
    {
        using var stream = new MemoryStream();
        OnnxExporter.Write(spec, parameters, stream, producerVersion);
        return stream.ToArray();
    }

    /// <summary>Inputs in [−1, 1), drawn as float32 so both sides see exactly the same values.</summary>
    private static float[] RandomInput(Random rng, int batch, int[] imageShape)
    {
        var x = new float[batch * imageShape.Aggregate(1, (a, b) => a * b)];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)(rng.NextDouble() * 2 - 1);
        }
        return x;
    }

    private static async Task AssertSameLogitsAsync(InferenceSession session, ModelSpec spec, IReadOnlyList<PlainTensor> parameters, int batch, Random rng)
    {
        var x = RandomInput(rng, batch, spec.Input);
        var (onnx, shape) = Run(session, x, [batch, .. spec.Input]);
        var plain = await ModelBuilder.Build(spec, parameters).ForwardAsync(
            PlainEngine.Instance, new PlainTensor(x.Select(v => (double)v).ToArray(), [batch, .. spec.Input]));

        Assert.Equal([(long)batch, spec.Classes], shape);
        Assert.Equal([batch, spec.Classes], plain.Shape.ToArray());
        double maxDifference = onnx.Select((v, i) => Math.Abs(v - plain.Data[i])).Max();
        Assert.InRange(maxDifference, 0, Tolerance);
        for (int n = 0; n < batch; n++)
        {
            Assert.Equal(ArgMax(plain.Data.AsSpan(n * spec.Classes, spec.Classes)), ArgMax(onnx.AsSpan(n * spec.Classes, spec.Classes)));
        }
    }

    private static (float[] Logits, long[] Shape) Run(InferenceSession session, float[] input, long[] shape)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var options = new RunOptions();
        using var results = session.Run(options, [OnnxExporter.InputName], [value], [OnnxExporter.OutputName]);
        var output = results[0];
        return (output.GetTensorDataAsSpan<float>().ToArray(), output.GetTensorTypeAndShape().Shape);
    }

    private static int ArgMax<T>(ReadOnlySpan<T> values) where T : IComparable<T>
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i].CompareTo(values[best]) > 0)
            {
                best = i;
            }
        }
        return best;
    }
}
