using System.CommandLine;
using System.Text.Json;
using Imguard.Audit.Api;
using Imguard.Audit.Server;
using Imguard.Audit.Signing;
using Imguard.Audit.Storage;
using Imguard.Audit.Verification;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Hosting;

namespace Imguard.Cli.Roles;

/// <summary><c>imguard audit</c> (the audit server) and <c>imguard audit verify</c> (check the log's integrity).</summary>
internal static class AuditCommand
{
    /// <summary>Exit code of <c>audit verify</c> when the log is not intact.</summary>
    public const int TamperedExitCode = 3;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create()
    {
        Option<string> dataDir = DataDirOption.Create();
        Option<string?> listen = RoleOptions.Listen();
        Option<string?> postgres = RoleOptions.Postgres(RoleOverrides.AuditPostgresVariable, "the audit log");
        Option<bool> repair = DataDirectoryGuard.RepairOption();
        var stdin = new Option<bool>("--stop-on-stdin-close") { Hidden = true };
        var command = new Command("audit", "Run the audit server (append-only, hash-chained, signed event log; mutual TLS).") { dataDir, listen, postgres, repair, stdin };
        command.SetAction(async (parse, ct) =>
        {
            var directory = new DataDirectory(parse.GetValue(dataDir)!);
            if (directory.IsInitialized && !DataDirectoryGuard.Admit(directory, parse.GetValue(repair), "audit"))
            {
                return DataDirectoryGuard.RefusedExitCode;
            }
            using ServiceContext service = ServiceContext.Load(parse.GetValue(dataDir)!, ServiceRole.Audit,
                RoleOptions.Resolve(ServiceRole.Audit, parse, listen, postgres));
            await using var app = await AuditServer.CreateAsync(service, [], ct);
            return await RoleRunner.RunAsync(app, "audit", parse.GetValue(stdin), ct);
        });
        command.Subcommands.Add(CreateVerify());
        return command;
    }

    private static Command CreateVerify()
    {
        Option<string> dataDir = DataDirOption.Create();
        var key = new Option<string?>("--key") { Description = "The audit server's public key (PEM); default: pki/audit-signing.pub in the data directory. Keep a copy off the audit host." };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        Option<string?> postgres = RoleOptions.Postgres(RoleOverrides.AuditPostgresVariable, "the audit log (read)");
        var command = new Command("verify",
            "Check the audit log's hash chain and signed checkpoints; names the first edited, deleted, reordered or forged record. " +
            $"Exit code 0 when intact, {TamperedExitCode} when not.")
        {
            dataDir, key, json, postgres,
        };
        command.SetAction(async (parse, ct) =>
        {
            var directory = new DataDirectory(parse.GetValue(dataDir)!);
            DeploymentSettings settings = RoleOverrides.Resolve(ServiceRole.Audit, null, parse.GetValue(postgres), Environment.GetEnvironmentVariable)
                .ApplyTo(DeploymentSettings.Load(directory.SettingsPath), ServiceRole.Audit);
            AuditDatabase database = AuditServer.OpenDatabase(directory, settings);
            using AuditVerificationKey publicKey = AuditServer.LoadVerificationKey(parse.GetValue(key) ?? directory.AuditVerificationKeyPath);
            AuditVerificationReport report = await AuditVerifier.VerifyAsync(database, publicKey, ct);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(AuditVerificationView.From(report), Json));
            }
            else
            {
                Console.WriteLine(report.IsValid ? "audit log intact" : "AUDIT LOG TAMPERED");
                Console.WriteLine(report.ToString());
            }
            return report.IsValid ? 0 : TamperedExitCode;
        });
        return command;
    }
}
