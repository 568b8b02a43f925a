namespace Imguard.Platform.Data;

/// <summary>Row of <c>dataset_half_reports</c>: what one party says it received; one row per (dataset, party).</summary>
internal sealed class DatasetHalfReportEntity
{
    public string DatasetId { get; set; } = "";

    public int PartyId { get; set; }

    public int Channels { get; set; }

    public int Height { get; set; }

    public int Width { get; set; }

    public int Count { get; set; }

    public string Digest { get; set; } = "";

    /// <summary>The owner key (SPKI DER) in the header of the half the party stored; null for a version-1 half.</summary>
    public byte[]? OwnerKey { get; set; }

    public DateTimeOffset ReportedAt { get; set; }
}
