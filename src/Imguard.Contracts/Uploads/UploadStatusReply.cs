namespace Imguard.Contracts.Uploads;

/// <summary>
/// Where an upload stands: the next chunk goes at <see cref="CommittedBytes"/> (everything before it is on the
/// party's disk, fsynced), at most <see cref="MaxChunkBytes"/> bytes per chunk.
/// </summary>
public sealed record UploadStatusReply(string UploadId, string DatasetId, long DeclaredBytes, long CommittedBytes, int MaxChunkBytes);
