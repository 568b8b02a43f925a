using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Imguard.Contracts.Audit;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Pki;
using Imguard.ServiceDefaults.Tls;
using Imguard.Testing;
using Microsoft.Data.Sqlite;

namespace Imguard.SystemTests;

/// <summary>
/// The audit server as a process, then <c>imguard audit verify</c> on its database after an operator with database
/// access edits, deletes or reorders a row.
/// </summary>
public class AuditVerifyTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    private static async Task<string> DeploymentWithEventsAsync(int events)
    {
        string root = Path.Combine(Path.GetTempPath(), "imguard-audit-" + Guid.NewGuid().ToString("N"));
        (int init, string initOutput) = await ImguardProcess.RunAsync(Bound, "init", "--data-dir", root, "--base-port", TestDeployment.FreeBasePort().ToString());
        Assert.True(init == 0, initOutput);
        var directory = new DataDirectory(root);
        DeploymentSettings settings = DeploymentSettings.Load(directory.SettingsPath);
        await using ImguardProcess audit = ImguardProcess.Start("audit", "--data-dir", root, "--stop-on-stdin-close");
        await audit.WaitForLineAsync("audit ready", Bound);
        using ServiceIdentity platform = ServiceIdentity.Load(directory, ServiceRole.Platform);
        using var http = new HttpClient(MutualTls.CreateServiceHandler(platform, ServiceRole.Audit)) { BaseAddress = settings.Audit.Url };
        var batch = new AuditEventBatch
        {
            Events = [.. Enumerable.Range(1, events).Select(i => new AuditEventMessage { EventType = "user.login", Actor = $"user:u{i}" })],
        };
        (await http.PostAsJsonAsync("api/audit/events", batch)).EnsureSuccessStatusCode();
        audit.CloseInput(); // stops cleanly, signing a checkpoint
        Assert.Equal(0, await audit.WaitForExitAsync(Bound));
        return root;
    }

    private static async Task ExecuteAsync(string root, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(root, "audit", "audit.db")};Pooling=false");
        await connection.OpenAsync();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    [Theory]
    [InlineData("edit", "UPDATE audit_records SET actor = 'user:mallory' WHERE sequence = 3")]
    [InlineData("delete", "DELETE FROM audit_record_subjects WHERE record_sequence = 3; DELETE FROM audit_records WHERE sequence = 3")]
    [InlineData("reorder", "UPDATE audit_records SET sequence = -3 WHERE sequence = 3; UPDATE audit_records SET sequence = 3 WHERE sequence = 4; UPDATE audit_records SET sequence = 4 WHERE sequence = -3")]
    public async Task Verify_passes_an_intact_log_and_names_the_first_tampered_record(string tampering, string sql)
    {
        string root = await DeploymentWithEventsAsync(6);
        try
        {
            (int intact, string intactOutput) = await ImguardProcess.RunAsync(Bound, "audit", "verify", "--data-dir", root);
            Assert.True(intact == 0, intactOutput);
            // The verdict once, with what it rests on (it was printed twice).
            Assert.Single(Regex.Matches(intactOutput, "audit log intact"));
            Assert.Matches(@"audit log intact: \d+ records?, \d+ checkpoints?,", intactOutput);
            Assert.DoesNotMatch(@"\b1 (records|checkpoints)\b", intactOutput);

            await ExecuteAsync(root, sql);
            (int code, string output) = await ImguardProcess.RunAsync(Bound, "audit", "verify", "--data-dir", root);
            Assert.True(code == 3, $"{tampering}: exit {code}\n{output}");
            Assert.Single(Regex.Matches(output, "TAMPERED"));
            Assert.Contains("record 3", output, StringComparison.Ordinal);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(root, recursive: true);
        }
    }
}
