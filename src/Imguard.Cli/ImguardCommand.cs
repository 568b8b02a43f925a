using System.CommandLine;
using Imguard.Cli.Bench;
using Imguard.Cli.Client;
using Imguard.Cli.Privacy;
using Imguard.Cli.Roles;

namespace Imguard.Cli;

/// <summary>The <c>imguard</c> root command: one executable, each role and client verb a sub-command.</summary>
internal static class ImguardCommand
{
    /// <summary><c>--verbose</c>, on every command: a failure prints its stack trace too (see <see cref="CommandErrors"/>).</summary>
    public static Option<bool> Verbose { get; } = new("--verbose")
    {
        Description = $"On an error, also print its details and stack trace (or set {CommandErrors.DebugVariable}=1).",
        Recursive = true,
    };

    public static RootCommand Create()
    {
        var root = new RootCommand("IMGuard: train and run image classifiers on secret-shared data with two-party computation.");
        root.Options.Add(Verbose);
        root.Subcommands.Add(InitCommand.Create());
        root.Subcommands.Add(BundleCommand.Create());
        root.Subcommands.Add(UpCommand.Create());
        root.Subcommands.Add(PlatformCommand.Create());
        root.Subcommands.Add(AuditCommand.Create());
        root.Subcommands.Add(PartyCommand.Create());
        root.Subcommands.Add(DealerCommand.Create());
        root.Subcommands.Add(LoginCommand.Create());
        root.Subcommands.Add(KeyCommand.Create());
        root.Subcommands.Add(ProjectCommand.Create());
        root.Subcommands.Add(DatasetCommand.Create());
        root.Subcommands.Add(JobCommands.CreateTrain());
        root.Subcommands.Add(JobCommands.CreateJob());
        root.Subcommands.Add(ModelCommand.Create());
        root.Subcommands.Add(InferCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(PrivacyReportCommand.Create());
        return root;
    }
}
