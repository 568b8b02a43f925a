using System.CommandLine;
using Imguard.Party.Server;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Hosting;

namespace Imguard.Cli.Roles;

/// <summary><c>imguard party --id 0|1</c>: one compute server.</summary>
internal static class PartyCommand
{
    public static Command Create()
    {
        Option<string> dataDir = DataDirOption.Create();
        var id = new Option<int>("--id") { Description = "Which party this server is: 0 or 1.", Required = true };
        id.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is not (0 or 1))
            {
                result.AddError("--id is 0 or 1.");
            }
        });
        Option<string?> listen = RoleOptions.Listen();
        Option<string?> metricsListen = RoleOptions.MetricsListen();
        Option<string?> logFormat = RoleOptions.LogFormat();
        Option<bool> repair = DataDirectoryGuard.RepairOption();
        var stdin = new Option<bool>("--stop-on-stdin-close") { Hidden = true };
        var command = new Command("party", "Run a compute party: stores its half of each dataset and model, runs the two-party computation with the other party.")
        {
            dataDir, id, listen, metricsListen, logFormat, repair, stdin,
        };
        command.SetAction(async (parse, ct) =>
        {
            ServiceRole role = ServiceRoles.Party(parse.GetValue(id));
            var directory = new DataDirectory(parse.GetValue(dataDir)!);
            if (directory.IsInitialized && !DataDirectoryGuard.Admit(directory, parse.GetValue(repair), $"party --id {parse.GetValue(id)}"))
            {
                return DataDirectoryGuard.RefusedExitCode;
            }
            using ServiceContext service = ServiceContext.Load(parse.GetValue(dataDir)!, role, RoleOptions.Resolve(role, parse, listen, metricsListen, logFormat));
            await using var app = PartyServer.Create(service);
            return await RoleRunner.RunAsync(app, ServiceRoles.Name(role), parse.GetValue(stdin), ct);
        });
        return command;
    }
}
