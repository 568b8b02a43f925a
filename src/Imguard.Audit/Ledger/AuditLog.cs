using Imguard.Audit.Events;
using Imguard.Audit.Signing;
using Imguard.Audit.Storage;
using Imguard.Audit.Verification;
using Imguard.Contracts.Audit;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Imguard.Audit.Ledger;

/// <summary>
/// The append-only, hash-chained audit log. Appends are serialised (one writer: an in-process lock, and inside it
/// one database transaction that holds the database's write lock — SQLite <c>BEGIN IMMEDIATE</c>, a PostgreSQL
/// advisory lock), so sequence numbers are dense from 1 and each record's previous hash is its predecessor's hash.
/// At the latest <see cref="AuditLogOptions.CheckpointInterval"/> records after the previous checkpoint, and on
/// demand (every <see cref="AuditLogOptions.CheckpointPeriod"/> while records arrive, and at shutdown: the server's
/// timer), the log signs a checkpoint with the audit server's key. Each checkpoint names the one before it (its
/// sequence number and digest) and states that policy, so checkpoints form a signed chain of their own. The log
/// remembers the last checkpoint it signed — in memory and, when configured, in a file outside the database — and
/// names that one as the predecessor even if the database no longer holds it: deleting checkpoints cannot be
/// continued over. Queries and verification only read.
/// </summary>
public sealed class AuditLog : IDisposable
{
    // The writer's transaction-scoped lock on PostgreSQL; the key is "ImgAudit" as a big-endian 64-bit integer.
    private const string PostgresWriterLockSql = "SELECT pg_advisory_xact_lock(5290998668070250868)";

    private readonly AuditDatabase _database;
    private readonly AuditSigningKey _signingKey;
    private readonly AuditLogOptions _options;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ILogger? _logger;

    // The newest checkpoint this log signed or adopted, and its digest; read once from the file and the database,
    // then kept here. Guarded by _writeLock.
    private AuditCheckpoint? _last;
    private byte[]? _lastDigest;
    private bool _lastLoaded;

    /// <param name="database">The migrated database (see <see cref="AuditDatabase.MigrateAsync"/>).</param>
    /// <param name="signingKey">The audit server's checkpoint key; the caller keeps ownership.</param>
    /// <param name="options">Settings; the defaults when null.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Where the log reports checkpoints missing from the database; none when null.</param>
    public AuditLog(AuditDatabase database, AuditSigningKey signingKey, AuditLogOptions? options = null, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(signingKey);
        _options = options ?? new AuditLogOptions();
        _options.Validate();
        _database = database;
        _signingKey = signingKey;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger;
    }

    /// <summary>The signing policy this log follows and states in every checkpoint it signs.</summary>
    public AuditCheckpointPolicy Policy => _options.Policy;

    /// <summary>
    /// Appends one event as the next record and returns it. When it is the checkpoint interval's worth of records
    /// after the last checkpoint, a checkpoint is written in the same transaction. The record is durable when this
    /// returns.
    /// </summary>
    public async Task<AuditRecord> AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default) =>
        (await AppendCoreAsync(auditEvent, delivery: null, cancellationToken)).Record;

    /// <summary>
    /// Appends one event delivered by <see cref="AuditDelivery.Sender"/> under its id, unless a record with the same
    /// sender and id is already in the log: then nothing is written and that record is returned with
    /// <see cref="AuditAppendResult.Duplicate"/> set. The check runs inside the writer's lock and transaction, and a
    /// unique index on (sender, event id) backs it up, so concurrent deliveries of one event cannot both land.
    /// </summary>
    public Task<AuditAppendResult> AppendOnceAsync(AuditEvent auditEvent, AuditDelivery delivery, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        return AppendCoreAsync(auditEvent, delivery, cancellationToken);
    }

    private async Task<AuditAppendResult> AppendCoreAsync(AuditEvent auditEvent, AuditDelivery? delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using AuditDbContext db = _database.CreateContext();
            await using var transaction = await BeginWriteAsync(db, cancellationToken);
            if (delivery is not null)
            {
                AuditRecordEntity? earlier = await db.Records.AsNoTracking().Include(r => r.Subjects)
                    .SingleOrDefaultAsync(r => r.Sender == delivery.Sender && r.EventId == delivery.EventId, cancellationToken);
                if (earlier is not null)
                {
                    return new AuditAppendResult(earlier.ToRecord(), Duplicate: true);
                }
            }
            var head = await ReadHeadAsync(db, cancellationToken);
            long sequence = (head?.Sequence ?? 0) + 1;
            byte[] previousHash = head?.RecordHash ?? ChainHashing.GenesisHash();

            // Timestamps never go backwards, so a time range and a sequence range select the same records.
            long now = Math.Max(AuditTime.ToMicroseconds(_time.GetUtcNow()), head?.TimestampMicroseconds ?? long.MinValue);
            var record = new AuditRecord
            {
                Sequence = sequence,
                Timestamp = AuditTime.FromMicroseconds(now),
                EventType = auditEvent.EventType,
                Actor = auditEvent.Actor,
                Subjects = auditEvent.Subjects,
                PropertiesJson = auditEvent.PropertiesJson,
                PreviousHash = previousHash,
                RecordHash = ChainHashing.RecordHash(sequence, now, auditEvent.EventType, auditEvent.Actor,
                    auditEvent.Subjects, auditEvent.PropertiesJson, previousHash),
                Delivery = delivery,
            };
            db.Records.Add(record.ToEntity());
            AuditCheckpoint? checkpoint = null;
            await LoadLastAsync(db, cancellationToken);
            if (sequence >= NextDue())
            {
                // Another writer on the same database may have signed since; only then is the due point later.
                await AdoptNewerAsync(db, cancellationToken);
                if (sequence >= NextDue())
                {
                    checkpoint = Sign(sequence, record.RecordHash, now);
                    db.Checkpoints.Add(checkpoint.ToEntity());
                }
            }

            await SaveAsync(db, sequence, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            if (checkpoint is not null)
            {
                Remember(checkpoint);
            }

            return new AuditAppendResult(record, Duplicate: false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Signs a checkpoint at the current last record, or returns the last one signed if it already covers that record.
    /// Null when the log is empty.
    /// </summary>
    public async Task<AuditCheckpoint?> CheckpointAsync(CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using AuditDbContext db = _database.CreateContext();
            await using var transaction = await BeginWriteAsync(db, cancellationToken);
            var head = await ReadHeadAsync(db, cancellationToken);
            if (head is null)
            {
                return null;
            }

            await LoadLastAsync(db, cancellationToken);
            await AdoptNewerAsync(db, cancellationToken);
            if (_last is not null && _last.Sequence >= head.Sequence)
            {
                // Already covered. Never signed again over records below the last checkpoint: if the records were cut
                // back under it, the verifier reports the cut from that checkpoint (or from the next one's link to it).
                return _last;
            }

            long now = Math.Max(AuditTime.ToMicroseconds(_time.GetUtcNow()), head.TimestampMicroseconds);
            AuditCheckpoint checkpoint = Sign(head.Sequence, head.RecordHash, now);
            db.Checkpoints.Add(checkpoint.ToEntity());
            await SaveAsync(db, head.Sequence, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            Remember(checkpoint);
            return checkpoint;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>One page of records matching the query's filters, in sequence order.</summary>
    public async Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        await using AuditDbContext db = _database.CreateContext();
        IQueryable<AuditRecordEntity> rows = db.Records.AsNoTracking();
        if (query.EventType is { } eventType)
        {
            rows = rows.Where(r => r.EventType == eventType);
        }

        if (query.Actor is { } actor)
        {
            rows = rows.Where(r => r.Actor == actor);
        }

        if (query.Subject is { } subject)
        {
            rows = rows.Where(r => r.Subjects.Any(s => s.SubjectId == subject));
        }

        if (query.From is { } from)
        {
            long fromMicroseconds = AuditTime.ToMicroseconds(from);
            rows = rows.Where(r => r.TimestampMicroseconds >= fromMicroseconds);
        }

        if (query.To is { } to)
        {
            long toMicroseconds = AuditTime.ToMicroseconds(to);
            rows = rows.Where(r => r.TimestampMicroseconds < toMicroseconds);
        }

        if (query.Cursor is { } cursor)
        {
            rows = query.NewestFirst ? rows.Where(r => r.Sequence < cursor) : rows.Where(r => r.Sequence > cursor);
        }

        rows = query.NewestFirst ? rows.OrderByDescending(r => r.Sequence) : rows.OrderBy(r => r.Sequence);
        var page = await rows.Take(query.Limit + 1).Include(r => r.Subjects).AsSplitQuery().ToListAsync(cancellationToken);
        bool more = page.Count > query.Limit;
        AuditRecord[] records = [.. page.Take(query.Limit).Select(r => r.ToRecord())];
        return new AuditPage(records, more ? records[^1].Sequence : null);
    }

    /// <summary>The record with this sequence number, or null.</summary>
    public async Task<AuditRecord?> GetAsync(long sequence, CancellationToken cancellationToken = default)
    {
        await using AuditDbContext db = _database.CreateContext();
        var row = await db.Records.AsNoTracking().Include(r => r.Subjects).SingleOrDefaultAsync(r => r.Sequence == sequence, cancellationToken);
        return row?.ToRecord();
    }

    /// <summary>Every checkpoint, oldest first.</summary>
    public Task<IReadOnlyList<AuditCheckpoint>> GetCheckpointsAsync(CancellationToken cancellationToken = default) =>
        GetCheckpointsAsync(after: 0, limit: int.MaxValue, cancellationToken);

    /// <summary>Up to <paramref name="limit"/> checkpoints after record <paramref name="after"/>, oldest first.</summary>
    public async Task<IReadOnlyList<AuditCheckpoint>> GetCheckpointsAsync(long after, int limit, CancellationToken cancellationToken = default)
    {
        await using AuditDbContext db = _database.CreateContext();
        var rows = await db.Checkpoints.AsNoTracking().Where(c => c.Sequence > after).OrderBy(c => c.Sequence).Take(limit).ToListAsync(cancellationToken);
        return [.. rows.Select(c => c.ToCheckpoint())];
    }

    /// <summary>
    /// Verifies the whole log against this log's own public key and policy, at this log's clock (see
    /// <see cref="AuditVerifier"/>), with <paramref name="anchors"/> if given.
    /// </summary>
    public Task<AuditVerificationReport> VerifyAsync(CancellationToken cancellationToken = default) =>
        VerifyAsync([], cancellationToken);

    /// <inheritdoc cref="VerifyAsync(CancellationToken)"/>
    public Task<AuditVerificationReport> VerifyAsync(IReadOnlyList<AuditAnchor> anchors, CancellationToken cancellationToken = default) =>
        AuditVerifier.VerifyAsync(_database, _signingKey.PublicKey, new AuditVerificationOptions
        {
            Policy = _options.Policy,
            Now = _time.GetUtcNow(),
            Anchors = anchors,
        }, cancellationToken);

    public void Dispose() => _writeLock.Dispose();

    // Signs a chained checkpoint: it names the last checkpoint this log knows (not merely the newest the database
    // still holds) and states the policy.
    private AuditCheckpoint Sign(long sequence, byte[] chainHash, long timestampMicroseconds)
    {
        var unsigned = new AuditCheckpoint
        {
            Sequence = sequence,
            ChainHash = chainHash,
            Timestamp = AuditTime.FromMicroseconds(timestampMicroseconds),
            KeyId = _signingKey.KeyId,
            Signature = [],
            PreviousSequence = _last?.Sequence ?? 0,
            PreviousDigest = _lastDigest ?? AuditCheckpointEncoding.GenesisDigest(),
            Policy = _options.Policy,
        };
        return new AuditCheckpoint
        {
            Sequence = unsigned.Sequence,
            ChainHash = unsigned.ChainHash,
            Timestamp = unsigned.Timestamp,
            KeyId = unsigned.KeyId,
            Signature = _signingKey.Sign(ChainHashing.CheckpointMessage(unsigned)),
            PreviousSequence = unsigned.PreviousSequence,
            PreviousDigest = unsigned.PreviousDigest,
            Policy = unsigned.Policy,
        };
    }

    // The sequence number at which the next checkpoint is due: the interval of the last checkpoint's policy after it
    // (the policy it signed holds until the next one), or this log's interval when there is none or it predates policies.
    private long NextDue() => (_last?.Sequence ?? 0) + (_last?.Policy?.Interval ?? _options.CheckpointInterval);

    private void Remember(AuditCheckpoint checkpoint)
    {
        _last = checkpoint;
        _lastDigest = ChainHashing.CheckpointDigest(checkpoint);
        if (_options.LastCheckpointPath is { } path)
        {
            try
            {
                LastCheckpointFile.Write(path, checkpoint);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The checkpoint is committed; only the outside memory of it is behind, which a restart then repairs
                // from the database (a newer validly signed checkpoint there is adopted).
                _logger?.LogError("Could not record audit checkpoint {Sequence} outside the database: {Reason}", checkpoint.Sequence, e.Message);
            }
        }
    }

    // Once per log: the last checkpoint is the newer of the one in the file (what this server signed last) and the
    // newest validly signed one in the database. A file newer than the database means checkpoints were deleted from it.
    private async Task LoadLastAsync(AuditDbContext db, CancellationToken cancellationToken)
    {
        if (_lastLoaded)
        {
            return;
        }

        AuditCheckpoint? stored = await NewestValidAsync(db, cancellationToken);
        AuditCheckpoint? remembered = _options.LastCheckpointPath is { } path ? LastCheckpointFile.Read(path) : null;
        if (remembered is not null && !IsOurs(remembered))
        {
            _logger?.LogError("The file of the last audit checkpoint does not hold a checkpoint signed by this server's key; it is ignored.");
            remembered = null;
        }

        AuditCheckpoint? last = stored;
        if (remembered is not null && (stored is null || remembered.Sequence >= stored.Sequence))
        {
            if (stored is null || remembered.Sequence > stored.Sequence)
            {
                _logger?.LogError(
                    "The audit database lacks checkpoint {Sequence}, the last one this server signed (its newest is {Stored}): " +
                    "checkpoints were deleted, or the database was restored from an older copy. The next checkpoint names the missing one, so verification reports it.",
                    remembered.Sequence, stored?.Sequence ?? 0);
            }

            last = remembered;
        }

        _last = last;
        _lastDigest = last is null ? null : ChainHashing.CheckpointDigest(last);
        _lastLoaded = true;
    }

    // Adopts a newer validly signed checkpoint from the database: another writer on the same database signed it. An
    // older newest one (checkpoints deleted) is never adopted.
    private async Task AdoptNewerAsync(AuditDbContext db, CancellationToken cancellationToken)
    {
        AuditCheckpoint? stored = await NewestValidAsync(db, cancellationToken);
        if (stored is not null && stored.Sequence > (_last?.Sequence ?? 0))
        {
            _last = stored;
            _lastDigest = ChainHashing.CheckpointDigest(stored);
        }
    }

    // The newest checkpoint in the database whose signature verifies under this log's key (forged rows are skipped;
    // a few are looked at, not the whole table).
    private async Task<AuditCheckpoint?> NewestValidAsync(AuditDbContext db, CancellationToken cancellationToken)
    {
        var rows = await db.Checkpoints.AsNoTracking().OrderByDescending(c => c.Sequence).Take(16).ToListAsync(cancellationToken);
        return rows.Select(r => r.ToCheckpoint()).FirstOrDefault(IsOurs);
    }

    private bool IsOurs(AuditCheckpoint checkpoint) =>
        checkpoint.KeyId == _signingKey.KeyId && checkpoint.ChainHash.Length == ChainHashing.HashSize &&
        _signingKey.PublicKey.Verify(ChainHashing.CheckpointMessage(checkpoint), checkpoint.Signature);

    private async Task<Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction> BeginWriteAsync(AuditDbContext db, CancellationToken cancellationToken)
    {
        // SQLite: Microsoft.Data.Sqlite begins a non-deferred transaction as BEGIN IMMEDIATE, which takes the
        // database's write lock now, so a second process cannot read the same head and fork the chain.
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (_database.Provider == AuditDatabaseProvider.PostgreSql)
        {
            await db.Database.ExecuteSqlRawAsync(PostgresWriterLockSql, cancellationToken);
        }

        return transaction;
    }

    private static Task<HeadRow?> ReadHeadAsync(AuditDbContext db, CancellationToken cancellationToken) =>
        db.Records.AsNoTracking()
            .OrderByDescending(r => r.Sequence)
            .Select(r => new HeadRow(r.Sequence, r.TimestampMicroseconds, r.RecordHash))
            .FirstOrDefaultAsync(cancellationToken);

    private static async Task SaveAsync(AuditDbContext db, long sequence, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (e.InnerException is SqliteException { SqliteErrorCode: 19 } or PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            throw AuditError.ChainForked(sequence, e);
        }
    }

    private sealed record HeadRow(long Sequence, long TimestampMicroseconds, byte[] RecordHash);
}
