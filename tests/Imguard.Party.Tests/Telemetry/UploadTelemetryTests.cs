using Imguard.Party.Shares;
using Imguard.Testing;
using static Imguard.Party.Tests.Shares.ShareFixtures;

namespace Imguard.Party.Tests.Telemetry;

/// <summary>The upload throughput counter: every byte the share store takes, once; a retried chunk is not counted again.</summary>
public sealed class UploadTelemetryTests
{
    [Fact]
    public async Task The_share_store_counts_each_uploaded_byte_once()
    {
        using var dir = new TempDirectory();
        var store = new ShareStore(dir.Path);
        var (file, _) = await FileAsync();
        using var measured = new FlowMeasurements();

        UploadSession session = Begin(store, file);
        await SendRangeAsync(session, file, 0, 200);
        await SendAsync(session, file, 100, 100); // the acknowledgement was lost: the client sends the chunk again
        await SendRangeAsync(session, file, 200, file.Length);

        Assert.Equal(file.Length, measured.Sum("imguard.upload.received"));
    }
}
