using Imguard.Audit.Events;
using Imguard.Audit.Signing;
using Imguard.Audit.Storage;
using Imguard.Audit.Verification;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Imguard.Audit.Ledger;

/// <summary>
/// The append-only, hash-chained audit log. Appends are serialised (one writer: an in-process lock, and inside it
/// one database transaction that holds the database's write lock — SQLite <c>BEGIN IMMEDIATE</c>, a PostgreSQL
/// advisory lock), so sequence numbers are dense from 1 and each record's previous hash is its predecessor's hash.
/// Every <see cref="AuditLogOptions.CheckpointInterval"/> records, and on demand, the log signs a checkpoint
/// with the audit server's key. Queries and verification only read.
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

    /// <param name="database">The migrated database (see <see cref="AuditDatabase.MigrateAsync"/>).</param>
    /// <param name="signingKey">The audit server's checkpoint key; the caller keeps ownership.</param>
    /// <param name="options">Settings; the defaults when null.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    public AuditLog(AuditDatabase database, AuditSigningKey signingKey, AuditLogOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(signingKey);
        _options = options ?? new AuditLogOptions();
        _options.Validate();
        _database = database;
        _signingKey = signingKey;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// Appends one event as the next record and returns it. When its sequence number is a multiple of the
    /// checkpoint interval, the checkpoint is written in the same transaction. The record is durable when this
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
            if (sequence % _options.CheckpointInterval == 0)
            {
                db.Checkpoints.Add(Sign(sequence, record.RecordHash, now).ToEntity());
            }

            await SaveAsync(db, sequence, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new AuditAppendResult(record, Duplicate: false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Signs a checkpoint at the current last record, or returns the existing one if that record already has one.
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

            var existing = await db.Checkpoints.AsNoTracking().SingleOrDefaultAsync(c => c.Sequence == head.Sequence, cancellationToken);
            if (existing is not null)
            {
                return existing.ToCheckpoint();
            }

            long now = Math.Max(AuditTime.ToMicroseconds(_time.GetUtcNow()), head.TimestampMicroseconds);
            AuditCheckpoint checkpoint = Sign(head.Sequence, head.RecordHash, now);
            db.Checkpoints.Add(checkpoint.ToEntity());
            await SaveAsync(db, head.Sequence, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
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
    public async Task<IReadOnlyList<AuditCheckpoint>> GetCheckpointsAsync(CancellationToken cancellationToken = default)
    {
        await using AuditDbContext db = _database.CreateContext();
        var rows = await db.Checkpoints.AsNoTracking().OrderBy(c => c.Sequence).ToListAsync(cancellationToken);
        return [.. rows.Select(c => c.ToCheckpoint())];
    }

    /// <summary>Verifies the whole log against this log's own public key (see <see cref="AuditVerifier"/>).</summary>
    public Task<AuditVerificationReport> VerifyAsync(CancellationToken cancellationToken = default) =>
        AuditVerifier.VerifyAsync(_database, _signingKey.PublicKey, cancellationToken);

    public void Dispose() => _writeLock.Dispose();

    private AuditCheckpoint Sign(long sequence, byte[] chainHash, long timestampMicroseconds)
    {
        string keyId = _signingKey.KeyId;
        byte[] message = ChainHashing.CheckpointMessage(sequence, chainHash, timestampMicroseconds, keyId);
        return new AuditCheckpoint
        {
            Sequence = sequence,
            ChainHash = chainHash,
            Timestamp = AuditTime.FromMicroseconds(timestampMicroseconds),
            KeyId = keyId,
            Signature = _signingKey.Sign(message),
        };
    }

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
