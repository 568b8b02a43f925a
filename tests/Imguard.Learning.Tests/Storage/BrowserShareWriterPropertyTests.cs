using System.Diagnostics;
using System.Text.Json;
using CsCheck;
using Imguard.Contracts.Shares;
using Imguard.Learning.Data;
using Imguard.Learning.Storage;
using Imguard.Learning.Training;
using Imguard.Mpc.Encoding;
using Imguard.Mpc.Ring;
using Imguard.Mpc.Sharing;

namespace Imguard.Learning.Tests.Storage;

/// <summary>
/// The browser's share writer against the C# reader, on random datasets (issue 14, item 9): random shapes, counts,
/// class counts, chunk sizes (rows split across chunks anywhere), fractional bits 0..40, dataset ids, standardisation
/// statistics and raw values (zero, 0..255, negative, up to 10^6). Each case is shared by web/src/sharing/shareDataset.ts
/// under Node (web/scripts/share-cases.mjs, with Web Crypto masks as in the browser); <see cref="DatasetHalfFile"/> must
/// accept both halves with the browser's digests and reconstruct exactly <c>SharedDataset.EncodeRows(Standardization.Apply(…))</c>
/// of the same values. The committed vector tests/vectors/share-v1 pins the bytes; this covers the shapes it does not.
/// </summary>
public sealed class BrowserShareWriterPropertyTests
{
    private sealed record ShareCase(string DatasetId, int FractionalBits, int ChunkSize, int Channels, int Height, int Width, int Classes,
        double[] Mean, double[] Std, int[] Labels, double[] Pixels);

    private sealed record Digests(string Digest0, string Digest1);

    private const string Alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private const string IdCharacters = Alphanumeric + "._-";

    private static readonly Gen<string> DatasetId = Gen.Select(Gen.Int[0, Alphanumeric.Length - 1], Gen.Int[0, IdCharacters.Length - 1].Array[0, 63],
        (first, rest) => Alphanumeric[first] + new string([.. rest.Select(i => IdCharacters[i])]));

    // Raw values as a file or the browser's canvas gives them (0..255), and the extremes a caller could pass: zero,
    // negative, large. With |mean| ≤ 2 and std ≥ 10^-3 every standardised value stays below 2^22, so even f = 40 fits.
    private static readonly Gen<float> Pixel = Gen.Frequency(
        (4, Gen.Int[0, 255].Select(i => (float)i)),
        (1, Gen.OneOf<float>(0f, -0f, 255f)),
        (1, Gen.Float[-1000f, 0f]),
        (1, Gen.Float[0f, 1e6f]));

    private static readonly Gen<ShareCase> Case =
        Gen.Select(Gen.Int[1, 3], Gen.Int[1, 5], Gen.Int[1, 5], Gen.Int[2, 6], Gen.Int[1, 6]).SelectMany(shape =>
        {
            (int c, int h, int w, int classes, int count) = shape;
            return Gen.Select(
                Gen.Select(DatasetId, Gen.Int[0, 40], Gen.Int[1, 64]),
                Gen.Select(Gen.Double[-2, 2].Array[c], Gen.Double[1e-3, 10].Array[c]),
                Gen.Select(Gen.Int[0, classes - 1].Array[count], Pixel.Array[count * c * h * w]),
                (header, stats, data) => new ShareCase(header.Item1, header.Item2, 8 * header.Item3, c, h, w, classes,
                    stats.Item1, stats.Item2, data.Item1, [.. data.Item2.Select(p => (double)p)]));
        });

    [NodeFact]
    public void Random_datasets_shared_by_the_browser_code_are_read_and_reconstructed_exactly_by_the_CSharp_reader() =>
        // One Node run shares a batch of cases (Node and esbuild start once per batch).
        Case.Array[24].Sample(cases =>
        {
            string folder = Path.Combine(Path.GetTempPath(), "imguard-browser-shares-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            try
            {
                ShareInNode(cases, folder);
                for (int i = 0; i < cases.Length; i++)
                {
                    ReadAndReconstruct(cases[i], folder, i);
                }
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }, iter: 3, threads: 1);

    private static void ShareInNode(ShareCase[] cases, string folder)
    {
        string input = Path.Combine(folder, "cases.json");
        File.WriteAllText(input, JsonSerializer.Serialize(cases, JsonSerializerOptions.Web));
        var start = new ProcessStartInfo(NodeFactAttribute.FindNode()!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = NodeFactAttribute.WebDirectory,
        };
        start.ArgumentList.Add(Path.Combine(NodeFactAttribute.WebDirectory, "scripts", "share-cases.mjs"));
        start.ArgumentList.Add(input);
        start.ArgumentList.Add(folder);
        using Process node = Process.Start(start)!;
        Task<string> output = node.StandardOutput.ReadToEndAsync();
        Task<string> errors = node.StandardError.ReadToEndAsync();
        if (!node.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            node.Kill(entireProcessTree: true);
            throw new TimeoutException("web/scripts/share-cases.mjs did not finish within 120 s.");
        }
        Assert.True(node.ExitCode == 0, $"share-cases.mjs exited {node.ExitCode}:\n{output.Result}\n{errors.Result}");
    }

    private static void ReadAndReconstruct(ShareCase c, string folder, int index)
    {
        string path0 = Path.Combine(folder, $"{index}.party0.share");
        string path1 = Path.Combine(folder, $"{index}.party1.share");
        Digests digests = JsonSerializer.Deserialize<Digests>(File.ReadAllText(Path.Combine(folder, $"{index}.json")), JsonSerializerOptions.Web)!;
        DatasetHalf half0 = DatasetHalfFile.ReadAsync(path0).GetAwaiter().GetResult();
        DatasetHalf half1 = DatasetHalfFile.ReadAsync(path1).GetAwaiter().GetResult();

        Assert.Equal(digests.Digest0, half0.Digest.ToHex());
        Assert.Equal(digests.Digest1, half1.Digest.ToHex());
        foreach ((DatasetHalf half, int party) in new[] { (half0, 0), (half1, 1) })
        {
            ShareFileHeader h = half.Header;
            Assert.Equal((c.DatasetId, party, SharePayloadKind.Tensor, c.FractionalBits, c.ChunkSize),
                (h.DatasetId, h.PartyId, h.PayloadKind, h.FractionalBits, h.ChunkSize));
            Assert.Equal((c.Channels, c.Height, c.Width, c.Classes, (long)c.Labels.Length),
                (h.Channels, h.Height, h.Width, h.Classes, h.ExampleCount));
        }

        var raw = new LabeledImages([.. c.Pixels.Select(p => (float)p)], c.Labels, c.Channels, c.Height, c.Width,
            [.. Enumerable.Range(0, c.Classes).Select(i => $"class {i}")]);
        RingTensor expected = SharedDataset.EncodeRows(new Standardization(c.Mean, c.Std).Apply(raw), new FixedPointFormat(c.FractionalBits));
        RingTensor rows = SecretSharer.Reconstruct(half0.Dataset.ImagesWithLabels(), half1.Dataset.ImagesWithLabels());
        Assert.Equal(expected.Span.ToArray(), rows.Span.ToArray());
    }
}
