using Imguard.Contracts.Shares;
using Imguard.Party.Shares;

namespace Imguard.Party;

/// <summary>
/// The one place the party library makes its exceptions, so messages stay uniform and never carry share bytes:
/// they name ids, offsets, lengths, limits and counts only.
/// </summary>
internal static class PartyError
{
    public static ShareStoreException InvalidDatasetId() =>
        new(ShareStoreErrorKind.InvalidId, $"A dataset id is 1 to {ShareFileFormat.MaxDatasetIdLength} characters of [A-Za-z0-9._-], starting with a letter or digit.");

    public static ShareStoreException InvalidUploadId() =>
        new(ShareStoreErrorKind.InvalidId, "An upload id is 32 lowercase hexadecimal characters.");

    public static ShareStoreException InvalidRequest(string reason) => new(ShareStoreErrorKind.InvalidRequest, reason);

    public static ShareStoreException DatasetNotFound(string datasetId) =>
        new(ShareStoreErrorKind.NotFound, $"Dataset '{datasetId}' is not stored here.");

    public static ShareStoreException UploadNotFound(string uploadId) =>
        new(ShareStoreErrorKind.NotFound, $"Upload '{uploadId}' does not exist or has finished.");

    public static ShareStoreException DatasetExists(string datasetId) =>
        new(ShareStoreErrorKind.AlreadyExists, $"Dataset '{datasetId}' is already stored; delete it before uploading it again.");

    public static ShareStoreException TooLarge(string what, long bytes, long limit) =>
        new(ShareStoreErrorKind.TooLarge, $"{what} is {bytes} bytes; the limit is {limit}.");

    public static ShareStoreException ChunkTooLarge(long bytes, long limit) =>
        new(ShareStoreErrorKind.ChunkTooLarge, $"A chunk of {bytes} bytes exceeds the chunk limit of {limit} bytes.");

    public static ShareStoreException BeyondDeclared(string uploadId, long offset, long length, long declared) =>
        new(ShareStoreErrorKind.TooLarge, $"Upload '{uploadId}': a chunk of {length} bytes at offset {offset} goes past the declared length of {declared} bytes.");

    public static ShareStoreException OffsetConflict(string uploadId, long offset, long length, long committed) =>
        new(ShareStoreErrorKind.OffsetConflict, $"Upload '{uploadId}': a chunk at offset {offset} of {length} bytes does not continue the committed length {committed}; resume at offset {committed}.");

    public static ShareStoreException StoredRangeDiffers(string uploadId, long offset, long length) =>
        new(ShareStoreErrorKind.OffsetConflict, $"Upload '{uploadId}': bytes {offset}..{offset + length - 1} are already stored with different content.");

    public static ShareStoreException ChunkHashMismatch(string uploadId, long offset, long length) =>
        new(ShareStoreErrorKind.ChunkHashMismatch, $"Upload '{uploadId}': the chunk at offset {offset} ({length} bytes) does not match its SHA-256; nothing was written.");

    public static ShareStoreException Incomplete(string uploadId, long committed, long declared) =>
        new(ShareStoreErrorKind.Incomplete, $"Upload '{uploadId}' has {committed} of {declared} declared bytes; send the rest before completing.");

    public static ShareStoreException InvalidShareFile(string what, ShareFileException inner) =>
        new(ShareStoreErrorKind.InvalidShareFile, $"{what} is not a valid share file: {inner.Message}", inner);

    public static ShareStoreException DeclarationMismatch(string what, string field, string declared, string actual) =>
        new(ShareStoreErrorKind.DeclarationMismatch, $"{what}: the file's header has {field} {actual}, the upload declared {declared}.");

    public static ShareStoreException SessionCorrupt(string uploadId, string reason, Exception? inner = null) =>
        new(ShareStoreErrorKind.SessionCorrupt, $"Upload '{uploadId}' cannot be resumed: {reason}.", inner);

    public static ShareStoreException QuotaExceeded(string scope, string name, long used, long declared, long quota) =>
        new(ShareStoreErrorKind.QuotaExceeded,
            $"The {scope} storage quota at this party is {quota} bytes; {scope} '{name}' has {used} bytes stored or being uploaded, and this upload declares {declared} more. Delete datasets of this {scope} first, or ask the operator for a larger quota.");

    public static ShareStoreException DatasetClosed(string datasetId, DatasetClosure closure) =>
        new(ShareStoreErrorKind.DatasetClosed, closure == DatasetClosure.Deleted
            ? $"Dataset '{datasetId}' has been deleted; this party takes no upload of it."
            : $"Dataset '{datasetId}' has been rejected by the platform; this party takes no upload of it.");

    public static ShareStoreException UploadExpired(string uploadId, TimeSpan expiry) =>
        new(ShareStoreErrorKind.Expired, $"Upload '{uploadId}' received no chunk for {expiry} and was removed; start the upload again.");

    public static ArgumentException InvalidOption(string name, string requirement) =>
        new($"Invalid share store option {name}: {requirement}.", name);
}
