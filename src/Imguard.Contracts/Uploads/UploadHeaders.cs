namespace Imguard.Contracts.Uploads;

/// <summary>HTTP header names of the upload protocol.</summary>
public static class UploadHeaders
{
    /// <summary>The lower-case hex SHA-256 of a chunk's bytes; a chunk that does not match is refused unwritten.</summary>
    public const string ChunkSha256 = "X-Chunk-SHA256";
}
