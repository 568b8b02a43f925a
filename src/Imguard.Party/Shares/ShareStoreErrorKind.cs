namespace Imguard.Party.Shares;

/// <summary>
/// Why the share store refused a request, so the HTTP layer can pick a status (400, 404, 409, 410, 413, 422) without
/// parsing a message.
/// </summary>
public enum ShareStoreErrorKind
{
    /// <summary>A dataset or upload id breaks its pattern (refused before any path is built).</summary>
    InvalidId = 1,

    /// <summary>A malformed request: negative offset, empty chunk, a hash that is not 32 bytes, a bad party id.</summary>
    InvalidRequest = 2,

    /// <summary>No such dataset or upload (or the upload has finished).</summary>
    NotFound = 3,

    /// <summary>The dataset is already stored; it is never replaced.</summary>
    AlreadyExists = 4,

    /// <summary>The declared or actual upload size exceeds the allowed maximum.</summary>
    TooLarge = 5,

    /// <summary>One chunk exceeds the maximum chunk size.</summary>
    ChunkTooLarge = 6,

    /// <summary>A chunk not at the committed length (a gap, an overlap, or different bytes for a stored range).</summary>
    OffsetConflict = 7,

    /// <summary>A chunk's bytes do not match the SHA-256 sent with it; nothing was written.</summary>
    ChunkHashMismatch = 8,

    /// <summary>Completion was asked for before all declared bytes arrived.</summary>
    Incomplete = 9,

    /// <summary>The uploaded bytes are not a valid share file (see the inner <c>ShareFileException</c>).</summary>
    InvalidShareFile = 10,

    /// <summary>The file's header names another dataset id, party or length than the upload declared.</summary>
    DeclarationMismatch = 11,

    /// <summary>An upload's persisted state is unreadable or inconsistent with its data file.</summary>
    SessionCorrupt = 12,

    /// <summary>Storing the upload would take its user or project past the party's storage quota.</summary>
    QuotaExceeded = 13,

    /// <summary>The dataset was deleted or rejected: no upload of it is taken any more.</summary>
    DatasetClosed = 14,

    /// <summary>The upload received no chunk for longer than the expiry and was removed; start it again.</summary>
    Expired = 15,
}
