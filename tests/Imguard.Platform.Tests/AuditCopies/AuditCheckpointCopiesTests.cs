using System.Net;
using System.Net.Http.Json;
using Imguard.Audit.Ledger;
using Imguard.Audit.Signing;
using Imguard.Audit.Storage;
using Imguard.Contracts.Audit;
using Imguard.Platform.AuditCopies;
using Imguard.Platform.Data;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Imguard.Platform.Tests.AuditCopies;

/// <summary>
/// The platform's copies of signed audit checkpoints, in its own database on each provider: checkpoints signed by a
/// real audit log (in a SQLite file) and served through an in-memory stand-in for the audit server's
/// <c>GET /api/audit/checkpoints</c>, which a test can make lie (forged, foreign-key, rolled back).
/// </summary>
public abstract class AuditCheckpointCopiesTests(PlatformDatabaseProvider provider) : PlatformTestBase(provider), IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("imguard-copies-").FullName;
    private readonly AuditSigningKey _key = AuditSigningKey.Generate();
    private readonly FakeAuditServer _server = new();
    private readonly ListLogger _logger = new();
    private AuditLog _log = null!;

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        var audit = new AuditDatabase(AuditDatabaseOptions.ForSqlite(Path.Combine(_folder, "audit.db")));
        await audit.MigrateAsync();
        _log = new AuditLog(audit, _key, new AuditLogOptions { CheckpointInterval = 3 });
        await File.WriteAllTextAsync(KeyPath, _key.PublicKey.ExportPem());
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        _log.Dispose();
        _key.Dispose();
        await DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private string KeyPath => Path.Combine(_folder, "audit-signing.pub");

    private AuditCheckpointCopies Copies(string? keyPath = null) =>
        new(Database, new HttpClient(_server) { BaseAddress = new Uri("https://audit.test/") }, keyPath ?? KeyPath, Clock, _logger);

    private async Task AppendAsync(int count)
    {
        for (int i = 0; i < count; i++)
        {
            await _log.AppendAsync(new Imguard.Audit.Events.AuditEvent("user.login", "user:alice"));
        }

        _server.Checkpoints = [.. (await _log.GetCheckpointsAsync()).Select(c => c.ToMessage())];
    }

    [ProviderFact]
    public async Task Signed_checkpoints_are_copied_once_each_and_served_by_page()
    {
        await AppendAsync(7); // checkpoints at 3 and 6
        using AuditCheckpointCopies copies = Copies();
        Assert.True(copies.Enabled);
        Assert.Equal(2, await copies.SyncAsync());
        Assert.Equal(0, await copies.SyncAsync());
        await AppendAsync(3); // and 9
        Assert.Equal(1, await copies.SyncAsync());

        AuditCheckpointPage first = await copies.ListAsync(0, 2);
        Assert.Equal([3L, 6L], first.Checkpoints.Select(c => c.Sequence));
        Assert.Equal(6, first.NextCursor);
        AuditCheckpointPage rest = await copies.ListAsync(6, 2);
        Assert.Equal([9L], rest.Checkpoints.Select(c => c.Sequence));
        Assert.Null(rest.NextCursor);

        // A copy is the checkpoint exactly as signed: it still verifies, field for field.
        AuditCheckpoint copy = AuditCheckpoint.FromMessage(rest.Checkpoints[0]);
        AuditCheckpoint original = (await _log.GetCheckpointsAsync())[^1];
        Assert.Equal(original.ToMessage(), copy.ToMessage());
        Assert.Equal([9L, 6L], (await copies.NewestAsync(2)).Select(c => c.Sequence));
        Assert.Empty(_logger.Errors);
    }

    [ProviderFact]
    public async Task Forged_and_foreign_checkpoints_are_not_kept()
    {
        await AppendAsync(6);
        using var mallory = AuditSigningKey.Generate();
        AuditCheckpointMessage genuine = _server.Checkpoints[1];
        _server.Checkpoints =
        [
            _server.Checkpoints[0],
            genuine with { Signature = new string('0', 128) },
            genuine with { Sequence = 7, Signature = Convert.ToHexStringLower(new byte[64]) },
            genuine with { Sequence = 8, KeyId = mallory.KeyId },
        ];
        using AuditCheckpointCopies copies = Copies();
        Assert.Equal(1, await copies.SyncAsync());
        Assert.Equal([3L], (await copies.ListAsync(0, 100)).Checkpoints.Select(c => c.Sequence));
        Assert.Equal(3, _logger.Errors.Count(e => e.Contains("does not verify", StringComparison.Ordinal)));
    }

    [ProviderFact]
    public async Task A_rolled_back_or_rewritten_audit_log_is_reported_and_the_copies_stay()
    {
        await AppendAsync(6);
        using AuditCheckpointCopies copies = Copies();
        Assert.Equal(2, await copies.SyncAsync());

        _server.Checkpoints = [_server.Checkpoints[0]]; // checkpoint 6 deleted at the audit server
        Assert.Equal(0, await copies.SyncAsync());
        Assert.Contains(_logger.Errors, e => e.Contains("no longer holds checkpoint 6", StringComparison.Ordinal));

        _server.Checkpoints = [_server.Checkpoints[0], (await _log.GetCheckpointsAsync())[1].ToMessage() with { ChainHash = new string('a', 64) }];
        await copies.SyncAsync();
        Assert.Contains(_logger.Errors, e => e.Contains("does not match the platform's copy", StringComparison.Ordinal));
        Assert.Equal([3L, 6L], (await copies.ListAsync(0, 100)).Checkpoints.Select(c => c.Sequence));
    }

    [ProviderFact]
    public async Task Without_the_audit_key_no_copies_are_kept()
    {
        await AppendAsync(3);
        using AuditCheckpointCopies copies = Copies(Path.Combine(_folder, "missing.pub"));
        Assert.False(copies.Enabled);
        Assert.Equal(0, await copies.SyncAsync());
        Assert.Equal(0, _server.Requests);
    }

    /// <summary>Serves <c>GET api/audit/checkpoints?after=&amp;limit=</c> from a list, as the audit server does.</summary>
    private sealed class FakeAuditServer : HttpMessageHandler
    {
        public List<AuditCheckpointMessage> Checkpoints { get; set; } = [];

        public int Requests { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests++;
            var query = System.Web.HttpUtility.ParseQueryString(request.RequestUri!.Query);
            long after = long.Parse(query["after"] ?? "0", System.Globalization.CultureInfo.InvariantCulture);
            int limit = int.Parse(query["limit"] ?? "1000", System.Globalization.CultureInfo.InvariantCulture);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = JsonContent.Create(Checkpoints.Where(c => c.Sequence > after).OrderBy(c => c.Sequence).Take(limit).ToList()),
            });
        }
    }

    private sealed class ListLogger : ILogger<AuditCheckpointCopies>
    {
        public List<string> Errors { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Error)
            {
                Errors.Add(formatter(state, exception));
            }
        }
    }
}

public sealed class SqliteAuditCheckpointCopiesTests() : AuditCheckpointCopiesTests(PlatformDatabaseProvider.Sqlite);

public sealed class PostgresAuditCheckpointCopiesTests() : AuditCheckpointCopiesTests(PlatformDatabaseProvider.PostgreSql), IPostgresTests;
