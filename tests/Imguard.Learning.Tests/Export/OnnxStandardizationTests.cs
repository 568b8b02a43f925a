using System.Text.Json;
using CsCheck;
using Imguard.Learning.Data;
using Imguard.Learning.Export;
using Imguard.Learning.Hiding;
using Imguard.Learning.Nn;
using Imguard.Learning.Tests.Data;
using Imguard.Mpc.Randomness;
using Microsoft.ML.OnnxRuntime;

namespace Imguard.Learning.Tests.Export;

/// <summary>
/// A model usable outside IMGuard: exported with the training set's standardisation, the ONNX takes raw pixel values
/// 0–255 (what the product's decoders give) and, in ONNX Runtime, gives the logits the plaintext model gives on the
/// standardised images (Standardization.Apply, the owner's sharing path) to float tolerance; its doc_string and
/// metadata say how the input is scaled and name the classes.
/// </summary>
public sealed class OnnxStandardizationTests
{
    private const double Tolerance = 1e-4;

    [Theory]
    [InlineData("mlp", false, 31UL)]
    [InlineData("cnn", false, 32UL)]
    // InstaHide's presets start with |x|: the Abs node comes after the standardisation, on standardised values.
    [InlineData("mlp", true, 36UL)]
    public async Task Raw_pixels_through_the_exported_model_give_the_plaintext_logits_of_the_standardised_images(string preset, bool instaHide, ulong seed)
    {
        var spec = ModelSpec.PresetFor(preset, instaHide ? HidingMode.InstaHide : HidingMode.Off);
        var parameters = Parameters(spec, seed);
        var rng = new Random((int)seed);
        LabeledImages raw = Pixels(rng, 6, spec.Input, spec.Classes);
        Standardization stats = Standardization.Fit(Pixels(rng, 20, spec.Input, spec.Classes));
        using var session = new InferenceSession(Export(spec, parameters, new OnnxExportOptions { Standardization = stats }));

        await AssertSameLogitsAsync(session, spec, parameters, raw, stats);
    }

    [Fact]
    public async Task A_decoded_rgb_image_through_the_exported_model_gives_the_logits_of_its_standardised_pixels()
    {
        // Three channels with their own statistics: the [1, C, 1, 1] mean and std broadcast per channel.
        var spec = ModelSpec.Parse("""
            {"input": [3, 8, 8], "classes": 4, "layers": [
              {"type": "conv2d", "out": 4, "kernel": 3, "padding": 1}, {"type": "relu"}, {"type": "avgpool2d", "kernel": 2},
              {"type": "flatten"}, {"type": "linear", "out": 4}]}
            """);
        var parameters = Parameters(spec, 33);
        var load = new ImageLoadOptions { Channels = 3, Height = 8, Width = 8 };
        float[][] decoded =
        [
            ImageFolderReader.DecodeImage(TestImages.Png(12, 10, 3, (x, y, c) => (byte)((x * 20 + y * 7 + c * 80) % 256)), load),
            ImageFolderReader.DecodeImage(TestImages.Png(8, 8, 4, (x, y, c) => (byte)(c == 3 ? 128 : 255 - x * y * (c + 1) % 256)), load),
            ImageFolderReader.DecodeImage(TestImages.Jpeg(16, 16, 3, (x, y, c) => (byte)(c == 1 ? x * 16 : y * 15)), load),
        ];
        var raw = new LabeledImages([.. decoded.SelectMany(p => p)], [0, 1, 2], 3, 8, 8, ["a", "b", "c", "d"]);
        var stats = new Standardization([0.41, 0.52, 0.33], [0.27, 0.19, 0.31]);
        using var session = new InferenceSession(Export(spec, parameters, new OnnxExportOptions { Standardization = stats }));

        await AssertSameLogitsAsync(session, spec, parameters, raw, stats);
    }

    [Fact]
    public void The_model_says_its_input_is_pixels_and_names_its_classes()
    {
        var spec = ModelSpec.Parse("""{"input": [1, 4, 4], "classes": 3, "layers": [{"type": "flatten"}, {"type": "linear", "out": 3}]}""");
        string[] classes = ["T-shirt/top", "say \"hi\" \\ there", "tab\tand ünïcode 😀"];
        using var session = new InferenceSession(Export(spec, Parameters(spec, 34),
            new OnnxExportOptions { Standardization = new([0.5], [0.25]), ClassNames = classes }));

        var metadata = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal(OnnxExporter.PixelInput, metadata[OnnxExporter.InputMetadataKey]);
        Assert.Equal(classes, JsonSerializer.Deserialize<string[]>(metadata[OnnxExporter.ClassesMetadataKey]));
        Assert.Contains("raw pixel values 0-255", session.ModelMetadata.Description, StringComparison.Ordinal);
        Assert.Equal([-1, 1, 4, 4], session.InputMetadata[OnnxExporter.InputName].Dimensions);
    }

    [Fact]
    public void Without_statistics_the_model_says_its_input_is_standardised_and_names_the_classes_by_index()
    {
        var spec = ModelSpec.Parse("""{"input": [1, 4, 4], "classes": 3, "layers": [{"type": "flatten"}, {"type": "linear", "out": 3}]}""");
        using var session = new InferenceSession(Export(spec, Parameters(spec, 35), options: null));

        var metadata = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal(OnnxExporter.StandardizedInput, metadata[OnnxExporter.InputMetadataKey]);
        Assert.Equal("[\"0\",\"1\",\"2\"]", metadata[OnnxExporter.ClassesMetadataKey]);
        Assert.Contains("does not include", session.ModelMetadata.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Class_names_escape_as_json_that_any_parser_reads_back()
    {
        // Quotes, backslashes, control characters, ASCII and the rest of the basic plane below the surrogates.
        Gen.Frequency((1, Gen.Char['\0', '\uD7FF']), (3, Gen.Char["\"\\/\t\n\u0001\u001f\u007f aZ9é€"])).Array[1, 12]
            .Select(chars => new string(chars)).Array[1, 5].Sample(names =>
        {
            string json = OnnxExporter.JsonStrings(names);
            Assert.Equal(names, JsonSerializer.Deserialize<string[]>(json));
        }, iter: 2000);
    }

    [Fact]
    public void Statistics_of_another_channel_count_or_names_of_another_class_count_are_refused_before_writing()
    {
        var spec = ModelSpec.Mlp;
        var parameters = Parameters(spec, 36);
        using var stream = new MemoryStream();

        var channels = Assert.Throws<ArgumentException>(() => OnnxExporter.Write(spec, parameters, stream,
            options: new OnnxExportOptions { Standardization = new([0.1, 0.2, 0.3], [0.3, 0.3, 0.3]) }));
        Assert.Contains("expected [1], got [3]", channels.Message, StringComparison.Ordinal);
        var classes = Assert.Throws<ArgumentException>(() => OnnxExporter.Write(spec, parameters, stream,
            options: new OnnxExportOptions { ClassNames = ["a", "b"] }));
        Assert.Contains("10 classes; 2 class names", classes.Message, StringComparison.Ordinal);
        Assert.Equal(0, stream.Length);
    }

    /// <summary>Pixel values as decoders give them: mostly whole numbers 0..255, some fractional (resized), stored as float.</summary>
    private static LabeledImages Pixels(Random rng, int count, int[] shape, int classes)
    {
        int size = shape[0] * shape[1] * shape[2];
        var pixels = new float[count * size];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = i % 5 == 0 ? (float)(rng.NextDouble() * 255) : rng.Next(256);
        }
        return new LabeledImages(pixels, [.. Enumerable.Range(0, count).Select(i => i % classes)], shape[0], shape[1], shape[2],
            [.. Enumerable.Range(0, classes).Select(i => $"class {i}")]);
    }

    private static async Task AssertSameLogitsAsync(InferenceSession session, ModelSpec spec, IReadOnlyList<PlainTensor> parameters, LabeledImages raw, Standardization stats)
    {
        long[] shape = [raw.Count, .. spec.Input.Select(d => (long)d)];
        using var value = OrtValue.CreateTensorValueFromMemory(raw.Pixels, shape);
        using var options = new RunOptions();
        using var results = session.Run(options, [OnnxExporter.InputName], [value], [OnnxExporter.OutputName]);
        float[] onnx = results[0].GetTensorDataAsSpan<float>().ToArray();

        LabeledImages standardized = stats.Apply(raw);
        var plain = await ModelBuilder.Build(spec, parameters).ForwardAsync(
            PlainEngine.Instance, new PlainTensor([.. standardized.Pixels.Select(v => (double)v)], [raw.Count, .. spec.Input]));

        Assert.Equal(plain.Length, onnx.Length);
        double maxDifference = onnx.Select((v, i) => Math.Abs(v - plain.Data[i])).Max();
        Assert.InRange(maxDifference, 0, Tolerance);
        for (int n = 0; n < raw.Count; n++)
        {
            Assert.Equal(ArgMax(plain.Data.AsSpan(n * spec.Classes, spec.Classes)), ArgMax(onnx.AsSpan(n * spec.Classes, spec.Classes)));
        }
    }

    private static IReadOnlyList<PlainTensor> Parameters(ModelSpec spec, ulong seed)
    {
        using var prng = new AesCtrPrg(new Seed(seed, 0x6F6E6E78));
        return ModelBuilder.InitialParameters(spec, prng);
    }

    private static byte[] Export(ModelSpec spec, IReadOnlyList<PlainTensor> parameters, OnnxExportOptions? options)
    {
        using var stream = new MemoryStream();
        OnnxExporter.Write(spec, parameters, stream, options: options);
        return stream.ToArray();
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
