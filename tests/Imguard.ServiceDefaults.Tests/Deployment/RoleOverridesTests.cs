using Imguard.ServiceDefaults.Deployment;

namespace Imguard.ServiceDefaults.Tests.Deployment;

/// <summary>Option beats environment variable beats imguard.json, for each per-host setting of a role.</summary>
public class RoleOverridesTests
{
    private static readonly DeploymentSettings File = DeploymentSettings.Loopback(31000);

    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.Where(v => v.Name == name).Select(v => v.Value).FirstOrDefault();

    [Theory]
    [InlineData("10.0.0.1:9000", "0.0.0.0:8000", "10.0.0.1:9000")] // option wins
    [InlineData(null, "0.0.0.0:8000", "0.0.0.0:8000")] // then the variable
    [InlineData("  ", "0.0.0.0:8000", "0.0.0.0:8000")] // a blank option is not given
    [InlineData(null, null, null)] // then the settings file (no override)
    [InlineData(null, "", null)]
    public void The_listen_address_comes_from_the_option_then_the_environment_then_the_file(string? option, string? variable, string? expected)
    {
        Func<string, string?> environment = variable is null ? Environment() : Environment((RoleOverrides.ListenVariable, variable));
        RoleOverrides overrides = RoleOverrides.Resolve(ServiceRole.Party1, option, null, environment);
        Assert.Equal(expected, overrides.Listen);

        DeploymentSettings applied = overrides.ApplyTo(File, ServiceRole.Party1);
        Assert.Equal(expected ?? "127.0.0.1:31002", $"{applied.Parties[1].Api.ListenAddress().Host}:{applied.Parties[1].Api.ListenAddress().Port}");
        Assert.Equal(File.Parties[1].Api.Url, applied.Parties[1].Api.Url); // what others dial is unchanged
        Assert.Equal(File.Parties[0], applied.Parties[0]); // and no other role moves
        Assert.Equal(File.Platform, applied.Platform);
    }

    [Fact]
    public void A_listen_url_is_accepted_as_https_only()
    {
        Assert.Equal("0.0.0.0:7401", RoleOverrides.NormalizeListen("https://0.0.0.0:7401"));
        Assert.Equal("[::]:7401", RoleOverrides.NormalizeListen("https://[::]:7401/"));
        Assert.Equal("localhost:7401", RoleOverrides.NormalizeListen(" localhost:7401 "));
        Assert.Throws<InvalidOperationException>(() => RoleOverrides.NormalizeListen("http://0.0.0.0:7401"));
        Assert.Throws<InvalidOperationException>(() => RoleOverrides.NormalizeListen("0.0.0.0"));
        Assert.Throws<InvalidOperationException>(() => RoleOverrides.NormalizeListen("0.0.0.0:99999"));
        Assert.Throws<InvalidOperationException>(() => RoleOverrides.Resolve(ServiceRole.Audit, "https://127.0.0.1:1/x", null, Environment()));
    }

    [Fact]
    public void The_platform_database_comes_from_the_option_then_the_environment_then_the_file()
    {
        Func<string, string?> environment = Environment((RoleOverrides.PlatformPostgresVariable, "Host=db-env;Database=imguard"));
        DeploymentSettings fromOption = RoleOverrides.Resolve(ServiceRole.Platform, null, "Host=db-option;Database=imguard", environment).ApplyTo(File, ServiceRole.Platform);
        DeploymentSettings fromVariable = RoleOverrides.Resolve(ServiceRole.Platform, null, null, environment).ApplyTo(File, ServiceRole.Platform);
        DeploymentSettings fromFile = RoleOverrides.Resolve(ServiceRole.Platform, null, null, Environment()).ApplyTo(File, ServiceRole.Platform);

        Assert.Equal((DatabaseSettings.PostgreSql, "Host=db-option;Database=imguard"), (fromOption.PlatformDatabase.Provider, fromOption.PlatformDatabase.ConnectionString));
        Assert.Equal("Host=db-env;Database=imguard", fromVariable.PlatformDatabase.ConnectionString);
        Assert.True(fromFile.PlatformDatabase.IsSqlite);
        Assert.True(fromOption.AuditDatabase.IsSqlite); // the platform's variable never moves the audit log
    }

    [Fact]
    public void Each_role_reads_only_its_own_database_variable()
    {
        Func<string, string?> environment = Environment(
            (RoleOverrides.PlatformPostgresVariable, "Host=platform-db"), (RoleOverrides.AuditPostgresVariable, "Host=audit-db"));
        Assert.Equal("Host=audit-db", RoleOverrides.Resolve(ServiceRole.Audit, null, null, environment).ApplyTo(File, ServiceRole.Audit).AuditDatabase.ConnectionString);
        Assert.Null(RoleOverrides.Resolve(ServiceRole.Party0, null, null, environment).PostgresConnectionString);
        Assert.Throws<InvalidOperationException>(() => RoleOverrides.Resolve(ServiceRole.Party0, null, "Host=x", environment));
    }

    [Theory]
    [InlineData("/srv/option", "/srv/env", "/srv/option")]
    [InlineData(null, "/srv/env", "/srv/env")]
    [InlineData(null, null, DataDirectory.DefaultPath)]
    public void The_data_directory_comes_from_the_option_then_the_environment_then_the_default(string? option, string? variable, string expected)
    {
        Func<string, string?> environment = variable is null ? Environment() : Environment((RoleOverrides.DataDirVariable, variable));
        Assert.Equal(expected, RoleOverrides.DataDirectory(option, environment));
    }

    [Fact]
    public void Per_role_urls_and_listen_addresses_go_into_the_settings_and_the_peer_link_into_both_parties()
    {
        DeploymentSettings settings = File
            .WithEndpoint(ServiceRole.Platform, new Uri("https://platform.example:443"), "0.0.0.0:8443")
            .WithEndpoint(ServiceRole.Party1, new Uri("https://party1.example:7402"), null)
            .WithPeer("party0.example:7404");
        settings.Validate();
        Assert.Equal(("0.0.0.0", 8443), settings.Platform.ListenAddress());
        Assert.Equal("platform.example", settings.Platform.Url.Host);
        Assert.Equal(("party1.example", 7402), settings.Parties[1].Api.ListenAddress());
        Assert.Equal(File.Parties[0].Api, settings.Parties[0].Api);
        Assert.All(settings.Parties, p => Assert.Equal("party0.example:7404", p.Peer));
        Assert.Equal(File.Audit, settings.Audit);
    }
}
