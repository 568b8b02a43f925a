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
/// </code>
/// A half enters <c>datasets/</c> only by an atomic rename of a fully written, flushed and verified file, so a crash
/// never leaves a half-written share that lists as whole. Every id is checked against its pattern before a path is
/// built from it. Opening a store over an existing directory (a restart) removes stale temp files and makes
/// in-progress uploads available to <see cref="UploadSession.Open"/>.
/// </summary>
public sealed class ShareStore
{
    internal const string ShareExtension = ".share";
    internal const string StateFileName = "upload.json";
    internal const string PartialFileName = "upload.partial";

    private readonly ConcurrentDictionary<string, UploadSession> _sessions = new(StringComparer.Ordinal);

    /// <summary>Opens (creating if needed) the store at <paramref name="root"/> and cleans up after a crash.</summary>
    public ShareStore(string root, ShareStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Options = options ?? new ShareStoreOptions();
        Options.Validate();
        Root = Path.GetFullPath(root);
        DatasetsDirectory = Path.Combine(Root, "datasets");
        UploadsDirectory = Path.Combine(Root, "uploads");
        OwnerOnly.CreateDirectory(DatasetsDirectory);
        OwnerOnly.CreateDirectory(UploadsDirectory);
        RecoverAfterCrash();
    }

    /// <summary>The store's directory (absolute).</summary>
    public string Root { get; }

    /// <summary>The bounds this store enforces.</summary>
    public ShareStoreOptions Options { get; }

    internal string DatasetsDirectory { get; }

    internal string UploadsDirectory { get; }

    internal ConcurrentDictionary<string, UploadSession> Sessions => _sessions;

    /// <summary>Serialises loading sessions from disk, so two requests after a restart share one instance.</summary>
    internal Lock SessionLoadLock { get; } = new();

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

    /// <summary>Deletes a committed half; returns whether it existed.</summary>
    public bool Delete(string datasetId)
    {
        string path = DatasetPath(datasetId);
        if (!File.Exists(path))
        {
            return false;
        }
        File.Delete(path);
        DurableFile.FlushDirectory(DatasetsDirectory);
        return true;
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
            return await CommitAsync(temp, datasetId, partyId, declaredBytes: null, $"The import of dataset '{datasetId}'", cancellationToken).ConfigureAwait(false);
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
    /// <c>datasets/&lt;id&gt;.share</c> (never over an existing half), then flushes the directory.
    /// </summary>
    internal async Task<StoredShare> CommitAsync(string source, string datasetId, int partyId, long? declaredBytes, string what, CancellationToken cancellationToken)
    {
        StoredShare stored;
        try
        {
            await using var reader = await ShareFileReader.OpenAsync(source, Options.FileLimits, cancellationToken).ConfigureAwait(false);
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
        try
        {
            File.Move(source, DatasetPath(datasetId), overwrite: false);
        }
        catch (IOException) when (Contains(datasetId))
        {
            throw PartyError.DatasetExists(datasetId);
        }
        DurableFile.FlushDirectory(DatasetsDirectory);
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
    }
}
