using System.Net;
using System.Text.Json;
using Imguard.Cli.Client;
using Imguard.Client.Datasets;
using Imguard.Client.Storage;
using Imguard.Contracts.Datasets;

namespace Imguard.Cli.Tests.Client.Scaling;

/// <summary>
/// <c>imguard dataset disclose</c>: it prints exactly what becomes public before it asks, sends nothing unless the
/// owner says yes, sends the owner folder's numbers as they are, and refuses a dataset with nothing (more) to disclose.
/// </summary>
public sealed class DiscloseTests : IDisposable
{
    private const string Id = "ds-0123456789abcdef";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "imguard-disclose-" + Guid.NewGuid().ToString("N"));
    private readonly FakePlatform _platform = new();
    private readonly OwnerFolder _owner;

    public DiscloseTests()
    {
        _owner = new OwnerFolder(_root);
        OwnerFolder.Create(_owner.DatasetFolder(Id));
        OwnerSharing.SaveStandardization(_owner.StatisticsPath(Id), new Learning.Data.Standardization([0.28604060411453247], [0.3530242443084717]), ["a", "b"]);
    }

    public void Dispose()
    {
        _platform.Dispose();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static DatasetView Dataset(PixelScaling? scaling, int channels = 1) => new(
        Id, Guid.Empty, "alice's squares", DatasetPurpose.Train, channels, 28, 28, 60, 10, 16, "d0", "d1", DatasetStatus.Ready, null, true, true,
        Guid.Empty, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, Scaling: scaling);

    private async Task<(int Code, string Output)> DiscloseAsync(bool yes, string answer)
    {
        using var api = _platform.Client();
        using var output = new StringWriter();
        int code = await DatasetDiscloseCommand.DiscloseAsync(api, _owner, Id, null, yes, new StringReader(answer), output, CancellationToken.None);
        return (code, output.ToString());
    }

    private IEnumerable<string?> Disclosures() => _platform.Sent(HttpMethod.Post, $"api/datasets/{Id}/disclose-statistics").Select(r => r.Body);

    [Fact]
    public async Task It_shows_what_becomes_public_and_sends_nothing_without_a_yes()
    {
        _platform.On(HttpMethod.Get, $"api/datasets/{Id}", Dataset(PixelScaling.Own));

        (int code, string output) = await DiscloseAsync(yes: false, answer: "n\n");

        Assert.Equal(CommandErrors.Failed, code);
        Assert.Contains("Disclosing makes these 2 numbers public — to the project's members, both parties and every approver of every job", output, StringComparison.Ordinal);
        Assert.Contains("cannot be undone", output, StringComparison.Ordinal);
        Assert.Contains("  channel 0: mean 0.28604060411453247, standard deviation 0.3530242443084717 (of x/255)", output, StringComparison.Ordinal);
        Assert.Contains("not disclosed; nothing was sent.", output, StringComparison.Ordinal);
        Assert.Empty(Disclosures());
    }

    [Fact]
    public async Task A_yes_sends_the_owner_folders_numbers_exactly()
    {
        bool disclosed = false;
        _platform.On(HttpMethod.Get, $"api/datasets/{Id}", _ => (HttpStatusCode.OK,
            Dataset(disclosed ? PixelScaling.Disclose([0.28604060411453247], [0.3530242443084717]) : PixelScaling.Own)));
        _platform.On(HttpMethod.Post, $"api/datasets/{Id}/disclose-statistics", _ =>
        {
            disclosed = true;
            return (HttpStatusCode.OK, null);
        });

        (int code, string output) = await DiscloseAsync(yes: false, answer: "y\n");

        Assert.Equal(0, code);
        using JsonDocument body = JsonDocument.Parse(Assert.Single(Disclosures())!);
        Assert.Equal([0.28604060411453247], body.RootElement.GetProperty("mean").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal([0.3530242443084717], body.RootElement.GetProperty("std").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Contains($"dataset {Id}: scaling disclosed mean=0.28604060411453247 std=0.3530242443084717", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(PixelScalings.Raw, 1, "was shared raw")]
    [InlineData(PixelScalings.Disclosed, 1, "are already public")]
    [InlineData(PixelScalings.Own, 3, "they are not this dataset's")]
    public async Task A_dataset_with_nothing_to_disclose_is_refused_before_anything_is_sent(string kind, int channels, string reason)
    {
        PixelScaling scaling = kind == PixelScalings.Disclosed ? PixelScaling.Disclose([0.5], [0.25]) : new PixelScaling(kind);
        _platform.On(HttpMethod.Get, $"api/datasets/{Id}", Dataset(scaling, channels));

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => DiscloseAsync(yes: true, answer: ""));

        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
        Assert.Empty(Disclosures());
    }

    [Fact]
    public async Task Without_the_statistics_in_the_owner_folder_nothing_is_asked_of_the_platform()
    {
        File.Delete(_owner.StatisticsPath(Id));

        await Assert.ThrowsAsync<FileNotFoundException>(() => DiscloseAsync(yes: true, answer: ""));

        Assert.Empty(_platform.Requests);
    }
}
