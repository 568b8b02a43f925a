using Imguard.Party.Jobs;
using Microsoft.Extensions.Configuration;

namespace Imguard.Party.Tests.Jobs;

public sealed class JobRunnerOptionsTests
{
    private static JobRunnerOptions From(params (string Key, string Value)[] settings) =>
        JobRunnerOptions.From(new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build());

    [Fact]
    public void The_party_reads_its_job_timeouts_from_configuration_and_keeps_the_documented_defaults_otherwise()
    {
        JobRunnerOptions defaults = From();
        Assert.Equal((TimeSpan.FromSeconds(60), TimeSpan.FromHours(1), 3), (defaults.PeerTimeout, defaults.WaitLimit, defaults.MaxResumes));
        JobRunnerOptions set = From(("Party:Jobs:PeerTimeout", "00:00:03"), ("Party:Jobs:WaitLimit", "00:10:00"), ("Party:Jobs:MaxResumes", "5"));
        Assert.Equal((TimeSpan.FromSeconds(3), TimeSpan.FromMinutes(10), 5), (set.PeerTimeout, set.WaitLimit, set.MaxResumes));
        set.Validate();
    }

    [Fact]
    public void An_option_out_of_range_is_named()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => From(("Party:Jobs:WaitLimit", "00:00:00")).Validate());
        Assert.Contains("Party:Jobs:WaitLimit", e.Message, StringComparison.Ordinal);
        Assert.Contains("PeerTimeout", Assert.Throws<ArgumentOutOfRangeException>(() => (new JobRunnerOptions { PeerTimeout = TimeSpan.Zero }).Validate()).Message, StringComparison.Ordinal);
    }
}
