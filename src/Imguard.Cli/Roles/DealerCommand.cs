using System.CommandLine;
using Imguard.Dealer.Server;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Hosting;

namespace Imguard.Cli.Roles;

/// <summary>
/// <c>imguard dealer</c>: the dealer (correlated randomness for the parties) as its own service, for a deployment whose
/// settings give it its own address (<c>imguard init --dealer separate</c> or <c>--dealer-url</c>); by default the
/// platform hosts it and this command is not needed.
/// </summary>
internal static class DealerCommand
{
    public static Command Create()
    {
        Option<string> dataDir = DataDirOption.Create();
        Option<string?> listen = RoleOptions.Listen();
        Option<string?> metricsListen = RoleOptions.MetricsListen();
        Option<string?> logFormat = RoleOptions.LogFormat();
        Option<bool> repair = DataDirectoryGuard.RepairOption();
        var stdin = new Option<bool>("--stop-on-stdin-close") { Hidden = true };
        var command = new Command("dealer",
            "Run the dealer on its own (its own certificate; the parties' randomness, jobs learned from the platform over mutual TLS), " +
            "for a deployment made with --dealer separate. Otherwise the platform hosts it.")
        {
            dataDir, listen, metricsListen, logFormat, repair, stdin,
        };
        command.SetAction(async (parse, ct) =>
        {
            var directory = new DataDirectory(parse.GetValue(dataDir)!);
            if (directory.IsInitialized && !DataDirectoryGuard.Admit(directory, parse.GetValue(repair), "dealer"))
            {
                return DataDirectoryGuard.RefusedExitCode;
            }
            if (directory.IsInitialized && !DeploymentSettings.Load(directory.SettingsPath).DealerIsSeparate)
            {
                throw new InvalidOperationException("This deployment's dealer runs inside the platform (imguard platform); " +
                    "`imguard dealer` runs one made with `imguard init --dealer separate` or `--dealer-url`.");
            }
            using ServiceContext service = ServiceContext.Load(parse.GetValue(dataDir)!, ServiceRole.Dealer, RoleOptions.Resolve(ServiceRole.Dealer, parse, listen, metricsListen, logFormat));
            await using var app = DealerServer.Create(service, []);
            return await RoleRunner.RunAsync(app, "dealer", parse.GetValue(stdin), ct);
        });
        return command;
    }
}
