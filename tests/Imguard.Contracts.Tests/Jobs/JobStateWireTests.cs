using System.Text.Json;
using Imguard.Contracts.Jobs;

namespace Imguard.Contracts.Tests.Jobs;

/// <summary>
/// One job-state vocabulary on every wire: a party's state reports and status replies carry the state by the same name
/// as the platform's API ("Running"), read in any case (a party's earlier lowercase reports and state.json files), and
/// a number or an unknown name is refused.
/// </summary>
public sealed class JobStateWireTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Fact]
    public void Every_state_goes_out_by_name_and_reads_back()
    {
        foreach (JobState state in Enum.GetValues<JobState>())
        {
            string report = JsonSerializer.Serialize(new JobStateReport(state, "why"), Web);
            Assert.Contains($"\"state\":\"{state}\"", report, StringComparison.Ordinal);
            Assert.Equal(state, JsonSerializer.Deserialize<JobStateReport>(report, Web)!.State);

            string reply = JsonSerializer.Serialize(new JobStartReply("job-1", state, 2), Web);
            Assert.Contains($"\"state\":\"{state}\"", reply, StringComparison.Ordinal);
            Assert.Equal(new JobStartReply("job-1", state, 2), JsonSerializer.Deserialize<JobStartReply>(reply, Web));
        }
    }

    [Theory]
    [InlineData("running", JobState.Running)]            // what parties wrote before the vocabulary was one
    [InlineData("preprocessing", JobState.Preprocessing)]
    [InlineData("SUCCEEDED", JobState.Succeeded)]
    public void A_name_reads_in_any_case(string name, JobState expected) =>
        Assert.Equal(expected, JsonSerializer.Deserialize<JobStateReport>($"{{\"state\":\"{name}\"}}", Web)!.State);

    [Theory]
    [InlineData("2")]
    [InlineData("99")]
    [InlineData("\"99\"")]
    [InlineData("\"paused\"")]
    [InlineData("\"\"")]
    [InlineData("null")]
    public void A_number_or_an_unknown_name_is_refused(string value) =>
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<JobStateReport>($"{{\"state\":{value}}}", Web));
}
