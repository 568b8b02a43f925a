using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text.Json;
using Imguard.Contracts.Files;
using Imguard.Contracts.Shares;
using Imguard.Party.Telemetry;

namespace Imguard.Party.Shares;

/// <summary>
/// A resumable upload of one share file into a <see cref="ShareStore"/> (the storage side of the party's upload
/// endpoint). The client declares the file's length, dataset id and party, then sends chunks in order, each with its
/// SHA-256. A chunk is accepted only at the committed length; it is hashed, written and flushed to disk before the
/// committed length in <c>upload.json</c> moves past it, so an acknowledged chunk survives a process kill and an
/// unacknowledged tail is discarded on the next write. <see cref="CompleteAsync"/> verifies the whole file and commits
/// it atomically; until then the dataset does not exist.
/// </summary>
/// <remarks>
/// One instance per upload per store (<see cref="Open"/> returns the live instance), and its operations run one at a
/// time. Failure handling: a refused chunk changes nothing; a completion that finds the file invalid or not matching
/// the declaration discards the upload (the bytes can never become valid); a completion refused because the dataset
/// already exists keeps it. An upload is stopped (its bytes removed, every later call refused with the reason) when
/// it expires idle or its dataset is closed; the store forgets a stopped upload after the expiry time.
/// </remarks>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable",
    Justification = "The gate never allocates a wait handle (only WaitAsync/Release), so there is nothing to dispose; sessions are owned by the store's registry, not by callers.")]
public sealed class UploadSession
{
    private readonly ShareStore _store;
    private readonly string _directory;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private UploadState _state;
    private volatile bool _finished;
    private Func<ShareStoreException>? _stopped;
    private DateTimeOffset? _stoppedAt;

    private UploadSession(ShareStore store, string directory, UploadState state)
    {
        _store = store;
        _directory = directory;
        _state = state;
    }

    /// <summary>The session id (32 lowercase hex characters, random).</summary>
    public string UploadId => _state.UploadId;

    /// <summary>The dataset id the upload declared.</summary>
    public string DatasetId => _state.DatasetId;

    /// <summary>The party the upload declared.</summary>
    public int PartyId => _state.PartyId;

    /// <summary>Where the upload stands (the next chunk goes at <see cref="UploadStatus.CommittedBytes"/>).</summary>
    public UploadStatus Status => new(_state.UploadId, _state.DatasetId, _state.PartyId, _state.DeclaredBytes, _state.CommittedBytes, _state.MaxBytes);

    /// <summary>Whom the upload counts against (null for one that names no owner, e.g. from a test or an old state file).</summary>
    public UploadOwner? Owner => _state is { User: { } user, Project: { } project } ? new UploadOwner(user, project) : null;

    /// <summary>When the upload was stopped (expired, or its dataset closed); null otherwise.</summary>
    public DateTimeOffset? StoppedAt => _finished ? _stoppedAt : null; // _finished is written last (volatile)

    /// <summary>Whether the upload is over: completed, aborted or stopped.</summary>
    internal bool IsFinished => _finished;

    /// <summary>When the upload last made progress (its begin or its last new chunk): what expiry is measured from.</summary>
    internal DateTimeOffset LastActivityUtc => _state.LastActivityUtc;

    private string StatePath => Path.Combine(_directory, ShareStore.StateFileName);

    private string PartialPath => Path.Combine(_directory, ShareStore.PartialFileName);

    /// <summary>
    /// Starts an upload of a file of <paramref name="declaredBytes"/> bytes for <paramref name="datasetId"/>, party
    /// <paramref name="partyId"/>, allowed at most <paramref name="maxBytes"/> (e.g. from the platform's upload
    /// token; the store's own limit applies too). With an <paramref name="owner"/> the upload counts against that
    /// user's and project's storage quotas from now on. The state is on disk before this returns.
    /// </summary>
    /// <exception cref="ShareStoreException">Refused: bad arguments, too large, over a quota, the dataset stored or closed.</exception>
    public static UploadSession Begin(ShareStore store, long declaredBytes, string datasetId, int partyId, long maxBytes, UploadOwner? owner = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ShareStore.CheckDatasetId(datasetId);
        ShareStore.CheckParty(partyId);
        if (maxBytes < 1)
        {
            throw PartyError.InvalidRequest($"The upload limit must be positive; got {maxBytes}.");
        }
        long limit = Math.Min(maxBytes, store.Options.MaxUploadBytes);
        if (declaredBytes > limit)
        {
            throw PartyError.TooLarge($"The upload of dataset '{datasetId}'", declaredBytes, limit);
        }
        if (declaredBytes < ShareFileFormat.MinFileLength)
        {
            throw PartyError.InvalidRequest($"A share file is at least {ShareFileFormat.MinFileLength} bytes; {declaredBytes} were declared.");
        }
        if (owner is not null && (!IsValidOwnerName(owner.User) || !IsValidOwnerName(owner.Project)))
        {
            throw PartyError.InvalidRequest("The upload's user and project names are 1 to 256 characters.");
        }
        // Admission under the store's lock: a closed dataset, a stored one and the quotas are checked against every
        // upload registered so far, and this one is registered before the next begin is checked.
        lock (store.AdmissionLock)
        {
            if (store.Closure(datasetId) is { } closure)
            {
                throw PartyError.DatasetClosed(datasetId, closure);
            }
            if (store.Contains(datasetId))
            {
                throw PartyError.DatasetExists(datasetId);
            }
            if (owner is not null)
            {
                store.CheckQuota(owner, declaredBytes);
            }

            string uploadId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            string directory = store.UploadDirectory(uploadId);
            OwnerOnly.CreateDirectory(directory);
            DateTimeOffset now = store.Time.GetUtcNow();
            var state = new UploadState(UploadState.CurrentVersion, uploadId, datasetId, partyId, declaredBytes, limit, 0, now, owner?.User, owner?.Project, now);
            var session = new UploadSession(store, directory, state);
            using (FileStream partial = OwnerOnly.Create(session.PartialPath))
            {
                partial.Flush(flushToDisk: true);
            }
            // The state file last: an upload directory without one is a crash inside Begin and is removed on restart.
            session.Persist(state);
            AtomicFile.FlushDirectory(store.UploadsDirectory);
            store.Sessions[uploadId] = session;
            return session;
        }
    }

    /// <summary>
    /// The upload <paramref name="uploadId"/> of this store (every upload on disk was loaded when the store opened,
    /// resumed at its committed length).
    /// </summary>
    /// <exception cref="ShareStoreException">No such upload (or it finished), or it was stopped: the reason.</exception>
    public static UploadSession Open(ShareStore store, string uploadId)
    {
        ArgumentNullException.ThrowIfNull(store);
        _ = store.UploadDirectory(uploadId); // checks the id's pattern
        if (!store.Sessions.TryGetValue(uploadId, out var session))
        {
            throw PartyError.UploadNotFound(uploadId);
        }
        session.EnsureActive();
        return session;
    }

    /// <summary>
    /// Appends <paramref name="chunk"/> at <paramref name="offset"/>, which must be the committed length; the chunk
    /// must match <paramref name="sha256"/>. Re-sending a chunk that is already stored (same bytes) is accepted and
    /// changes nothing, so a client that lost an acknowledgement can simply retry.
    /// </summary>
    /// <returns>The status after the chunk (its committed length is the next offset).</returns>
    /// <exception cref="ShareStoreException">The chunk is refused; nothing was written.</exception>
    public async Task<UploadStatus> AppendChunkAsync(long offset, ReadOnlyMemory<byte> chunk, ReadOnlyMemory<byte> sha256, CancellationToken cancellationToken = default)
    {
        if (chunk.IsEmpty)
        {
            throw PartyError.InvalidRequest("A chunk must not be empty.");
        }
        if (sha256.Length != SHA256.HashSizeInBytes)
        {
            throw PartyError.InvalidRequest($"A chunk's SHA-256 is {SHA256.HashSizeInBytes} bytes; got {sha256.Length}.");
        }
        if (offset < 0)
        {
            throw PartyError.InvalidRequest($"A chunk offset must not be negative; got {offset}.");
        }
        if (chunk.Length > _store.Options.MaxChunkBytes)
        {
            throw PartyError.ChunkTooLarge(chunk.Length, _store.Options.MaxChunkBytes);
        }
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            EnsureActive();
            EnsureOpenDataset();
            var state = _state;
            // Compared without computing offset + length first: an offset near long.MaxValue would overflow to a
            // negative end that passes every later check (found by the chunk property test).
            if (offset > state.DeclaredBytes - chunk.Length)
            {
                throw PartyError.BeyondDeclared(UploadId, offset, chunk.Length, state.DeclaredBytes);
            }
            long end = offset + chunk.Length;
            if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(chunk.Span), sha256.Span))
            {
                throw PartyError.ChunkHashMismatch(UploadId, offset, chunk.Length);
            }
            if (end <= state.CommittedBytes)
            {
                // A retry of stored bytes: accepted only if they are the same bytes.
                if (!await StoredRangeMatchesAsync(offset, chunk.Length, sha256, cancellationToken).ConfigureAwait(false))
                {
                    throw PartyError.StoredRangeDiffers(UploadId, offset, chunk.Length);
                }
                return Status;
            }
            if (offset != state.CommittedBytes)
            {
                throw PartyError.OffsetConflict(UploadId, offset, chunk.Length, state.CommittedBytes);
            }
            // A version 1 header ends at byte 144, a version 2 one at 280: check when a chunk completes either.
            if ((offset < ShareFileFormat.HeaderSizeV1 && end >= ShareFileFormat.HeaderSizeV1)
                || (offset < ShareFileFormat.HeaderSizeV2 && end >= ShareFileFormat.HeaderSizeV2))
            {
                await CheckHeaderEarlyAsync(chunk, cancellationToken).ConfigureAwait(false);
            }

            // Data first, flushed to disk; only then the committed length. A kill in between leaves an
            // unacknowledged tail that the next write truncates.
            await using (var partial = new FileStream(PartialPath, FileMode.Open, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                partial.SetLength(offset);
                partial.Position = offset;
                await partial.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
                await partial.FlushAsync(cancellationToken).ConfigureAwait(false);
                partial.Flush(flushToDisk: true);
            }
            var next = state with { Version = UploadState.CurrentVersion, CommittedBytes = end, LastChunkUtc = _store.Time.GetUtcNow() };
            Persist(next);
            _state = next;
            PartyTelemetry.UploadReceived.Add(chunk.Length);
            return Status;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Verifies the whole file (header, exact length, every chunk hash), checks that its header names the declared
    /// dataset id and party, and commits it atomically as <c>datasets/&lt;id&gt;.share</c>.
    /// </summary>
    /// <returns>The header and the half digest this party reports.</returns>
    /// <exception cref="ShareStoreException">Not all bytes arrived, the file is invalid or does not match the declaration (the upload is discarded), or the dataset exists.</exception>
    public async Task<StoredShare> CompleteAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            EnsureActive();
            EnsureOpenDataset();
            var state = _state;
            if (state.CommittedBytes != state.DeclaredBytes)
            {
                throw PartyError.Incomplete(UploadId, state.CommittedBytes, state.DeclaredBytes);
            }
            TrimToCommitted();
            if (_store.Contains(state.DatasetId))
            {
                throw PartyError.DatasetExists(state.DatasetId);
            }
            StoredShare stored;
            try
            {
                stored = await _store.CommitAsync(PartialPath, state.DatasetId, state.PartyId, state.DeclaredBytes,
                    $"Upload '{UploadId}'", Owner, cancellationToken).ConfigureAwait(false);
            }
            catch (ShareStoreException e) when (e.Kind is ShareStoreErrorKind.InvalidShareFile or ShareStoreErrorKind.DeclarationMismatch)
            {
                Discard();
                throw;
            }
            Discard();
            return stored;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Abandons the upload and deletes its files; returns false if it had already finished.</summary>
    public async Task<bool> AbortAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_finished)
            {
                return false;
            }
            Discard();
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Stops the upload for good: its files are removed, and every later call (and <see cref="Open"/>) is refused
    /// with <paramref name="reason"/>'s exception. Waits for a chunk being written to finish. False if it had already finished.
    /// </summary>
    internal async Task<bool> StopAsync(Func<ShareStoreException> reason, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return StopCore(reason, _store.Time.GetUtcNow());
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>As <see cref="StopAsync"/>, for a store being opened: no request can hold the upload yet, so no lock is needed.</summary>
    internal void StopNow(Func<ShareStoreException> reason, DateTimeOffset now) => StopCore(reason, now);

    /// <summary>Stops the upload if no chunk arrived for <paramref name="expiry"/> (checked under its lock); true if it did.</summary>
    internal async Task<bool> ExpireIfIdleAsync(DateTimeOffset now, TimeSpan expiry, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return now - _state.LastActivityUtc >= expiry && StopCore(() => PartyError.UploadExpired(UploadId, expiry), now);
        }
        finally
        {
            _gate.Release();
        }
    }

    private bool StopCore(Func<ShareStoreException> reason, DateTimeOffset now)
    {
        if (_finished)
        {
            return false;
        }
        _stopped = reason;
        _stoppedAt = now;
        _finished = true;
        // Kept in the store's table (forgotten by the sweep later), so the client hears why instead of "not found".
        DeleteFiles();
        return true;
    }

    /// <summary>Whether a user or project name from a grant is usable as an owner (and fits the state file's bounds).</summary>
    private static bool IsValidOwnerName(string? name) => name is { Length: > 0 and <= UploadState.MaxOwnerLength };

    /// <summary>
    /// Reads an upload's state from <paramref name="directory"/> and trims its data file to the committed length.
    /// Anything that cannot be trusted (not JSON, unknown version, values that contradict each other or the data
    /// file) is <see cref="ShareStoreErrorKind.SessionCorrupt"/>, never guessed.
    /// </summary>
    internal static UploadSession Load(ShareStore store, string directory, string uploadId)
    {
        string statePath = Path.Combine(directory, ShareStore.StateFileName);
        if (!File.Exists(statePath))
        {
            throw PartyError.UploadNotFound(uploadId);
        }
        UploadState? state;
        try
        {
            state = JsonSerializer.Deserialize(File.ReadAllBytes(statePath), UploadStateJsonContext.Default.UploadState);
        }
        catch (JsonException e)
        {
            throw PartyError.SessionCorrupt(uploadId, "its state file is not valid JSON", e);
        }
        if (state is null || state.Version is < UploadState.OldestVersion or > UploadState.CurrentVersion || state.UploadId != uploadId
            || !ShareFileFormat.IsValidDatasetId(state.DatasetId) || state.PartyId is not (0 or 1)
            || state.CommittedBytes < 0 || state.CommittedBytes > state.DeclaredBytes || state.DeclaredBytes > state.MaxBytes
            || state.DeclaredBytes < ShareFileFormat.MinFileLength || state.MaxBytes > store.Options.MaxUploadBytes
            || (state.User is null) != (state.Project is null)
            || (state.User is not null && (!IsValidOwnerName(state.User) || !IsValidOwnerName(state.Project))))
        {
            throw PartyError.SessionCorrupt(uploadId, "its state file is inconsistent");
        }
        var session = new UploadSession(store, directory, state);
        var partial = new FileInfo(session.PartialPath);
        if (!partial.Exists || partial.Length < state.CommittedBytes)
        {
            throw PartyError.SessionCorrupt(uploadId, $"its data file is missing or shorter than the {state.CommittedBytes} committed bytes");
        }
        session.TrimToCommitted();
        return session;
    }

    private void EnsureActive()
    {
        if (_finished)
        {
            throw _stopped?.Invoke() ?? PartyError.UploadNotFound(UploadId);
        }
    }

    /// <summary>Refuses to go on once the dataset is closed (even before <see cref="ShareStore.CloseAsync"/> reaches this upload).</summary>
    private void EnsureOpenDataset()
    {
        if (_store.Closure(DatasetId) is { } closure)
        {
            throw PartyError.DatasetClosed(DatasetId, closure);
        }
    }

    /// <summary>Drops bytes past the committed length (written before a crash, never acknowledged).</summary>
    private void TrimToCommitted()
    {
        using var partial = new FileStream(PartialPath, FileMode.Open, FileAccess.Write, FileShare.None);
        if (partial.Length > _state.CommittedBytes)
        {
            partial.SetLength(_state.CommittedBytes);
            partial.Flush(flushToDisk: true);
        }
    }

    /// <summary>Whether the stored bytes [offset, offset + length) hash to <paramref name="sha256"/>.</summary>
    private async Task<bool> StoredRangeMatchesAsync(long offset, int length, ReadOnlyMemory<byte> sha256, CancellationToken cancellationToken)
    {
        var stored = new byte[length];
        try
        {
            await using var partial = new FileStream(PartialPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.Asynchronous);
            partial.Position = offset;
            await partial.ReadExactlyAsync(stored, cancellationToken).ConfigureAwait(false);
            return CryptographicOperations.FixedTimeEquals(SHA256.HashData(stored), sha256.Span);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(stored);
        }
    }

    /// <summary>
    /// Once the header is complete (this chunk crosses byte 144, or 280 for a version 2 header), parses it and checks
    /// it against the declaration, so a wrong dataset id, party, length or owner key is refused at the first chunk
    /// rather than after gigabytes. A version 2 header still short of byte 280 waits for the chunk that completes it.
    /// </summary>
    private async Task CheckHeaderEarlyAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
    {
        var state = _state;
        int stored = (int)Math.Min(state.CommittedBytes, ShareFileFormat.MaxHeaderSize);
        var header = new byte[(int)Math.Min(state.CommittedBytes + chunk.Length, ShareFileFormat.MaxHeaderSize)];
        if (stored > 0)
        {
            await using var partial = new FileStream(PartialPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.Asynchronous);
            await partial.ReadExactlyAsync(header.AsMemory(0, stored), cancellationToken).ConfigureAwait(false);
        }
        chunk.Span[..(header.Length - stored)].CopyTo(header.AsSpan(stored));
        int version = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(8));
        if (version == ShareFileFormat.Version2 && header.Length < ShareFileFormat.HeaderSizeV2)
        {
            return;
        }
        string what = $"Upload '{UploadId}'";
        ShareFileHeader parsed;
        try
        {
            parsed = ShareFileHeader.Parse(header, _store.Options.FileLimits, UploadId);
        }
        catch (ShareFileException e)
        {
            throw PartyError.InvalidShareFile(what, e);
        }
        if (!string.Equals(parsed.DatasetId, state.DatasetId, StringComparison.Ordinal))
        {
            throw PartyError.DeclarationMismatch(what, "dataset id", $"'{state.DatasetId}'", $"'{parsed.DatasetId}'");
        }
        if (parsed.PartyId != state.PartyId)
        {
            throw PartyError.DeclarationMismatch(what, "party id", state.PartyId.ToString(), parsed.PartyId.ToString());
        }
        if (parsed.FileLength != state.DeclaredBytes)
        {
            throw PartyError.DeclarationMismatch(what, "file length", state.DeclaredBytes.ToString(), parsed.FileLength.ToString());
        }
    }

    private void Persist(UploadState state) =>
        AtomicFile.WriteAllBytes(StatePath, JsonSerializer.SerializeToUtf8Bytes(state, UploadStateJsonContext.Default.UploadState));

    /// <summary>Removes the upload's directory and forgets the session.</summary>
    private void Discard()
    {
        _finished = true;
        _store.Sessions.TryRemove(new KeyValuePair<string, UploadSession>(UploadId, this));
        DeleteFiles();
    }

    private void DeleteFiles()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
            AtomicFile.FlushDirectory(_store.UploadsDirectory);
        }
    }
}
