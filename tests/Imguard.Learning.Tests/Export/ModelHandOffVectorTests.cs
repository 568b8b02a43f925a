using System.Text.Json;
using Imguard.Learning.Data;
using Imguard.Learning.Export;
using Imguard.Learning.Nn;
using Imguard.Learning.Training;
using Imguard.Mpc.Encoding;
using Imguard.Mpc.Randomness;
using Imguard.Mpc.Ring;
using Imguard.Mpc.Sharing;

namespace Imguard.Learning.Tests.Export;

/// <summary>
/// The cross-language vector in <c>tests/vectors/model-v1/</c>: two model share files of a small model that uses every
/// exportable layer type, the ONNX bytes this exporter writes for the reconstructed model (with the training set's
/// standardisation and class names, <c>model.onnx</c>, and without them, <c>model.no-statistics.onnx</c>), an
/// evaluation share pair and what it reconstructs to. The web UI's Vitest suite (web/src/lib/model/vector.test.ts) reads the same files and must
/// produce the same ONNX bytes and accuracy in TypeScript. Here, every file is checked against what this build writes
/// from fixed seeds, so a format change cannot leave a stale vector behind. To regenerate after a deliberate format
/// change: <c>IMGUARD_WRITE_VECTORS=1 dotnet test tests/Imguard.Learning.Tests --filter ModelHandOffVectorTests</c>.
/// </summary>
public sealed class ModelHandOffVectorTests
{
    private const string Party0Model = "model.party0.share";
    private const string Party1Model = "model.party1.share";
    private const string Onnx = "model.onnx";
    private const string OnnxWithoutStatistics = "model.no-statistics.onnx";
    private const string Party0Evaluation = "evaluation.party0.share";
    private const string Party1Evaluation = "evaluation.party1.share";
    private const string Expected = "expected.json";

    private static readonly FixedPointFormat Format = FixedPointFormat.Default;

    /// <summary>conv2d (padding) → relu → maxpool2d → avgpool2d (stride) → flatten → linear → relu → linear: 2 × 4 × 4 in, 3 classes.</summary>
    private static readonly ModelSpec Spec = ModelSpec.Parse("""
        {"input": [2, 4, 4], "classes": 3, "layers": [
          {"type": "conv2d", "out": 2, "kernel": 3, "padding": 1}, {"type": "relu"},
          {"type": "maxpool2d", "kernel": 2}, {"type": "avgpool2d", "kernel": 1, "stride": 1},
          {"type": "flatten"}, {"type": "linear", "out": 4}, {"type": "relu"}, {"type": "linear", "out": 3}]}
        """);

    /// <summary>Two channels; values that float32 does not hold exactly, so both languages' rounding is compared.</summary>
    private static readonly Standardization Statistics = new([0.2860402, 0.51], [0.3530239, 0.1234567]);

    /// <summary>Names that exercise the JSON escaping both exporters share: '/', a quote, a backslash, a tab, non-ASCII and a supplementary character.</summary>
    private static readonly string[] ClassNames = ["T-shirt/top", "naïve \"quoted\" back\\slash", "tab\tand 😀"];

    private static readonly OnnxExportOptions Options = new() { Standardization = Statistics, ClassNames = ClassNames };

    private static readonly int[] TrueLabels = [0, 1, 2, 2, 1, 0, 0, 2, 1, 1, 2, 0];
    private static readonly int[] Predicted = [0, 1, 1, 2, 1, 2, 0, 2, 0, 1, 2, 0];

    [Fact]
    public void The_committed_vector_is_what_this_build_writes_from_the_fixed_seeds()
    {
        var files = Generate();
        string folder = VectorFolder();
        if (Environment.GetEnvironmentVariable("IMGUARD_WRITE_VECTORS") == "1")
        {
            Directory.CreateDirectory(folder);
            foreach (var (name, bytes) in files)
            {
                File.WriteAllBytes(Path.Combine(folder, name), bytes);
            }
        }
        foreach (var (name, bytes) in files)
        {
            string path = Path.Combine(folder, name);
            Assert.True(File.Exists(path), $"{path} is missing; regenerate with IMGUARD_WRITE_VECTORS=1 (see this class's summary).");
            Assert.True(bytes.AsSpan().SequenceEqual(File.ReadAllBytes(path)), $"{name} differs from what this build writes.");
        }
    }

    [Fact]
    public void The_committed_shares_reconstruct_to_the_committed_onnx_and_evaluation()
    {
        string folder = VectorFolder();
        var party0 = ModelCheckpoint.Load(Path.Combine(folder, Party0Model));
        var party1 = ModelCheckpoint.Load(Path.Combine(folder, Party1Model));
        Assert.Equal(Spec.ToJson(), party0.Spec.ToJson());
        var parameters = ModelCheckpoint.Reconstruct(party0, party1);
        var expectedParameters = PlainParameters();
        for (int i = 0; i < expectedParameters.Count; i++)
        {
            Assert.Equal(expectedParameters[i].Data, parameters[i].Data); // every value is a multiple of 2^-16: exact
        }
        using var onnx = new MemoryStream();
        OnnxExporter.Write(party0.Spec, parameters, onnx, options: Options);
        Assert.Equal(File.ReadAllBytes(Path.Combine(folder, Onnx)), onnx.ToArray());
        using var plain = new MemoryStream();
        OnnxExporter.Write(party0.Spec, parameters, plain);
        Assert.Equal(File.ReadAllBytes(Path.Combine(folder, OnnxWithoutStatistics)), plain.ToArray());

        var e0 = EvaluationSharesFile.Load(Path.Combine(folder, Party0Evaluation));
        var e1 = EvaluationSharesFile.Load(Path.Combine(folder, Party1Evaluation));
        var result = EvaluationResult.Reconstruct(e0, e1, TrueLabels);
        using var expected = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, Expected)));
        var root = expected.RootElement;
        Assert.Equal(root.GetProperty("count").GetInt32(), result.Count);
        Assert.Equal(root.GetProperty("correct").GetInt32(), result.Correct);
        Assert.Equal(root.GetProperty("accuracy").GetDouble(), result.Accuracy);
        Assert.Equal(root.GetProperty("predicted").EnumerateArray().Select(e => e.GetInt32()), result.Predicted);
        var confusion = root.GetProperty("confusion").EnumerateArray().Select(r => r.EnumerateArray().Select(e => e.GetInt32()).ToArray()).ToArray();
        for (int t = 0; t < Spec.Classes; t++)
        {
            for (int p = 0; p < Spec.Classes; p++)
            {
                Assert.Equal(confusion[t][p], result.Confusion![t, p]);
            }
        }
    }

    /// <summary>Deterministic parameters: a spread of signs and magnitudes (one large), each a multiple of 2^-16.</summary>
    private static List<PlainTensor> PlainParameters()
    {
        var result = new List<PlainTensor>();
        int k = 0;
        foreach (int[] shape in ModelBuilder.ParameterShapes(Spec))
        {
            var t = new PlainTensor(shape);
            for (int i = 0; i < t.Length; i++, k++)
            {
                t.Data[i] = Format.Decode(Format.Encode(Math.Sin(1.7 * k + 0.3) * (k % 7 == 3 ? 3000.5 : 0.9)));
            }
            result.Add(t);
        }
        return result;
    }

    private static (RingTensor Share0, RingTensor Share1) Split(ulong[] secret, int[] shape, AesCtrPrg prg)
    {
        var share0 = new RingTensor(prg.NextArray(secret.Length), shape);
        var share1 = new RingTensor(secret.Zip(share0.Span.ToArray(), (s, r) => unchecked(s - r)).ToArray(), shape);
        return (share0, share1);
    }

    private static List<(string Name, byte[] Bytes)> Generate()
    {
        using var prg = new AesCtrPrg(new Seed(0x0123_4567_89AB_CDEF, 0x5EED_0000_0000_0001));
        var plain = PlainParameters();
        var values0 = new List<RingTensor>();
        var values1 = new List<RingTensor>();
        var velocities0 = new List<RingTensor?>();
        var velocities1 = new List<RingTensor?>();
        for (int i = 0; i < plain.Count; i++)
        {
            int[] shape = plain[i].Shape.ToArray();
            var (s0, s1) = Split(Format.Encode(plain[i].Data), shape, prg);
            values0.Add(s0);
            values1.Add(s1);
            bool withVelocity = shape.Length > 1; // weights carry momentum shares, biases none: both flag values occur
            velocities0.Add(withVelocity ? new RingTensor(prg.NextArray(s0.Length), shape) : null);
            velocities1.Add(withVelocity ? new RingTensor(prg.NextArray(s0.Length), shape) : null);
        }
        var party0 = new ModelCheckpoint(0, Format, 3, Spec, values0, velocities0);
        var party1 = new ModelCheckpoint(1, Format, 3, Spec, values1, velocities1);

        using var onnx = new MemoryStream();
        OnnxExporter.Write(Spec, ModelCheckpoint.Reconstruct(party0, party1), onnx, options: Options);
        using var onnxWithoutStatistics = new MemoryStream();
        OnnxExporter.Write(Spec, ModelCheckpoint.Reconstruct(party0, party1), onnxWithoutStatistics);

        int n = Predicted.Length, c = Spec.Classes;
        var oneHot = new ulong[n * c];
        for (int i = 0; i < n; i++)
        {
            oneHot[i * c + Predicted[i]] = 1;
        }
        int correct = Predicted.Zip(TrueLabels).Count(p => p.First == p.Second);
        var (p0, p1) = Split(oneHot, [n, c], prg);
        var (c0, c1) = Split([Format.Encode(correct)], [1], prg);
        var evaluation0 = new EvaluationShares(new SharedTensor(0, p0, Format), new SharedTensor(0, c0, Format));
        var evaluation1 = new EvaluationShares(new SharedTensor(1, p1, Format), new SharedTensor(1, c1, Format));
        var confusion = new int[c][];
        for (int t = 0; t < c; t++)
        {
            confusion[t] = new int[c];
        }
        for (int i = 0; i < n; i++)
        {
            confusion[TrueLabels[i]][Predicted[i]]++;
        }
        string expected = JsonSerializer.Serialize(new
        {
            count = n,
            correct,
            accuracy = (double)correct / n,
            labels = TrueLabels,
            predicted = Predicted,
            confusion,
            fractionalBits = Format.FractionalBits,
            epochsCompleted = 3,
            standardization = new { mean = Statistics.Mean, std = Statistics.Std },
            classNames = ClassNames,
        }) + "\n";

        return
        [
            (Party0Model, Bytes(party0.WriteTo)),
            (Party1Model, Bytes(party1.WriteTo)),
            (Onnx, onnx.ToArray()),
            (OnnxWithoutStatistics, onnxWithoutStatistics.ToArray()),
            (Party0Evaluation, EvaluationBytes(evaluation0)),
            (Party1Evaluation, EvaluationBytes(evaluation1)),
            (Expected, System.Text.Encoding.UTF8.GetBytes(expected)),
        ];
    }

    private static byte[] Bytes(Action<Stream> write)
    {
        using var stream = new MemoryStream();
        write(stream);
        return stream.ToArray();
    }

    private static byte[] EvaluationBytes(EvaluationShares shares)
    {
        string path = Path.Combine(Path.GetTempPath(), $"imguard-vector-{Guid.NewGuid():N}.share");
        try
        {
            EvaluationSharesFile.Save(shares, path);
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string VectorFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Imguard.slnx")))
            {
                return Path.Combine(dir.FullName, "tests", "vectors", "model-v1");
            }
        }
        throw new InvalidOperationException("The repository root (Imguard.slnx) was not found above the test's folder.");
    }
}
