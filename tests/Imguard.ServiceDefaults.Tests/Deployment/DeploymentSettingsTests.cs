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
