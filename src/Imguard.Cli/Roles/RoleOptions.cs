using System.CommandLine;
using Imguard.ServiceDefaults.Deployment;

namespace Imguard.Cli.Roles;

/// <summary>
/// The per-host options of the role commands (<c>platform</c>, <c>party</c>, <c>audit</c>): each beats its
/// <c>IMGUARD_…</c> environment variable, which beats <c>imguard.json</c> (see <see cref="RoleOverrides"/>).
/// </summary>
internal static class RoleOptions
{
    public static Option<string?> Listen() => new("--listen")
    {
        Description = $"Bind here instead of the settings' address: host:port or https://host:port (e.g. 0.0.0.0:7401 behind NAT); else ${RoleOverrides.ListenVariable}. " +
            "Clients still dial the URL in imguard.json, whose host name the certificate carries.",
    };

    public static Option<string?> Postgres(string variable, string what) => new("--postgres")
    {
        Description = $"Keep {what} in this PostgreSQL database (a connection string) instead of the settings' database; else ${variable}.",
    };

    /// <summary>The role's overrides from its parsed options and this process's environment.</summary>
    public static RoleOverrides Resolve(ServiceRole role, ParseResult parse, Option<string?> listen, Option<string?>? postgres = null) =>
        RoleOverrides.Resolve(role, parse.GetValue(listen), postgres is null ? null : parse.GetValue(postgres), Environment.GetEnvironmentVariable);
}
