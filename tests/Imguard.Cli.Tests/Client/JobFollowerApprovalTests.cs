using System.Text.Json;
using Imguard.Cli.Client;
using Imguard.Cli.Tests.Client.Consent;
using Imguard.Client.Jobs;
using Imguard.Contracts.Consent;
using Imguard.Contracts.Jobs;

namespace Imguard.Cli.Tests.Client;

/// <summary>Following a job through its approvals: who still has to sign is said once per change, and Declined ends it.</summary>
public sealed class JobFollowerApprovalTests : IDisposable
{
    private readonly ConsentFixture _fixture = new();
    private readonly FakePlatform _platform = new();

    public void Dispose()
    {
        _fixture.Dispose();
        _platform.Dispose();
    }

    private static JobView Job(JobState state, string? failure = null) => new(
        ConsentFixture.JobId, Guid.Empty, "ds-alice", null, JsonSerializer.SerializeToElement("mlp"), JsonSerializer.SerializeToElement(new { }), state,
        Guid.Empty, DateTimeOffset.UnixEpoch, null, null, 0, 0, 0, null, failure, null, false, null);

    [Fact]
    public async Task Waiting_for_approval_names_who_has_not_signed_once_and_a_decline_ends_the_follow()
    {
        ConsentTerms terms = _fixture.Terms();
        int polls = 0;
        _platform.On(HttpMethod.Get, $"api/jobs/{ConsentFixture.JobId}", _ =>
            (System.Net.HttpStatusCode.OK, ++polls < 4 ? Job(JobState.AwaitingApproval) : Job(JobState.Declined, "bob: not with carol as recipient")));
        _platform.On(HttpMethod.Get, $"api/jobs/{ConsentFixture.JobId}/consent",
            ConsentFixture.View(terms, signed: r => r.Key.AsSpan().SequenceEqual(_fixture.Device.PublicKey)));
        using var output = new StringWriter();
        using var api = _platform.Client();

        JobView ended = await new JobFollower(api, output) { PollInterval = TimeSpan.FromMilliseconds(1), WaitingFor = ConsentTermsText.WaitingFor }
            .FollowAsync(ConsentFixture.JobId, _ => { });

        Assert.Equal(JobState.Declined, ended.State);
        Assert.True(JobFollower.IsFinal(JobState.Declined));
        string line = Assert.Single(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"{ConsentFixture.JobId} waits for approval by: ", line, StringComparison.Ordinal);
        Assert.Contains(OwnerKeys.ShortFingerprint(_fixture.BobKey), line, StringComparison.Ordinal);
        Assert.Contains(OwnerKeys.ShortFingerprint(_fixture.CarolKey), line, StringComparison.Ordinal);
        Assert.DoesNotContain(OwnerKeys.ShortFingerprint(_fixture.Device.PublicKey), line, StringComparison.Ordinal);
        Assert.Equal("job-0123456789abcdef Declined: bob: not with carol as recipient", JobCommands.Describe(ended));
    }
}
