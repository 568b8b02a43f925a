using System.CommandLine;
using Imguard.Platform.Server;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Hosting;

namespace Imguard.Cli.Roles;

/// <summary><c>imguard platform</c>: the platform server (REST API over users, projects, dataset metadata and jobs).</summary>
internal static class PlatformCommand
{
    public static Command Create()
    {
        Option<string> dataDir = DataDirOption.Create();
        Option<string?> listen = RoleOptions.Listen();
        Option<string?> metricsListen = RoleOptions.MetricsListen();
        Option<string?> logFormat = RoleOptions.LogFormat();
        Option<string?> postgres = RoleOptions.Postgres(RoleOverrides.PlatformPostgresVariable, "the platform's state");
        Option<bool> repair = DataDirectoryGuard.RepairOption();
        var stdin = new Option<bool>("--stop-on-stdin-close") { Hidden = true };
        var command = new Command("platform", "Run the platform server (users, projects, dataset metadata, jobs; HTTPS, client certificates for the parties).")
        {
            dataDir, listen, metricsListen, logFormat, postgres, repair, stdin,
        };
        command.SetAction(async (parse, ct) =>
        {
            var directory = new DataDirectory(parse.GetValue(dataDir)!);
            if (directory.IsInitialized && !DataDirectoryGuard.Admit(directory, parse.GetValue(repair), "platform"))
            {
                return DataDirectoryGuard.RefusedExitCode;
            }
            using ServiceContext service = ServiceContext.Load(parse.GetValue(dataDir)!, ServiceRole.Platform,
                RoleOptions.Resolve(ServiceRole.Platform, parse, listen, metricsListen, logFormat, postgres));
            await using var app = await PlatformServer.CreateAsync(service, [], cancellationToken: ct);
            return await RoleRunner.RunAsync(app, "platform", parse.GetValue(stdin), ct);
        });
        return command;
    }
}
