using Imguard.Audit.Events;
using Imguard.Audit.Ledger;
using Imguard.Audit.Signing;
using Imguard.Audit.Storage;
using Imguard.Audit.Verification;
using Npgsql;

namespace Imguard.Audit.Tests.Storage;

/// <summary>The same log on a real PostgreSQL server, each test in a database of its own.</summary>
public sealed class PostgresTests : IAsyncLifetime
{
    private readonly string _name = $"imguard_audit_test_{Guid.NewGuid():N}";
    private string? _connectionString;

    public async Task InitializeAsync()
    {
        if (PostgresFactAttribute.ConnectionString is not { Length: > 0 } admin)
        {
            return;
        }

        await ExecuteAsync(admin, $"CREATE DATABASE \"{_name}\"");
        _connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = _name }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        if (_connectionString is null)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync(PostgresFactAttribute.ConnectionString!, $"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)");
    }

    private AuditDatabase Database() => new(new AuditDatabaseOptions { ConnectionString = _connectionString! });

    private static async Task<object?> ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    [PostgresFact]
    public async Task The_schema_comes_from_the_PostgreSQL_migrations()
    {
        var database = Database();
        Assert.Equal(AuditDatabaseProvider.PostgreSql, database.Provider);
        Assert.Empty(await database.GetAppliedMigrationsAsync());
        await database.MigrateAsync();
        Assert.Equal(database.GetDefinedMigrations(), await database.GetAppliedMigrationsAsync());
        Assert.Equal("bytea", await ExecuteAsync(_connectionString!,
            "SELECT data_type FROM information_schema.columns WHERE table_name = 'audit_records' AND column_name = 'record_hash'"));
    }

    [PostgresFact]
    public async Task Appends_queries_verification_and_tamper_detection_work_on_PostgreSQL()
    {
        var database = Database();
        await database.MigrateAsync();
        using var key = AuditSigningKey.Generate();
        using var first = new AuditLog(database, key, new AuditLogOptions { CheckpointInterval = 10 });
        using var second = new AuditLog(Database(), key, new AuditLogOptions { CheckpointInterval = 10 });

        // Two writers on one database serialise through the advisory lock.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(async () =>
        {
            AuditLog log = t % 2 == 0 ? first : second;
            for (int i = 0; i < 10; i++)
            {
                await log.AppendAsync(SampleEvents.Event(t * 10 + i));
            }
        })));

        var report = await first.VerifyAsync();
        Assert.True(report.IsValid, report.ToString());
        Assert.Equal(40, report.RecordCount);
        Assert.Equal(40, report.LastCheckpointSequence);
        Assert.Equal(13, (await first.QueryAsync(new AuditQuery { Subject = "project:1" })).Records.Count); // i % 3 == 1 for i < 40
        Assert.Equal(5, (await first.QueryAsync(new AuditQuery { Limit = 5 })).Records.Count);

        await ExecuteAsync(_connectionString!, "UPDATE audit_records SET actor = 'user:mallory' WHERE sequence = 7");
        report = await AuditVerifier.VerifyAsync(database, key.PublicKey);
        Assert.Equal(new AuditBreak(7, AuditBreakKind.RecordAltered, report.FirstBreak!.Description), report.FirstBreak);

        await ExecuteAsync(_connectionString!, "DELETE FROM audit_records WHERE sequence > 35");
        report = await AuditVerifier.VerifyAsync(database, key.PublicKey);
        Assert.Contains(report.Breaks, b => b.Sequence == 36 && b.Kind == AuditBreakKind.TruncatedTail);
    }

    [PostgresFact]
    public async Task Deleted_checkpoints_and_trusted_anchors_are_reported_on_PostgreSQL()
    {
        var database = Database();
        await database.MigrateAsync();
        using var key = AuditSigningKey.Generate();
        using var log = new AuditLog(database, key, new AuditLogOptions { CheckpointInterval = 10 });
        for (int i = 0; i < 25; i++)
        {
            await log.AppendAsync(SampleEvents.Event(i));
        }

        Assert.Equal(25, (await log.CheckpointAsync())!.Sequence);
        var anchor = new AuditAnchor(25, (await log.GetAsync(25))!.RecordHash);
        var options = new AuditVerificationOptions { Policy = new AuditCheckpointPolicy(10, TimeSpan.FromMinutes(1)), Anchors = [anchor] };
        Assert.True((await AuditVerifier.VerifyAsync(database, key.PublicKey, options)).IsValid);

        await ExecuteAsync(_connectionString!, "DELETE FROM audit_checkpoints WHERE sequence = 10");
        var report = await AuditVerifier.VerifyAsync(database, key.PublicKey, options);
        Assert.Equal(new AuditBreak(10, AuditBreakKind.MissingCheckpoint, report.FirstBreak!.Description), report.FirstBreak);

        // Cut back to a checkpoint with every checkpoint after it: consistent in itself, shown by the anchor.
        await ExecuteAsync(_connectionString!, "DELETE FROM audit_records WHERE sequence > 20; DELETE FROM audit_checkpoints WHERE sequence > 20");
        report = await AuditVerifier.VerifyAsync(database, key.PublicKey, options);
        Assert.Contains(report.Breaks, b => b.Sequence == 21 && b.Kind == AuditBreakKind.TruncatedTail);
        Assert.Contains(report.Breaks, b => b.Sequence == 10 && b.Kind == AuditBreakKind.MissingCheckpoint);
    }
}
