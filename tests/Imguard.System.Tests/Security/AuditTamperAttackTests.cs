using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Imguard.Testing;
using Microsoft.Data.Sqlite;

namespace Imguard.SystemTests.Security;

/// <summary>
/// The attack of issue 14, item 2, replayed against a real deployment: someone with write access to the audit
/// database (not the signing key) rewrites records, re-hashes the chain so every link holds, and deletes the signed
/// checkpoints that would show it — or cuts the log back to one of its checkpoints. <c>imguard up</c> runs with a
/// checkpoint every 3 records, the admin makes a few events and exports the platform's copies of the checkpoints
/// (<c>imguard audit checkpoints</c>), the deployment stops, and <c>audit.db</c> is tampered with by raw SQL, each
/// attack on a fresh copy of the stopped log. <c>imguard audit verify</c> must report each, and with the platform's
/// copies as anchors also what the log alone (and the audit server's own record of its last checkpoint, outside the
/// database) cannot show.
/// </summary>
public sealed class AuditTamperAttackTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Deleted_checkpoints_are_reported_and_the_platforms_copies_show_a_rewrite_or_a_cut()
    {
        string root = Path.Combine(Path.GetTempPath(), "imguard-audit-attack-" + Guid.NewGuid().ToString("N"));
        string profile = Path.Combine(root, "admin-profile.json");
        string anchors = Path.Combine(root, "anchors.txt");
        string database = Path.Combine(root, "audit", "audit.db");
        string clean = Path.Combine(root, "audit-clean.db");
        try
        {
            (int init, string initOutput) = await ImguardProcess.RunAsync(Bound, "init", "--data-dir", root, "--base-port", TestDeployment.FreeBasePort().ToString());
            Assert.True(init == 0, initOutput);
            JsonNode settings = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(root, "imguard.json")))!;
            settings["auditCheckpointInterval"] = 3;
            await File.WriteAllTextAsync(Path.Combine(root, "imguard.json"), settings.ToJsonString());

            await using (ImguardProcess up = ImguardProcess.Start("up", "--data-dir", root))
            {
                await up.WaitForLineAsync("IMGuard is up", Bound);
                string password = initOutput.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("admin password: ", StringComparison.Ordinal))["admin password: ".Length..];
                (int login, string loginOutput) = await ImguardProcess.RunWithInputAsync(Bound, password + "\n",
                    "login", "--profile", profile, "--data-dir", root, "--user", "admin", "--password-stdin");
                Assert.True(login == 0, loginOutput);
                for (int i = 0; i < 2; i++)
                {
                    (int created, string createdOutput) = await ImguardProcess.RunAsync(Bound, "project", "create", "--profile", profile, "--name", $"attacked-{i}");
                    Assert.True(created == 0, createdOutput);
                }

                // The platform copies checkpoints as it is asked for them; wait (bounded) until it holds two.
                string[] lines = [];
                for (int attempt = 0; attempt < 60 && lines.Length < 2; attempt++)
                {
                    (int exported, string exportOutput) = await ImguardProcess.RunAsync(Bound, "audit", "checkpoints", "--profile", profile, "--out", anchors);
                    Assert.True(exported == 0, exportOutput);
                    lines = [.. File.ReadAllLines(anchors).Where(l => l.Length > 0 && !l.StartsWith('#'))];
                    if (lines.Length < 2)
                    {
                        await Task.Delay(500);
                    }
                }

                Assert.True(lines.Length >= 2, $"the platform holds {lines.Length} checkpoint copies");
                up.Interrupt();
                // 0, or 130 when System.CommandLine's two-second grace after Ctrl-C ran out on a loaded machine: then
                // the roles stop on their own (their standard input closes). Either way, wait until all are gone, so
                // the audit server has signed its shutdown checkpoint before the database is touched.
                Assert.Contains(await up.WaitForExitAsync(Bound), new[] { 0, 130 });
                await WaitUntilNoProcessUsesAsync(root);
            }

            (int intact, string intactOutput) = await VerifyAsync(root, "--server-stopped", "--expect-checkpoints", anchors);
            Assert.True(intact == 0, intactOutput);
            Assert.Contains("audit log intact", intactOutput, StringComparison.Ordinal);
            await CopyAsync(database, clean);
            // The first checkpoint: at record 3 by the interval, unless the audit server's minute timer signed one earlier.
            long first = long.Parse(File.ReadAllLines(anchors).First(l => l.Length > 0 && !l.StartsWith('#')).Split(':')[0], System.Globalization.CultureInfo.InvariantCulture);

            // 1. Rewrite record 2 and re-hash every record after it, then delete every checkpoint.
            await RewriteFromAsync(database, 2);
            await ExecuteAsync(database, "DELETE FROM audit_checkpoints");
            (int code, string output) = await VerifyAsync(root);
            Assert.True(code == 3, output);
            Assert.Contains("record 3: MissingCheckpoint", output, StringComparison.Ordinal); // due every 3 records (imguard.json)
            (code, output) = await VerifyAsync(root, "--expect-checkpoints", anchors);
            Assert.True(code == 3, output);
            Assert.Contains("AnchorMismatch", output, StringComparison.Ordinal);

            // 2. Delete one checkpoint from the middle of an untouched log: the next one names it.
            await CopyAsync(clean, database);
            await ExecuteAsync(database, $"DELETE FROM audit_checkpoints WHERE sequence = {first}");
            (code, output) = await VerifyAsync(root);
            Assert.True(code == 3, output);
            Assert.Contains($"record {first}: MissingCheckpoint", output, StringComparison.Ordinal);

            // 3. Delete the last checkpoint (the one signed at shutdown): the stopped server's records are uncovered.
            await CopyAsync(clean, database);
            await ExecuteAsync(database, "DELETE FROM audit_checkpoints WHERE sequence = (SELECT MAX(sequence) FROM audit_checkpoints)");
            (code, output) = await VerifyAsync(root, "--server-stopped");
            Assert.True(code == 3, output);
            Assert.Contains("MissingCheckpoint", output, StringComparison.Ordinal);

            // 4. Cut the log back to its first checkpoint, with every checkpoint after it. The audit server's own
            //    record of its last checkpoint, outside the database, shows it; someone who can also delete that file
            //    leaves a log consistent in itself (the limit of any log without an outside anchor), and the
            //    platform's copies show it.
            await CopyAsync(clean, database);
            await ExecuteAsync(database, $"DELETE FROM audit_record_subjects WHERE record_sequence > {first}; DELETE FROM audit_records WHERE sequence > {first}; DELETE FROM audit_checkpoints WHERE sequence > {first}");
            (code, output) = await VerifyAsync(root, "--server-stopped");
            Assert.True(code == 3, output);
            Assert.Contains($"record {first + 1}: TruncatedTail", output, StringComparison.Ordinal);
            File.Delete(Path.Combine(root, "audit", "last-checkpoint.json"));
            (code, output) = await VerifyAsync(root, "--server-stopped");
            Assert.True(code == 0, output);
            (code, output) = await VerifyAsync(root, "--expect-checkpoints", anchors);
            Assert.True(code == 3, output);
            Assert.Contains($"record {first + 1}: TruncatedTail", output, StringComparison.Ordinal);

            // A trusted checkpoint given by hand works the same; a malformed one is refused with a clear line.
            (code, output) = await VerifyAsync(root, "--expect-checkpoint", File.ReadAllLines(anchors).Last(l => l.Length > 0 && !l.StartsWith('#')));
            Assert.True(code == 3, output);
            (code, output) = await VerifyAsync(root, "--expect-checkpoint", $"{first}:not-a-hash");
            Assert.True(code == 2, output);
            Assert.Contains("64 hexadecimal digits", output, StringComparison.Ordinal);
            Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Waits (bounded) until no process has <paramref name="root"/> on its command line (Linux: /proc).</summary>
    private static async Task WaitUntilNoProcessUsesAsync(string root)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < Bound)
        {
            bool running = Directory.EnumerateDirectories("/proc").Any(d =>
            {
                try
                {
                    return int.TryParse(Path.GetFileName(d), out _) && File.ReadAllText(Path.Combine(d, "cmdline")).Contains(root, StringComparison.Ordinal);
                }
                catch (IOException)
                {
                    return false; // gone meanwhile
                }
                catch (UnauthorizedAccessException)
                {
                    return false;
                }
            });
            if (!running)
            {
                return;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"the roles of {root} did not stop within {Bound.TotalSeconds:0} s");
    }

    private static Task<(int ExitCode, string Output)> VerifyAsync(string root, params string[] options) =>
        ImguardProcess.RunAsync(Bound, ["audit", "verify", "--data-dir", root, .. options]);

    private static SqliteConnection Open(string path) => new($"Data Source={path};Pooling=false");

    private static async Task ExecuteAsync(string path, string sql)
    {
        await using SqliteConnection connection = Open(path);
        await connection.OpenAsync();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A consistent copy of a SQLite database (its write-ahead log included) over <paramref name="to"/>.</summary>
    private static async Task CopyAsync(string from, string to)
    {
        foreach (string suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(to + suffix);
        }

        await using SqliteConnection source = Open(from);
        await using SqliteConnection target = Open(to);
        await source.OpenAsync();
        await target.OpenAsync();
        source.BackupDatabase(target);
    }

    /// <summary>
    /// As an attacker who read docs/ARCHITECTURE.md: edits record <paramref name="from"/>'s actor and recomputes
    /// every record hash from there (SHA-256 over the framed fields, each record linking to the one before).
    /// </summary>
    private static async Task RewriteFromAsync(string path, long from)
    {
        await using SqliteConnection connection = Open(path);
        await connection.OpenAsync();
        var rows = new List<(long Sequence, long Timestamp, string Type, string Actor, string Properties, byte[] Previous)>();
        using (SqliteCommand read = connection.CreateCommand())
        {
            read.CommandText = "SELECT sequence, timestamp_us, event_type, actor, properties_json, previous_hash FROM audit_records ORDER BY sequence";
            await using SqliteDataReader reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), (byte[])reader[5]));
            }
        }

        byte[] previous = rows.Single(r => r.Sequence == from).Previous;
        foreach (var row in rows.Where(r => r.Sequence >= from))
        {
            var subjects = new List<string>();
            using (SqliteCommand read = connection.CreateCommand())
            {
                read.CommandText = $"SELECT subject_id FROM audit_record_subjects WHERE record_sequence = {row.Sequence} ORDER BY position";
                await using SqliteDataReader reader = await read.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    subjects.Add(reader.GetString(0));
                }
            }

            string actor = row.Sequence == from ? "user:mallory" : row.Actor;
            byte[] hash = RecordHash(row.Sequence, row.Timestamp, row.Type, actor, subjects, row.Properties, previous);
            using SqliteCommand update = connection.CreateCommand();
            update.CommandText = "UPDATE audit_records SET actor = $a, previous_hash = $p, record_hash = $h WHERE sequence = $s";
            update.Parameters.AddWithValue("$a", actor);
            update.Parameters.AddWithValue("$p", previous);
            update.Parameters.AddWithValue("$h", hash);
            update.Parameters.AddWithValue("$s", row.Sequence);
            await update.ExecuteNonQueryAsync();
            previous = hash;
        }
    }

    private static byte[] RecordHash(long sequence, long timestamp, string type, string actor, List<string> subjects, string properties, byte[] previous)
    {
        var bytes = new List<byte>();
        void Int64(long v)
        {
            byte[] b = new byte[8];
            BinaryPrimitives.WriteInt64BigEndian(b, v);
            bytes.AddRange(b);
        }

        void Framed(byte[] v)
        {
            byte[] b = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(b, (uint)v.Length);
            bytes.AddRange(b);
            bytes.AddRange(v);
        }

        void Text(string v) => Framed(Encoding.UTF8.GetBytes(v));
        Text("imguard.audit.record.v1");
        Int64(sequence);
        Int64(timestamp);
        Text(type);
        Text(actor);
        byte[] count = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(count, (uint)subjects.Count);
        bytes.AddRange(count);
        subjects.ForEach(Text);
        Text(properties);
        Framed(previous);
        return SHA256.HashData([.. bytes]);
    }
}
