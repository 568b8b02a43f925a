using System.Text.Json;
using Imguard.Contracts.Jobs;

namespace Imguard.Contracts.Tests.Jobs;

/// <summary>
/// A party's log and progress reports are one record each, sent by the party and bound by the platform: the log level
/// travels by name whatever the serializer's options, an earlier party's lowercase names still read, numbers do not.
/// </summary>
public sealed class JobReportWireTests
{
    [Fact]
    public void A_log_level_is_written_by_name_even_with_default_options()
    {
        string json = JsonSerializer.Serialize(new JobLogReport(JobLogLevel.Warning, "attempt 1 interrupted"), JsonSerializerOptions.Web);
        Assert.Contains("\"level\":\"Warning\"", json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"information\"", JobLogLevel.Information)]
    [InlineData("\"WARNING\"", JobLogLevel.Warning)]
    [InlineData("\"Error\"", JobLogLevel.Error)]
    public void Names_are_read_in_any_case(string level, JobLogLevel expected)
    {
        JobLogReport report = JsonSerializer.Deserialize<JobLogReport>($"{{\"level\":{level},\"message\":\"m\"}}", JsonSerializerOptions.Web)!;
        Assert.Equal(expected, report.Level);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("7")]
    [InlineData("\"debug\"")]
    public void Numbers_and_unknown_names_are_refused(string level)
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<JobLogReport>($"{{\"level\":{level},\"message\":\"m\"}}", JsonSerializerOptions.Web));
    }

    [Fact]
    public void A_progress_report_round_trips_with_its_optional_figures_left_out()
    {
        var report = new JobProgressReport(2, 40, 100, ImagesPerSecond: 512.5, ResumedFromEpoch: 1, Accuracy: 0.81);
        string json = JsonSerializer.Serialize(report, JsonSerializerOptions.Web);
        Assert.Equal(report, JsonSerializer.Deserialize<JobProgressReport>(json, JsonSerializerOptions.Web));
        JobProgressReport bare = JsonSerializer.Deserialize<JobProgressReport>("{\"epoch\":0,\"step\":1,\"totalSteps\":9}", JsonSerializerOptions.Web)!;
        Assert.Null(bare.ImagesPerSecond);
        Assert.Null(bare.Accuracy);
    }
}
