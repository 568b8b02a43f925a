namespace Imguard.Contracts.Uploads;

/// <summary>
/// A half stored whole: its digest (what the platform compares with the owner's registration) and whether the
/// platform has been told yet (if not, the party keeps retrying in the background).
/// </summary>
public sealed record UploadCompletedReply(string DatasetId, string Digest, long Bytes, bool ReportedToPlatform);
