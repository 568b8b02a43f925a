using System.Text.Json;
using Imguard.Contracts.Jobs;

namespace Imguard.Contracts.Tests.Jobs;

/// <summary>
/// The estimate's JSON is what the web form (web/src/api/types.ts, <c>JobEstimate</c>) and <c>imguard train</c> read:
/// every name as it was when the platform served its own DealerCostEstimate record, and every value reads back.
/// </summary>
public sealed class JobEstimateWireTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private static readonly JobEstimate Estimate = new(3, 469, 1407, 40, 7, 1_000_000, 2000, 120, 3_000_000, 100_000, 10_000, 55,
        5_000_000, 9_000_000, 0.25)
    {
        ExpectedAccuracy = new ExpectedAccuracy(true, 80.5, 85.0, false, "summary", null, "basis"),
    };

    [Fact]
    public void The_wire_names_are_the_ones_the_web_form_reads()
    {
        using JsonDocument json = JsonDocument.Parse(JsonSerializer.Serialize(Estimate, Web));
        string[] names = [.. json.RootElement.EnumerateObject().Select(p => p.Name)];
        Assert.Equal(
            ["epochs", "stepsPerEpoch", "steps", "itemsPerStep", "wordsPerStepToParty0", "wordsPerStepToParty1", "hidingWordsPerStepToParty1",
             "peerRoundsPerStep", "peerBytesPerStepPerParty", "initialParameterWords", "epochPublicBytes", "testEncodingWordsToParty1",
             "totalBytesToParty0", "totalBytesToParty1", "secondsPerStepMeasured", "expectedAccuracy", "estimatedSeconds"],
            names);
        Assert.Equal(1407 * 0.25, json.RootElement.GetProperty("estimatedSeconds").GetDouble());
    }

    [Fact]
    public void An_estimate_reads_back_whole()
    {
        JobEstimate back = JsonSerializer.Deserialize<JobEstimate>(JsonSerializer.Serialize(Estimate, Web), Web)!;
        Assert.Equal(Estimate, back);
        Assert.Equal(Estimate.EstimatedSeconds, back.EstimatedSeconds);
    }
}
