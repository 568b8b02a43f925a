using System.Buffers.Binary;
using Imguard.Client.Datasets;
using Imguard.Contracts.Datasets;

namespace Imguard.Cli.Tests.Client.Scaling;

/// <summary>
/// <c>imguard dataset share --scaling</c> as a user runs it (the real imguard, no platform needed): raw writes the halves
/// and a record saying raw, no statistics file; raw with a training set's statistics, or an unknown scaling, is a usage
/// error (exit 2) that says why; the help text says what raw is for.
/// </summary>
public sealed class ScalingFlagTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "imguard-scaling-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task Share_with_scaling_raw_records_raw_and_keeps_no_statistics()
    {
        (string images, string labels) = Idx();
        string output = Path.Combine(_root, "shared");

        (int code, string stdout, string stderr) = await RunAsync("dataset", "share", "--idx", images, labels, "--scaling", "raw", "--id", "ds-00112233445566aa",
            "--out", output);

        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("scaling  raw (x/255; no statistic of these images computed or kept)", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("standardisation", stdout, StringComparison.Ordinal);
        Assert.Equal(PixelScalings.Raw, DatasetScalingRecord.TryLoad(output, "ds-00112233445566aa")!.Scaling);
        Assert.Equal(["ds-00112233445566aa.party0.share", "ds-00112233445566aa.party1.share", "ds-00112233445566aa.scaling.json"],
            Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("raw", "--train-dataset", "ds-0011223344556677", "imguard: --scaling raw shares x/255 and uses no statistics: leave out --train-dataset and --standardization.")]
    [InlineData("disclosed", "--limit", "1", "imguard: --scaling is raw or own, not 'disclosed'.")]
    public async Task A_scaling_that_cannot_be_shared_is_a_usage_error(string scaling, string option, string value, string message)
    {
        (string images, string labels) = Idx();

        (int code, string stdout, string stderr) = await RunAsync("dataset", "share", "--idx", images, labels, "--scaling", scaling, option, value,
            "--out", Path.Combine(_root, "refused"));

        Assert.True(code == 2, stdout + stderr);
        Assert.Equal(message, stderr.Trim());
        Assert.False(Directory.Exists(Path.Combine(_root, "refused")));
    }

    [Fact]
    public async Task The_help_says_raw_is_what_an_owner_shares_for_a_job_with_other_owners()
    {
        (int code, string stdout, _) = await RunAsync("dataset", "upload", "--help");

        Assert.Equal(0, code);
        Assert.Contains("--scaling", stdout, StringComparison.Ordinal);
        Assert.Contains("this is what an owner shares for a job with other owners", string.Join(' ', stdout.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries)),
            StringComparison.Ordinal);
    }

    // Four 28×28 images with different pixels, as a plain IDX pair.
    private (string Images, string Labels) Idx()
    {
        Directory.CreateDirectory(_root);
        const int count = 4;
        byte[] images = new byte[16 + count * 784];
        byte[] labels = new byte[8 + count];
        BinaryPrimitives.WriteInt32BigEndian(images, 0x00000803);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(8), 28);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(12), 28);
        BinaryPrimitives.WriteInt32BigEndian(labels, 0x00000801);
        BinaryPrimitives.WriteInt32BigEndian(labels.AsSpan(4), count);
        for (int i = 0; i < count * 784; i++)
        {
            images[16 + i] = (byte)(i * 31 % 256);
        }
        for (int i = 0; i < count; i++)
        {
            labels[8 + i] = (byte)i;
        }
        string imagesPath = Path.Combine(_root, "images-idx3-ubyte"), labelsPath = Path.Combine(_root, "labels-idx1-ubyte");
        File.WriteAllBytes(imagesPath, images);
        File.WriteAllBytes(labelsPath, labels);
        return (imagesPath, labelsPath);
    }

    private Task<(int Code, string StandardOutput, string StandardError)> RunAsync(params string[] arguments) =>
        ImguardChild.RunAsync(Bound, "", new Dictionary<string, string?>
        {
            ["DOTNET_TieredCompilation"] = "1",
            ["IMGUARD_OWNER_DIR"] = Path.Combine(_root, "owner"),
            ["IMGUARD_PROFILE"] = Path.Combine(_root, "profile.json"),
        }, arguments);
}
