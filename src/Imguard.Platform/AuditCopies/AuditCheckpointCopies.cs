using System.Net.Http.Json;
using System.Security.Cryptography;
using Imguard.Contracts.Audit;
using Imguard.Platform.Data;
using Imguard.Platform.Server;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Imguard.Platform.AuditCopies;

/// <summary>
/// The platform's copies of the audit server's signed checkpoints, so that a copy of each exists off the audit host:
/// whoever can write the audit database (but has not the signing key) can delete checkpoints and cut the log back to
/// one of them, which the log alone cannot show; compared with these copies (<c>imguard audit verify
/// --expect-checkpoints</c>, or the platform's own verify) it can. <see cref="SyncAsync"/> asks the audit server (mutual
/// TLS) for the checkpoints after the newest copy, keeps each whose signature verifies under the audit key
/// (<c>pki/audit-signing.pub</c>) in the platform's database, and logs an error when the audit server no longer holds
/// the newest copy or its checkpoints do not continue the copies (deleted checkpoints, a rolled-back log). Copies are
/// only ever added. Without the audit key file (an old bundle) copying is off, with a warning at start.
/// </summary>
public sealed class AuditCheckpointCopies : IDisposable
{
    /// <summary>The most checkpoints asked for, and served, per page.</summary>
    public const int PageSize = 1000;

    private readonly PlatformDatabase _database;
    private readonly HttpClient _audit;
    private readonly ECDsa? _key;
    private readonly string? _keyId;
    private readonly TimeProvider _time;
    private readonly ILogger<AuditCheckpointCopies> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);

    internal AuditCheckpointCopies(PlatformDatabase database, HttpClient audit, string keyPath, TimeProvider time, ILogger<AuditCheckpointCopies> logger)
    {
        _database = database;
        _audit = audit;
        _time = time;
        _logger = logger;
        if (!File.Exists(keyPath))
        {
            logger.LogWarning("The audit verification key ({File}) is missing: the platform keeps no copies of audit checkpoints. Copy it from the audit host's pki folder.",
                Path.GetFileName(keyPath));
            return;
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(keyPath));
            _keyId = AuditCheckpointEncoding.KeyId(key.ExportSubjectPublicKeyInfo());
            _key = key;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            logger.LogWarning("The audit verification key ({File}) cannot be read: the platform keeps no copies of audit checkpoints.", Path.GetFileName(keyPath));
        }
    }

    /// <summary>Whether copies are kept (the audit key was found).</summary>
    public bool Enabled => _key is not null;

    /// <summary>
    /// Copies the checkpoints the audit server signed since the newest copy. Returns how many were kept. Throws
    /// <see cref="HttpRequestException"/> (or a timeout) when the audit server does not answer.
    /// </summary>
    public async Task<int> SyncAsync(CancellationToken cancellationToken = default)
    {
        if (_key is null)
        {
            return 0;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using PlatformDbContext db = _database.CreateContext();
            AuditCheckpointCopyEntity? newest = await db.AuditCheckpointCopies.AsNoTracking().OrderByDescending(c => c.Sequence).FirstOrDefaultAsync(cancellationToken);
            AuditCheckpointMessage? previous = newest is null ? null : ToMessage(newest);

            // Ask from the newest copy on (inclusive): the audit server must still hold it, unchanged.
            long after = newest is null ? 0 : newest.Sequence - 1;
            bool newestChecked = newest is null;
            int kept = 0;
            while (true)
            {
                List<AuditCheckpointMessage> page = await _audit.GetFromJsonAsync<List<AuditCheckpointMessage>>(
                    $"api/audit/checkpoints?after={after}&limit={PageSize}", cancellationToken) ?? [];
                foreach (AuditCheckpointMessage checkpoint in page)
                {
                    if (!newestChecked)
                    {
                        newestChecked = true;
                        if (checkpoint.Sequence == newest!.Sequence)
                        {
                            if (!string.Equals(checkpoint.ChainHash, newest.ChainHash, StringComparison.OrdinalIgnoreCase))
                            {
                                _logger.LogError("The audit server's checkpoint at record {Sequence} does not match the platform's copy: the audit log was rewritten. " +
                                    "Run `imguard audit verify --expect-checkpoints` with the copies (`imguard audit checkpoints`).", checkpoint.Sequence);
                            }

                            continue;
                        }

                        ReportMissing(newest.Sequence);
                    }

                    if (checkpoint is null || checkpoint.Sequence <= (previous?.Sequence ?? 0))
                    {
                        continue;
                    }

                    if (!Verifies(checkpoint))
                    {
                        _logger.LogError("The audit server served a checkpoint at record {Sequence} whose signature does not verify under the audit key; it is not kept.", checkpoint.Sequence);
                        continue;
                    }

                    if (previous is not null && checkpoint.PreviousSequence is { } named &&
                        (named != previous.Sequence || !string.Equals(checkpoint.PreviousDigest, Digest(previous), StringComparison.OrdinalIgnoreCase)))
                    {
                        _logger.LogError("The audit checkpoint at record {Sequence} names record {Named} as the one before it, but the platform's copy before it is at record {Previous}: " +
                            "checkpoints were deleted from the audit log.", checkpoint.Sequence, named, previous.Sequence);
                    }

                    db.AuditCheckpointCopies.Add(ToEntity(checkpoint, PlatformTime.Now(_time)));
                    previous = checkpoint;
                    kept++;
                }

                await db.SaveChangesAsync(cancellationToken);
                if (page.Count < PageSize)
                {
                    break;
                }

                after = page[^1].Sequence;
            }

            if (!newestChecked)
            {
                ReportMissing(newest!.Sequence);
            }

            return kept;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Up to <paramref name="limit"/> copies after record <paramref name="after"/>, oldest first.</summary>
    public async Task<AuditCheckpointPage> ListAsync(long after, int limit, CancellationToken cancellationToken = default)
    {
        await using PlatformDbContext db = _database.CreateContext();
        List<AuditCheckpointCopyEntity> rows = await db.AuditCheckpointCopies.AsNoTracking()
            .Where(c => c.Sequence > after).OrderBy(c => c.Sequence).Take(limit + 1).ToListAsync(cancellationToken);
        bool more = rows.Count > limit;
        AuditCheckpointMessage[] page = [.. rows.Take(limit).Select(ToMessage)];
        return new AuditCheckpointPage(page, more ? page[^1].Sequence : null);
    }

    /// <summary>The newest <paramref name="count"/> copies, newest first.</summary>
    public async Task<IReadOnlyList<AuditCheckpointMessage>> NewestAsync(int count, CancellationToken cancellationToken = default)
    {
        await using PlatformDbContext db = _database.CreateContext();
        List<AuditCheckpointCopyEntity> rows = await db.AuditCheckpointCopies.AsNoTracking()
            .OrderByDescending(c => c.Sequence).Take(count).ToListAsync(cancellationToken);
        return [.. rows.Select(ToMessage)];
    }

    public void Dispose()
    {
        _key?.Dispose();
        _gate.Dispose();
    }

    private void ReportMissing(long sequence) =>
        _logger.LogError("The audit server no longer holds checkpoint {Sequence}, which the platform copied: checkpoints were deleted or the audit log was cut back. " +
            "Run `imguard audit verify --expect-checkpoints` with the copies (`imguard audit checkpoints`).", sequence);

    private bool Verifies(AuditCheckpointMessage checkpoint)
    {
        try
        {
            byte[] signature = Convert.FromHexString(checkpoint.Signature ?? "");
            return checkpoint.KeyId == _keyId && checkpoint.ChainHash is { Length: 2 * AuditCheckpointEncoding.HashSize } &&
                signature.Length == AuditCheckpointEncoding.SignatureSize &&
                _key!.VerifyData(AuditCheckpointEncoding.SignedBytes(checkpoint), signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static string Digest(AuditCheckpointMessage checkpoint) =>
        Convert.ToHexStringLower(AuditCheckpointEncoding.Digest(AuditCheckpointEncoding.SignedBytes(checkpoint)));

    private static AuditCheckpointMessage ToMessage(AuditCheckpointCopyEntity row) => new()
    {
        Sequence = row.Sequence,
        Timestamp = row.SignedAt,
        ChainHash = row.ChainHash,
        KeyId = row.KeyId,
        Signature = row.Signature,
        PreviousSequence = row.PreviousSequence,
        PreviousDigest = row.PreviousDigest,
        Interval = row.PolicyInterval,
        PeriodMicroseconds = row.PolicyPeriodMicroseconds,
    };

    private static AuditCheckpointCopyEntity ToEntity(AuditCheckpointMessage checkpoint, DateTimeOffset receivedAt) => new()
    {
        Sequence = checkpoint.Sequence,
        SignedAt = checkpoint.Timestamp.ToUniversalTime(),
        ChainHash = checkpoint.ChainHash.ToLowerInvariant(),
        KeyId = checkpoint.KeyId,
        Signature = checkpoint.Signature.ToLowerInvariant(),
        PreviousSequence = checkpoint.PreviousSequence,
        PreviousDigest = checkpoint.PreviousDigest?.ToLowerInvariant(),
        PolicyInterval = checkpoint.Interval,
        PolicyPeriodMicroseconds = checkpoint.PeriodMicroseconds,
        ReceivedAt = receivedAt,
    };
}
