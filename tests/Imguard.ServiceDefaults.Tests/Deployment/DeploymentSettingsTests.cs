using Imguard.ServiceDefaults.Deployment;

namespace Imguard.ServiceDefaults.Tests.Deployment;

public class DeploymentSettingsTests
{
    [Fact]
    public void Loopback_settings_survive_a_save_and_load()
    {
        string path = Path.Combine(Path.GetTempPath(), $"imguard-settings-{Guid.NewGuid():N}.json");
        try
        {
            DeploymentSettings settings = DeploymentSettings.Loopback(31000);
            settings.Save(path);
            DeploymentSettings loaded = DeploymentSettings.Load(path);
            Assert.Equal(new Uri("https://127.0.0.1:31000"), loaded.Platform.Url);
            Assert.Equal(new Uri("https://127.0.0.1:31002"), loaded.Parties[1].Api.Url);
            Assert.Equal(("127.0.0.1", 31004), new ServiceEndpoint { Url = loaded.Platform.Url, Listen = loaded.Parties[0].Peer }.ListenAddress());
            Assert.True(loaded.PlatformDatabase.IsSqlite);
            Assert.DoesNotContain("isSqlite", File.ReadAllText(path), StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_dealer_is_inside_the_platform_by_default_and_its_own_service_once_it_has_an_address()
    {
        string path = Path.Combine(Path.GetTempPath(), $"imguard-settings-{Guid.NewGuid():N}.json");
        try
        {
            DeploymentSettings hosted = DeploymentSettings.Loopback(31000);
            Assert.False(hosted.DealerIsSeparate);
            Assert.Equal((ServiceRole.Platform, hosted.Platform.Url), (hosted.DealerHost, hosted.DealerUrl));
            Assert.Same(hosted, hosted.WithEndpoint(ServiceRole.Dealer, null, null));
            Assert.Throws<InvalidOperationException>(() => hosted.WithEndpoint(ServiceRole.Dealer, null, "0.0.0.0:31005"));
            hosted.Save(path);
            Assert.DoesNotContain("dealer", File.ReadAllText(path), StringComparison.OrdinalIgnoreCase);

            DeploymentSettings separate = hosted.WithSeparateDealer(DeploymentSettings.LoopbackDealerUrl(31000)).WithEndpoint(ServiceRole.Dealer, null, "0.0.0.0:31005");
            separate.Save(path);
            DeploymentSettings loaded = DeploymentSettings.Load(path);
            Assert.True(loaded.DealerIsSeparate);
            Assert.Equal((ServiceRole.Dealer, new Uri("https://127.0.0.1:31005")), (loaded.DealerHost, loaded.DealerUrl));
            Assert.Equal(("0.0.0.0", 31005), loaded.Endpoint(ServiceRole.Dealer).ListenAddress());
            var error = Assert.Throws<InvalidOperationException>((loaded with { Dealer = new ServiceEndpoint { Url = new Uri("http://127.0.0.1:31005") } }).Validate);
            Assert.Contains("dealer.url", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Plain_http_is_refused_with_the_setting_named()
    {
        DeploymentSettings settings = DeploymentSettings.Loopback() with { Audit = new ServiceEndpoint { Url = new Uri("http://127.0.0.1:7403") } };
        var error = Assert.Throws<InvalidOperationException>(settings.Validate);
        Assert.Contains("audit.url", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Browser_origins_are_optional_saved_when_set_and_must_be_bare_origins()
    {
        string path = Path.Combine(Path.GetTempPath(), $"imguard-settings-{Guid.NewGuid():N}.json");
        try
        {
            DeploymentSettings.Loopback(31000).Save(path);
            Assert.DoesNotContain("browserOrigins", File.ReadAllText(path), StringComparison.Ordinal);
            (DeploymentSettings.Loopback(31000) with { BrowserOrigins = [new Uri("https://imguard.example.org")] }).Save(path);
            Assert.Equal([new Uri("https://imguard.example.org")], DeploymentSettings.Load(path).BrowserOrigins);
        }
        finally
        {
            File.Delete(path);
        }
        foreach (string bad in new[] { "https://imguard.example.org/app", "ftp://imguard.example.org", "https://imguard.example.org/?x=1" })
        {
            var error = Assert.Throws<InvalidOperationException>((DeploymentSettings.Loopback() with { BrowserOrigins = [new Uri(bad)] }).Validate);
            Assert.Contains("browserOrigins", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Party_upload_limits_default_in_line_with_the_platform_and_are_saved_and_read_back()
    {
        PartySettings defaults = DeploymentSettings.Loopback().Parties[0];
        Assert.Equal((4L << 30, 8L << 30, 16L << 30), (defaults.MaxUploadBytes, defaults.UserQuotaBytes, defaults.ProjectQuotaBytes));
        Assert.Equal((TimeSpan.FromHours(24), TimeSpan.FromSeconds(15)), (defaults.IncompleteUploadExpiry, defaults.DatasetCheckInterval));
        string path = Path.Combine(Path.GetTempPath(), $"imguard-settings-{Guid.NewGuid():N}.json");
        try
        {
            DeploymentSettings.Loopback(31000).WithParty(1, p => p with { UserQuotaBytes = 5L << 30, IncompleteUploadExpiry = TimeSpan.FromHours(2) }).Save(path);
            Assert.Contains("\"incompleteUploadExpiry\": \"02:00:00\"", File.ReadAllText(path), StringComparison.Ordinal);
            PartySettings loaded = DeploymentSettings.Load(path).Parties[1];
            Assert.Equal((5L << 30, TimeSpan.FromHours(2)), (loaded.UserQuotaBytes, loaded.IncompleteUploadExpiry));
        }
        finally
        {
            File.Delete(path);
        }
    }

    public static TheoryData<string, Func<PartySettings, PartySettings>> BadUploadLimits => new()
    {
        { "parties[0].userQuotaBytes", p => p with { UserQuotaBytes = p.MaxUploadBytes - 1 } },
        { "parties[0].projectQuotaBytes", p => p with { ProjectQuotaBytes = p.MaxUploadBytes - 1 } },
        { "parties[0].incompleteUploadExpiry", p => p with { IncompleteUploadExpiry = TimeSpan.Zero } },
        { "parties[0].incompleteUploadExpiry", p => p with { IncompleteUploadExpiry = TimeSpan.FromDays(400) } },
        { "parties[0].datasetCheckInterval", p => p with { DatasetCheckInterval = TimeSpan.FromSeconds(-1) } },
        { "parties[0].datasetCheckInterval", p => p with { DatasetCheckInterval = TimeSpan.FromHours(2) } },
    };

    [Theory]
    [MemberData(nameof(BadUploadLimits))]
    public void Party_upload_limits_that_cannot_work_are_refused_at_start_with_the_setting_named(string setting, Func<PartySettings, PartySettings> change)
    {
        DeploymentSettings settings = DeploymentSettings.Loopback().WithParty(0, change);
        var error = Assert.Throws<InvalidOperationException>(settings.Validate);
        Assert.Contains(setting, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PostgreSQL_without_a_connection_string_is_refused()
    {
        DeploymentSettings settings = DeploymentSettings.Loopback() with { PlatformDatabase = new DatabaseSettings { Provider = "postgresql" } };
        var error = Assert.Throws<InvalidOperationException>(settings.Validate);
        Assert.Contains("platform.database.connectionString", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_database_provider_is_refused()
    {
        DeploymentSettings settings = DeploymentSettings.Loopback() with { AuditDatabase = new DatabaseSettings { Provider = "mysql" } };
        Assert.Throws<InvalidOperationException>(settings.Validate);
    }

    [Fact]
    public void A_missing_settings_file_says_to_run_init()
    {
        var error = Assert.Throws<InvalidOperationException>(() => DeploymentSettings.Load("/nonexistent/imguard.json"));
        Assert.Contains("imguard init", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_corrupt_settings_file_is_a_clear_error()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "{ not json");
            var error = Assert.Throws<InvalidOperationException>(() => DeploymentSettings.Load(path));
            Assert.Contains("could not be read", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(80)]
    [InlineData(65535)]
    public void Base_ports_outside_the_user_range_are_refused(int port) =>
        Assert.Throws<InvalidOperationException>(() => DeploymentSettings.Loopback(port));

    [Fact]
    public void Role_names_round_trip()
    {
        foreach (ServiceRole role in ServiceRoles.All)
        {
            Assert.True(ServiceRoles.TryParse(ServiceRoles.Name(role), out ServiceRole parsed));
            Assert.Equal(role, parsed);
        }
        Assert.False(ServiceRoles.TryParse("Platform", out _));
        Assert.Equal(ServiceRole.Party1, ServiceRoles.Party(1));
        Assert.Null(ServiceRoles.PartyId(ServiceRole.Audit));
    }
}
