using System.Text;
using Imguard.Learning.Export;
using Imguard.Learning.Nn;
using Imguard.Mpc.Randomness;
using Microsoft.ML.OnnxRuntime;

namespace Imguard.Learning.Tests.Export;

/// <summary>
/// The abs layer (|x| first, as the presets start when a job hides with InstaHide) exports as one ONNX Abs node, and
/// ONNX Runtime then gives the plaintext engine's logits on inputs of both signs, where a missing or wrong node (Relu,
/// identity) would not.
/// </summary>
public sealed class OnnxAbsExportTests
{
    [Theory]
    [InlineData("mlp", 21UL)]
    [InlineData("cnn", 22UL)]
    public async Task A_preset_that_starts_with_abs_gives_the_plaintext_logits_in_onnx_runtime(string preset, ulong seed)
    {
        var basis = ModelSpec.Preset(preset);
        var spec = basis with { Layers = [new LayerSpec("abs"), .. basis.Layers] };
        IReadOnlyList<PlainTensor> parameters;
        using (var prng = new AesCtrPrg(new Seed(seed, 0x616273)))
        {
            parameters = ModelBuilder.InitialParameters(spec, prng);
        }
        using var stream = new MemoryStream();
        OnnxExporter.Write(spec, parameters, stream);
        byte[] onnx = stream.ToArray();
        using var session = new InferenceSession(onnx);

        // Standardised-looking inputs of both signs, as float32 on both sides.
        const int batch = 4;
        var rng = new Random((int)seed);
        var x = new float[batch * 784];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)(rng.NextDouble() * 4 - 2);
        }
        using var value = OrtValue.CreateTensorValueFromMemory(x, [batch, 1, 28, 28]);
        using var options = new RunOptions();
        using var results = session.Run(options, [OnnxExporter.InputName], [value], [OnnxExporter.OutputName]);
        var logits = results[0].GetTensorDataAsSpan<float>().ToArray();
        var input = new PlainTensor(x.Select(v => (double)v).ToArray(), batch, 1, 28, 28);
        var plain = await ModelBuilder.Build(spec, parameters).ForwardAsync(PlainEngine.Instance, input);
        var withoutAbs = await ModelBuilder.Build(basis, parameters).ForwardAsync(PlainEngine.Instance, input);

        Assert.InRange(logits.Select((v, i) => Math.Abs(v - plain.Data[i])).Max(), 0, 1e-4);
        Assert.True(plain.Data.Zip(withoutAbs.Data).Max(p => Math.Abs(p.First - p.Second)) > 1e-2, "the inputs must tell |x| from x");
        // One node named after its layer, with op type "Abs", before the preset's first layer.
        string text = Encoding.UTF8.GetString(onnx);
        Assert.Contains("layer0.abs", text, StringComparison.Ordinal);
        Assert.Contains("\"\u0003Abs", text, StringComparison.Ordinal);   // NodeProto.op_type (field 4, length 3)
    }

    /// <summary>
    /// A tiny model with abs, written with fixed parameters: its SHA-256 is pinned here and in the browser's exporter
    /// test (web/src/lib/model/onnxAbs.test.ts), which holds the two exporters to the same bytes for the Abs node.
    /// </summary>
    public const string TinyAbsModelSha256 = "ebefbf90a31d1a761094e72d6a497f3ba986a14f89dab73b8796b3c2111124fc";

    internal static (ModelSpec Spec, PlainTensor[] Parameters) TinyAbsModel() =>
        (new ModelSpec([1, 2, 2], 2, [new("abs"), new("flatten"), new("linear", Out: 2)]),
         [new PlainTensor([0.5, -0.25, 1.5, 2, -3, 0.125, 0.75, -1], 4, 2), new PlainTensor([0.0625, -1], 2)]);

    [Fact]
    public void The_tiny_abs_model_has_the_bytes_the_browser_writes()
    {
        var (spec, parameters) = TinyAbsModel();
        using var stream = new MemoryStream();
        OnnxExporter.Write(spec, parameters, stream);
        Assert.Equal(TinyAbsModelSha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream.ToArray())));
    }
}
