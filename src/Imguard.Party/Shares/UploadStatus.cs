namespace Imguard.Party.Shares;

/// <summary>
/// Where a resumable upload stands: a client that lost its connection (or a party that restarted) resumes by sending
/// the bytes from <see cref="CommittedBytes"/> on.
/// </summary>
/// <param name="UploadId">The session id (32 lowercase hex characters).</param>
/// <param name="DatasetId">The dataset id the upload declared.</param>
/// <param name="PartyId">The party the half declares it belongs to.</param>
/// <param name="DeclaredBytes">The file length declared at the start.</param>
/// <param name="CommittedBytes">Bytes durably stored and acknowledged (the next chunk's offset).</param>
/// <param name="MaxBytes">The size limit this upload runs under.</param>
public sealed record UploadStatus(string UploadId, string DatasetId, int PartyId, long DeclaredBytes, long CommittedBytes, long MaxBytes)
{
    /// <summary>Whether every declared byte has arrived (the upload can be completed).</summary>
    public bool IsFullyReceived => CommittedBytes == DeclaredBytes;
}
