using System.CommandLine;
using Imguard.ServiceDefaults.Deployment;

namespace Imguard.Cli.Roles;

/// <summary>The <c>--data-dir</c> option every role and operator command takes (else <c>IMGUARD_DATA_DIR</c>, else <c>./.imguard</c>).</summary>
internal static class DataDirOption
{
    public static Option<string> Create() => new("--data-dir")
    {
        Description = $"The deployment's data directory (settings, certificates, each role's state); else ${RoleOverrides.DataDirVariable}, else {DataDirectory.DefaultPath}.",
        DefaultValueFactory = _ => RoleOverrides.DataDirectory(null, Environment.GetEnvironmentVariable),
    };
}
