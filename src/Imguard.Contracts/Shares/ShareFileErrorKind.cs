namespace Imguard.Contracts.Shares;

/// <summary>
/// Why a share file was refused, so a caller (an upload endpoint, the CLI) can map the failure to a status or a hint
/// without parsing a message.
/// </summary>
public enum ShareFileErrorKind
{
    /// <summary>The first eight bytes are not "IMGSHARE".</summary>
    NotAShareFile = 1,

    /// <summary>A format version this build does not read.</summary>
    UnsupportedVersion = 2,

    /// <summary>The header does not match its own SHA-256.</summary>
    HeaderCorrupt = 3,

    /// <summary>The header hashes correctly but a field breaks the format (bad id, party, kind, shape, chunk size).</summary>
    InvalidHeader = 4,

    /// <summary>The header declares sizes beyond the reader's <see cref="ShareFileLimits"/>; nothing was allocated.</summary>
    LimitExceeded = 5,

    /// <summary>The file is shorter or longer than its header implies.</summary>
    LengthMismatch = 6,

    /// <summary>A payload chunk does not match its SHA-256 in the trailer (payload or trailer corrupted).</summary>
    ChunkCorrupt = 7,
}
