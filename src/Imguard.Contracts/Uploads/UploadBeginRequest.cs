namespace Imguard.Contracts.Uploads;

/// <summary>Starts an upload of one dataset half to a party: which dataset, and the exact size of its share file.</summary>
public sealed record UploadBeginRequest(string DatasetId, long TotalBytes);
