using System.Text.Json;
using Imguard.Contracts.Jobs;

namespace Imguard.Platform.Jobs;

/// <summary>
/// A job's standardisation and its opened statistics as the job row stores them (JSON text). System.Text.Json writes
/// doubles in their shortest round-trip form, so the numbers read back are those the approvers signed.
/// </summary>
internal static class JobStandardizationRows
{
    public static string? Write(JobStandardization? standardization) =>
        standardization is null ? null : JsonSerializer.Serialize(standardization, JsonSerializerOptions.Web);

    public static JobStandardization? Read(string? json) =>
        json is null ? null : JsonSerializer.Deserialize<JobStandardization>(json, JsonSerializerOptions.Web);

    public static string? Write(ChannelStatistics? statistics) =>
        statistics is null ? null : JsonSerializer.Serialize(statistics, JsonSerializerOptions.Web);

    public static ChannelStatistics? ReadStatistics(string? json) =>
        json is null ? null : JsonSerializer.Deserialize<ChannelStatistics>(json, JsonSerializerOptions.Web);
}
