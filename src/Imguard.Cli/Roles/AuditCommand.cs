using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Imguard.Audit.Api;
using Imguard.Audit.Ledger;
using Imguard.Audit.Server;
using Imguard.Audit.Signing;
using Imguard.Audit.Storage;
using Imguard.Audit.Verification;
using Imguard.Cli.Client;
using Imguard.Client.Platform;
using Imguard.Contracts.Audit;
using Imguard.Contracts.Files;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Hosting;

namespace Imguard.Cli.Roles;

/// <summary>
/// <c>imguard audit</c> (the audit server), <c>imguard audit verify</c> (check the log's integrity, optionally against
/// trusted checkpoint copies) and <c>imguard audit checkpoints</c> (export the platform's copies as such anchors).
/// </summary>
internal static class AuditCommand
{
    /// <summary>Exit code of <c>audit verify</c> when the log is not intact.</summary>
    public const int TamperedExitCode = 3;

    /// <summary>Exit code of <c>audit verify</c> when an anchor given to it cannot be read.</summary>
    public const int BadAnchorExitCode = 2;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create()
    {
        Option<string> dataDir = DataDirOption.Create();
        Option<string?> listen = RoleOptions.Listen();
        Option<string?> metricsListen = RoleOptions.MetricsListen();
        Option<string?> logFormat = RoleOptions.LogFormat();
        Option<string?> postgres = RoleOptions.Postgres(RoleOverrides.AuditPostgresVariable, "the audit log");
        Option<bool> repair = DataDirectoryGuard.RepairOption();
        var stdin = new Option<bool>("--stop-on-stdin-close") { Hidden = true };
        var command = new Command("audit", "Run the audit server (append-only, hash-chained, signed event log; mutual TLS).") { dataDir, listen, metricsListen, logFormat, postgres, repair, stdin };
        command.SetAction(async (parse, ct) =>
        {
            var directory = new DataDirectory(parse.GetValue(dataDir)!);
            if (directory.IsInitialized && !DataDirectoryGuard.Admit(directory, parse.GetValue(repair), "audit"))
            {
                return DataDirectoryGuard.RefusedExitCode;
            }
            using ServiceContext service = ServiceContext.Load(parse.GetValue(dataDir)!, ServiceRole.Audit,
                RoleOptions.Resolve(ServiceRole.Audit, parse, listen, metricsListen, logFormat, postgres));
            await using var app = await AuditServer.CreateAsync(service, [], ct);
            return await RoleRunner.RunAsync(app, "audit", parse.GetValue(stdin), ct);
        });
        command.Subcommands.Add(CreateVerify());
        command.Subcommands.Add(CreateCheckpoints());
        return command;
    }

    private static Command CreateVerify()
    {
        Option<string> dataDir = DataDirOption.Create();
        var key = new Option<string?>("--key") { Description = "The audit server's public key (PEM); default: pki/audit-signing.pub in the data directory. Keep a copy off the audit host." };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        Option<string?> postgres = RoleOptions.Postgres(RoleOverrides.AuditPostgresVariable, "the audit log (read)");
        var expect = new Option<string[]>("--expect-checkpoint")
        {
            Description = "A trusted checkpoint held outside the audit host, SEQ:HASH (record number and chain hash in hex); repeatable. " +
                "The log must reach record SEQ, hash to HASH there, and still hold a signed checkpoint there.",
        };
        var expectFile = new Option<string?>("--expect-checkpoints")
        {
            Description = "A file of trusted checkpoints: SEQ:HASH lines (as `imguard audit checkpoints` writes them) or the platform's JSON (GET /api/audit/checkpoints).",
        };
        var stopped = new Option<bool>("--server-stopped")
        {
            Description = "The audit server is stopped (it signs a checkpoint at shutdown): report any record no checkpoint covers. " +
                "Without it, records younger than the checkpoint period (plus a minute) may be uncovered.",
        };
        var command = new Command("verify",
            "Check the audit log's hash chain, its chain of signed checkpoints and their signing policy; names the first edited, deleted, reordered " +
            $"or forged record and any deleted checkpoint. Exit code 0 when intact, {TamperedExitCode} when not, {BadAnchorExitCode} when an anchor cannot be read.")
        {
            dataDir, key, json, postgres, expect, expectFile, stopped,
        };
        command.SetAction(async (parse, ct) =>
        {
            var directory = new DataDirectory(parse.GetValue(dataDir)!);
            DeploymentSettings settings = RoleOverrides.Resolve(ServiceRole.Audit, null, parse.GetValue(postgres), Environment.GetEnvironmentVariable)
                .ApplyTo(DeploymentSettings.Load(directory.SettingsPath), ServiceRole.Audit);
            var anchors = new List<AuditAnchor>();
            try
            {
                foreach (string text in parse.GetValue(expect) ?? [])
                {
                    anchors.Add(AuditAnchor.Parse(text));
                }

                if (parse.GetValue(expectFile) is { } file)
                {
                    anchors.AddRange(AuditAnchor.ParseList(await File.ReadAllTextAsync(file, ct)));
                }
            }
            catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"imguard audit verify: cannot use the trusted checkpoints: {e.Message}");
                return BadAnchorExitCode;
            }

            AuditDatabase database = AuditServer.OpenDatabase(directory, settings);
            using AuditVerificationKey publicKey = AuditServer.LoadVerificationKey(parse.GetValue(key) ?? directory.AuditVerificationKeyPath);

            // The audit server's own record of its last checkpoint, outside the database: an anchor against whoever
            // can write only the database.
            AuditAnchor? local = AuditServer.LastCheckpointAnchor(directory, publicKey);
            if (local is not null)
            {
                anchors.Add(local);
            }
            AuditVerificationReport report = await AuditVerifier.VerifyAsync(database, publicKey, new AuditVerificationOptions
            {
                // The configured interval for a log whose checkpoints state none (or were all deleted); a
                // checkpoint's own signed policy wins for the records after it.
                Policy = AuditCheckpointPolicy.Default with { Interval = settings.AuditCheckpointInterval },
                ServerStopped = parse.GetValue(stopped),
                Anchors = anchors,
            }, ct);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(AuditVerificationView.From(report), Json));
            }
            else
            {
                if (local is not null)
                {
                    Console.WriteLine($"(the audit server's last checkpoint, record {local.Sequence}, kept outside its database, is one of the trusted checkpoints)");
                }

                Console.WriteLine(report.ToString());
            }
            return report.IsValid ? 0 : TamperedExitCode;
        });
        return command;
    }

    // A client verb (the admin's login profile): the platform's copies of the signed checkpoints, as SEQ:HASH lines
    // for `audit verify --expect-checkpoints`. Kept off the audit host, they show a log cut back or rewritten together
    // with its checkpoints.
    private static Command CreateCheckpoints()
    {
        Option<string?> profile = ProfileOptions.Create();
        var output = new Option<string?>("--out") { Description = "Write the anchors to this file (default: standard output)." };
        var command = new Command("checkpoints",
            "Export the platform's copies of the audit server's signed checkpoints (administrators) as SEQ:HASH lines for `imguard audit verify --expect-checkpoints`.")
        {
            profile, output,
        };
        command.SetAction(async (parse, ct) =>
        {
            using PlatformApi api = ProfileOptions.Connect(parse, profile);
            var text = new StringBuilder();
            text.Append(CultureInfo.InvariantCulture, $"# IMGuard audit checkpoints copied by the platform ({api.BaseAddress}), exported {DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ssZ}\n");
            text.Append("# SEQ:CHAIN_HASH — use with: imguard audit verify --expect-checkpoints FILE\n");
            long after = 0;
            int count = 0;
            while (true)
            {
                AuditCheckpointPage page = await api.ListAuditCheckpointsAsync(after, 1000, ct);
                foreach (AuditCheckpointMessage checkpoint in page.Checkpoints)
                {
                    text.Append(CultureInfo.InvariantCulture, $"{checkpoint.Sequence}:{checkpoint.ChainHash}\n");
                    count++;
                }

                if (page.NextCursor is not { } next)
                {
                    break;
                }

                after = next;
            }

            if (parse.GetValue(output) is { } path)
            {
                // Owner-only like everything else IMGuard writes: an anchor file is worth keeping where no one can edit it.
                OwnerOnly.WriteAllText(path, text.ToString());
                Console.WriteLine($"{count} checkpoints written to {path}");
            }
            else
            {
                Console.Write(text.ToString());
            }

            return 0;
        });
        return command;
    }
}
