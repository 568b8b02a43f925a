using System.Collections.Concurrent;
using Imguard.Contracts.Files;
using Imguard.Contracts.Shares;
using Imguard.Learning.Storage;

namespace Imguard.Party.Shares;

/// <summary>
/// A party's dataset halves on local disk:
/// <code>
/// &lt;root&gt;/datasets/&lt;datasetId&gt;.share         committed, verified halves (never replaced in place)
/// &lt;root&gt;/datasets/.*.tmp                   an import being written (deleted when the store opens)
/// &lt;root&gt;/uploads/&lt;uploadId&gt;/upload.json     a resumable upload's state
/// &lt;root&gt;/uploads/&lt;uploadId&gt;/upload.partial  its bytes so far
/// &lt;root&gt;/owners/&lt;datasetId&gt;.json          whom a committed half counts against (storage quotas)
/// &lt;root&gt;/closed/&lt;datasetId&gt;              a deleted or rejected dataset: no upload of it is taken
/// </code>
/// A half enters <c>datasets/</c> only by an atomic rename of a fully written, flushed and verified file, so a crash
/// never leaves a half-written share that lists as whole. Every id is checked against its pattern before a path is
/// built from it. Opening a store over an existing directory (a restart) removes stale temp files, loads the
/// in-progress uploads for <see cref="UploadSession.Open"/> and removes those that cannot resume (damaged state),
/// have been idle past <see cref="ShareStoreOptions.IncompleteUploadExpiry"/> or belong to a closed dataset.
/// </summary>
/// <remarks>
/// Denial of service: an upload counts against its owner's user and project quotas with its declared size from the
/// moment it begins (so parallel uploads cannot overshoot), a committed half with its length; an abandoned upload is
/// removed by <see cref="SweepAsync"/> once idle past the expiry. Admission (closed marker, quotas, registration of
/// a new upload) and closing a dataset happen under one lock, so an upload cannot slip in beside a deletion.
/// </remarks>
public sealed class ShareStore
{
    internal const string ShareExtension = ".share";
    internal const string StateFileName = "upload.json";
    internal const string PartialFileName = "upload.partial";
    private const string OwnerExtension = ".json";

    private readonly ConcurrentDictionary<string, UploadSession> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StoredOwner> _owners = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DatasetClosure> _closed = new(StringComparer.Ordinal);
    private readonly Lock _commitLock = new();

    /// <summary>Opens (creating if needed) the store at <paramref name="root"/> and cleans up after a crash.</summary>
    /// <param name="root">The store's directory.</param>
    /// <param name="options">Its bounds; the defaults when null.</param>
    /// <param name="time">The clock upload expiry is measured with; the system's when null.</param>
    public ShareStore(string root, ShareStoreOptions? options = null, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Options = options ?? new ShareStoreOptions();
        Options.Validate();
        Time = time ?? TimeProvider.System;
        Root = Path.GetFullPath(root);
        DatasetsDirectory = Path.Combine(Root, "datasets");
        UploadsDirectory = Path.Combine(Root, "uploads");
        OwnersDirectory = Path.Combine(Root, "owners");
        ClosedDirectory = Path.Combine(Root, "closed");
        OwnerOnly.CreateDirectory(DatasetsDirectory);
        OwnerOnly.CreateDirectory(UploadsDirectory);
        OwnerOnly.CreateDirectory(OwnersDirectory);
        OwnerOnly.CreateDirectory(ClosedDirectory);
        RecoverAfterCrash();
        LoadClosed();
        LoadOwners();
        LoadUploads();
    }

    /// <summary>The store's directory (absolute).</summary>
    public string Root { get; }

    /// <summary>The bounds this store enforces.</summary>
    public ShareStoreOptions Options { get; }

    internal string DatasetsDirectory { get; }

    internal string UploadsDirectory { get; }

    internal string OwnersDirectory { get; }

    internal string ClosedDirectory { get; }

    internal TimeProvider Time { get; }

    /// <summary>Every upload this store knows: in progress, or stopped (expired, dataset closed) and not yet forgotten.</summary>
    internal ConcurrentDictionary<string, UploadSession> Sessions => _sessions;

    /// <summary>Held while an upload is admitted (closed marker, quotas, registration) and while a dataset is closed.</summary>
    internal Lock AdmissionLock { get; } = new();

    /// <summary>Ids of the committed halves, sorted ordinally. Temp and partial files are never listed.</summary>
    public IReadOnlyList<string> ListDatasets() =>
        Directory.EnumerateFiles(DatasetsDirectory)
            .Select(Path.GetFileName)
            .Where(name => name!.EndsWith(ShareExtension, StringComparison.Ordinal))
            .Select(name => name![..^ShareExtension.Length])
            .Where(ShareFileFormat.IsValidDatasetId)
            .Order(StringComparer.Ordinal)
            .ToArray();

    /// <summary>Whether the half of <paramref name="datasetId"/> is committed here.</summary>
    public bool Contains(string datasetId) => File.Exists(DatasetPath(datasetId));

    /// <summary>Opens a committed half for reading (shared read; a concurrent delete does not disturb it on POSIX).</summary>
    public FileStream OpenRead(string datasetId)
    {
        string path = DatasetPath(datasetId);
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16, FileOptions.Asynchronous);
        }
        catch (FileNotFoundException)
        {
            throw PartyError.DatasetNotFound(datasetId);
        }
    }

    /// <summary>The header of a committed half (and that its length matches it).</summary>
    public async Task<ShareFileHeader> ReadHeaderAsync(string datasetId, CancellationToken cancellationToken = default)
    {
        await using var file = OpenRead(datasetId);
        var header = await WrapAsync(datasetId, () => ShareFileReader.ReadHeaderAsync(file, Options.FileLimits, datasetId, cancellationToken)).ConfigureAwait(false);
        CheckStoredHeader(datasetId, header);
        return header;
    }

    /// <summary>Re-verifies a committed half end to end (e.g. before a job) and returns its header and digest.</summary>
    public async Task<StoredShare> VerifyAsync(string datasetId, CancellationToken cancellationToken = default)
    {
        var file = OpenRead(datasetId);
        return await WrapAsync(datasetId, async () =>
        {
            await using var reader = await ShareFileReader.OpenAsync(file, Options.FileLimits, leaveOpen: false, datasetId, cancellationToken).ConfigureAwait(false);
            CheckStoredHeader(datasetId, reader.Header);
            return new StoredShare(reader.Header, await reader.VerifyAsync(cancellationToken).ConfigureAwait(false));
        }).ConfigureAwait(false);
    }

    /// <summary>Loads a committed half for training: every chunk verified, a seed payload expanded.</summary>
    public async Task<DatasetHalf> LoadAsync(string datasetId, CancellationToken cancellationToken = default)
    {
        await using var file = OpenRead(datasetId);
        var half = await WrapAsync(datasetId, () => DatasetHalfFile.ReadAsync(file, Options.FileLimits, cancellationToken)).ConfigureAwait(false);
        CheckStoredHeader(datasetId, half.Header);
        return half;
    }

    /// <summary>
    /// Deletes a committed half and closes the dataset (<see cref="CloseAsync"/>): its uploads in progress stop and
    /// are removed, and no later upload of it is taken. Returns whether a half was stored.
    /// </summary>
    public async Task<bool> DeleteAsync(string datasetId, CancellationToken cancellationToken = default)
    {
        await CloseAsync(datasetId, DatasetClosure.Deleted, cancellationToken).ConfigureAwait(false);
        lock (_commitLock)
        {
            string path = DatasetPath(datasetId);
            bool existed = File.Exists(path);
            if (existed)
            {
                File.Delete(path);
                AtomicFile.FlushDirectory(DatasetsDirectory);
            }
            // The owner record after the half: a crash in between leaves an orphan record, removed at the next start.
            _owners.TryRemove(datasetId, out _);
            string owner = OwnerPath(datasetId);
            if (File.Exists(owner))
            {
                File.Delete(owner);
                AtomicFile.FlushDirectory(OwnersDirectory);
            }
            return existed;
        }
    }

    /// <summary>
    /// Closes <paramref name="datasetId"/> to uploads: the marker is written first (durably), then every upload of it
    /// in progress is stopped and its bytes removed; a chunk or completion of one of them, and any later begin, is
    /// refused with <see cref="ShareStoreErrorKind.DatasetClosed"/>. A committed half is kept (deleting it is
    /// <see cref="DeleteAsync"/>). Idempotent; a deletion overrides a rejection.
    /// </summary>
    public async Task CloseAsync(string datasetId, DatasetClosure closure, CancellationToken cancellationToken = default)
    {
        CheckDatasetId(datasetId);
        UploadSession[] affected;
        lock (AdmissionLock)
        {
            if (!_closed.TryGetValue(datasetId, out DatasetClosure earlier) || (earlier != closure && closure == DatasetClosure.Deleted))
            {
                AtomicFile.WriteAllBytes(ClosedPath(datasetId), System.Text.Encoding.ASCII.GetBytes(closure.ToString()));
                _closed[datasetId] = closure;
            }
            affected = [.. _sessions.Values.Where(s => string.Equals(s.DatasetId, datasetId, StringComparison.Ordinal))];
        }
        foreach (UploadSession session in affected)
        {
            await session.StopAsync(() => PartyError.DatasetClosed(datasetId, _closed[datasetId]), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Why <paramref name="datasetId"/> takes no uploads, or null while it does.</summary>
    public DatasetClosure? Closure(string datasetId) => _closed.TryGetValue(datasetId, out DatasetClosure closure) ? closure : null;

    /// <summary>
    /// Removes every upload that has received no chunk for <see cref="ShareStoreOptions.IncompleteUploadExpiry"/>
    /// (its bytes and state; a later chunk or status request for it is answered "expired"), and forgets uploads
    /// stopped longer ago than that. Safe against chunks arriving meanwhile: each upload is checked under its own
    /// lock, so a chunk either lands first (and the upload is no longer idle) or finds it expired.
    /// </summary>
    /// <returns>How many uploads expired.</returns>
    public async Task<int> SweepAsync(CancellationToken cancellationToken = default)
    {
        DateTimeOffset now = Time.GetUtcNow();
        TimeSpan expiry = Options.IncompleteUploadExpiry;
        int expired = 0;
        foreach (UploadSession session in _sessions.Values)
        {
            if (session.StoppedAt is { } stopped)
            {
                if (now - stopped >= expiry)
                {
                    _sessions.TryRemove(new KeyValuePair<string, UploadSession>(session.UploadId, session));
                }
            }
            else if (await session.ExpireIfIdleAsync(now, expiry, cancellationToken).ConfigureAwait(false))
            {
                expired++;
            }
        }
        return expired;
    }

    /// <summary>
    /// What <paramref name="owner"/>'s user and project hold here: committed halves recorded as theirs plus the
    /// declared sizes of their uploads in progress.
    /// </summary>
    public (long UserBytes, long ProjectBytes) Usage(UploadOwner owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        long user = 0, project = 0;
        foreach (StoredOwner stored in _owners.Values)
        {
            user += string.Equals(stored.User, owner.User, StringComparison.Ordinal) ? stored.Bytes : 0;
            project += string.Equals(stored.Project, owner.Project, StringComparison.Ordinal) ? stored.Bytes : 0;
        }
        foreach (UploadSession session in _sessions.Values)
        {
            if (!session.IsFinished && session.Owner is { } other)
            {
                user += string.Equals(other.User, owner.User, StringComparison.Ordinal) ? session.Status.DeclaredBytes : 0;
                project += string.Equals(other.Project, owner.Project, StringComparison.Ordinal) ? session.Status.DeclaredBytes : 0;
            }
        }
        return (user, project);
    }

    /// <summary>
    /// Imports a whole share file from <paramref name="source"/> (the offline path: a file the owner moved by other
    /// means): written to a temp file in <c>datasets/</c>, flushed, verified (its header must name
    /// <paramref name="datasetId"/> and <paramref name="partyId"/>), then renamed into place. Nothing is committed on
    /// any failure.
    /// </summary>
    public async Task<StoredShare> ImportAsync(Stream source, string datasetId, int partyId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        CheckDatasetId(datasetId);
        CheckParty(partyId);
        if (Closure(datasetId) is { } closure)
        {
            throw PartyError.DatasetClosed(datasetId, closure);
        }
        if (Contains(datasetId))
        {
            throw PartyError.DatasetExists(datasetId);
        }
        string temp = Path.Combine(DatasetsDirectory, $".import.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (FileStream file = OwnerOnly.Create(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                var buffer = new byte[1 << 16];
                long total = 0;
                int n;
                while ((n = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    total += n;
                    if (total > Options.MaxUploadBytes)
                    {
                        throw PartyError.TooLarge($"The import of dataset '{datasetId}'", total, Options.MaxUploadBytes);
                    }
                    await file.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                }
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }
            return await CommitAsync(temp, datasetId, partyId, declaredBytes: null, $"The import of dataset '{datasetId}'", owner: null, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>Ids of the uploads in progress (including those found on disk after a restart), sorted.</summary>
    public IReadOnlyList<string> ListUploads() =>
        Directory.EnumerateDirectories(UploadsDirectory)
            .Select(Path.GetFileName)
            .Where(id => IsValidUploadId(id) && File.Exists(Path.Combine(UploadsDirectory, id!, StateFileName)))
            .Order(StringComparer.Ordinal)
            .ToArray()!;

    /// <summary>Upload ids are 32 lowercase hex characters (128 random bits), nothing else.</summary>
    public static bool IsValidUploadId(string? uploadId) =>
        uploadId is { Length: 32 } && uploadId.All(ch => char.IsAsciiDigit(ch) || ch is >= 'a' and <= 'f');

    internal string DatasetPath(string datasetId)
    {
        CheckDatasetId(datasetId);
        return Path.Combine(DatasetsDirectory, datasetId + ShareExtension);
    }

    internal string OwnerPath(string datasetId) => Path.Combine(OwnersDirectory, datasetId + OwnerExtension);

    internal string ClosedPath(string datasetId) => Path.Combine(ClosedDirectory, datasetId);

    /// <summary>
    /// Refuses an upload that would take its owner's user or project past the quota; called under
    /// <see cref="AdmissionLock"/> just before the upload is registered, so concurrent begins cannot both pass.
    /// </summary>
    internal void CheckQuota(UploadOwner owner, long declaredBytes)
    {
        (long user, long project) = Usage(owner);
        if (user + declaredBytes > Options.UserQuotaBytes)
        {
            throw PartyError.QuotaExceeded("user", owner.User, user, declaredBytes, Options.UserQuotaBytes);
        }
        if (project + declaredBytes > Options.ProjectQuotaBytes)
        {
            throw PartyError.QuotaExceeded("project", owner.Project, project, declaredBytes, Options.ProjectQuotaBytes);
        }
    }

    internal string UploadDirectory(string uploadId) =>
        IsValidUploadId(uploadId) ? Path.Combine(UploadsDirectory, uploadId) : throw PartyError.InvalidUploadId();

    internal static void CheckDatasetId(string datasetId)
    {
        if (!ShareFileFormat.IsValidDatasetId(datasetId))
        {
            throw PartyError.InvalidDatasetId();
        }
    }

    internal static void CheckParty(int partyId)
    {
        if (partyId is not (0 or 1))
        {
            throw PartyError.InvalidRequest($"Party id must be 0 or 1; got {partyId}.");
        }
    }

    /// <summary>
    /// Verifies the flushed file at <paramref name="source"/> against the declaration and renames it to
    /// <c>datasets/&lt;id&gt;.share</c> (never over an existing half), then flushes the directory. With an
    /// <paramref name="owner"/>, the half's owner record is written just before the rename.
    /// </summary>
    internal async Task<StoredShare> CommitAsync(string source, string datasetId, int partyId, long? declaredBytes, string what, UploadOwner? owner, CancellationToken cancellationToken)
    {
        StoredShare stored;
        try
        {
            // Opened by stream and named by the dataset id: messages reach clients and must not carry a server path.
            var file = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
            await using var reader = await ShareFileReader.OpenAsync(file, Options.FileLimits, leaveOpen: false, datasetId, cancellationToken).ConfigureAwait(false);
            var header = reader.Header;
            if (!string.Equals(header.DatasetId, datasetId, StringComparison.Ordinal))
            {
                throw PartyError.DeclarationMismatch(what, "dataset id", $"'{datasetId}'", $"'{header.DatasetId}'");
            }
            if (header.PartyId != partyId)
            {
                throw PartyError.DeclarationMismatch(what, "party id", partyId.ToString(), header.PartyId.ToString());
            }
            if (declaredBytes is { } declared && header.FileLength != declared)
            {
                throw PartyError.DeclarationMismatch(what, "file length", declared.ToString(), header.FileLength.ToString());
            }
            stored = new StoredShare(header, await reader.VerifyAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (ShareFileException e)
        {
            throw PartyError.InvalidShareFile(what, e);
        }
        lock (_commitLock)
        {
            if (Contains(datasetId))
            {
                throw PartyError.DatasetExists(datasetId);
            }
            StoredOwner? record = owner is null ? null : new StoredOwner(StoredOwner.CurrentVersion, owner.User, owner.Project, stored.Header.FileLength);
            if (record is not null)
            {
                // Before the rename: a crash in between leaves an orphan record (removed at start), never an uncounted half.
                AtomicFile.WriteAllBytes(OwnerPath(datasetId), System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(record, UploadStateJsonContext.Default.StoredOwner));
            }
            try
            {
                File.Move(source, DatasetPath(datasetId), overwrite: false);
            }
            catch (IOException)
            {
                if (record is not null)
                {
                    File.Delete(OwnerPath(datasetId));
                }
                throw;
            }
            AtomicFile.FlushDirectory(DatasetsDirectory);
            if (record is not null)
            {
                _owners[datasetId] = record;
            }
        }
        return stored;
    }

    private static void CheckStoredHeader(string datasetId, ShareFileHeader header)
    {
        if (!string.Equals(header.DatasetId, datasetId, StringComparison.Ordinal))
        {
            throw PartyError.DeclarationMismatch($"Stored dataset '{datasetId}'", "dataset id", $"'{datasetId}'", $"'{header.DatasetId}'");
        }
    }

    private static async Task<T> WrapAsync<T>(string datasetId, Func<Task<T>> read)
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (ShareFileException e)
        {
            throw PartyError.InvalidShareFile($"Stored dataset '{datasetId}'", e);
        }
    }

    /// <summary>
    /// After a crash: temp files in <c>datasets/</c> are removed (never committed); in each upload directory a stale
    /// state temp file is removed; an upload directory without a state file (a crash inside Begin) or without its
    /// data file (a crash after Complete's rename) is removed.
    /// Directories and files whose names are not ours are left alone.
    /// </summary>
    private void RecoverAfterCrash()
    {
        foreach (string temp in Directory.EnumerateFiles(DatasetsDirectory, "*.tmp"))
        {
            File.Delete(temp);
        }
        foreach (string directory in Directory.EnumerateDirectories(UploadsDirectory))
        {
            if (!IsValidUploadId(Path.GetFileName(directory)))
            {
                continue;
            }
            foreach (string temp in Directory.EnumerateFiles(directory, "*.tmp"))
            {
                File.Delete(temp);
            }
            // No state: a crash inside Begin. No data file: a crash after Complete moved it into datasets/.
            if (!File.Exists(Path.Combine(directory, StateFileName)) || !File.Exists(Path.Combine(directory, PartialFileName)))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        foreach (string directory in new[] { OwnersDirectory, ClosedDirectory })
        {
            foreach (string temp in Directory.EnumerateFiles(directory, "*.tmp"))
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>The closed-dataset markers; a marker that names no known closure counts as a deletion (the stricter).</summary>
    private void LoadClosed()
    {
        foreach (string path in Directory.EnumerateFiles(ClosedDirectory))
        {
            string datasetId = Path.GetFileName(path);
            if (ShareFileFormat.IsValidDatasetId(datasetId))
            {
                string text = File.ReadAllText(path).Trim();
                _closed[datasetId] = Enum.TryParse(text, ignoreCase: false, out DatasetClosure closure) && Enum.IsDefined(closure) ? closure : DatasetClosure.Deleted;
            }
        }
    }

    /// <summary>
    /// The owner records of the committed halves. A record without its half (a crash between writing it and the
    /// rename, or after the delete) is removed; an unreadable one is ignored (that half counts against no quota).
    /// </summary>
    private void LoadOwners()
    {
        foreach (string path in Directory.EnumerateFiles(OwnersDirectory, "*" + OwnerExtension))
        {
            string datasetId = Path.GetFileName(path)[..^OwnerExtension.Length];
            if (!ShareFileFormat.IsValidDatasetId(datasetId))
            {
                continue;
            }
            if (!Contains(datasetId))
            {
                File.Delete(path);
                continue;
            }
            try
            {
                if (System.Text.Json.JsonSerializer.Deserialize(File.ReadAllBytes(path), UploadStateJsonContext.Default.StoredOwner) is
                    { Version: StoredOwner.CurrentVersion, User: { Length: > 0 }, Project: { Length: > 0 }, Bytes: >= 0 } record)
                {
                    _owners[datasetId] = record;
                }
            }
            catch (System.Text.Json.JsonException)
            {
                // Ignored: see above.
            }
        }
    }

    /// <summary>
    /// Every upload on disk, resumable at its committed length. An upload whose state cannot be trusted is removed
    /// (it could never resume), as is one idle past the expiry or of a closed dataset; the last two are remembered
    /// as stopped, so their client hears why.
    /// </summary>
    private void LoadUploads()
    {
        DateTimeOffset now = Time.GetUtcNow();
        foreach (string directory in Directory.EnumerateDirectories(UploadsDirectory))
        {
            string uploadId = Path.GetFileName(directory);
            if (!IsValidUploadId(uploadId))
            {
                continue;
            }
            UploadSession session;
            try
            {
                session = UploadSession.Load(this, directory, uploadId);
            }
            catch (ShareStoreException e) when (e.Kind == ShareStoreErrorKind.SessionCorrupt)
            {
                Directory.Delete(directory, recursive: true);
                continue;
            }
            _sessions[uploadId] = session;
            if (Closure(session.DatasetId) is { } closure)
            {
                session.StopNow(() => PartyError.DatasetClosed(session.DatasetId, closure), now);
            }
            else if (now - session.LastActivityUtc >= Options.IncompleteUploadExpiry)
            {
                session.StopNow(() => PartyError.UploadExpired(uploadId, Options.IncompleteUploadExpiry), now);
            }
        }
        AtomicFile.FlushDirectory(UploadsDirectory);
    }
}
