using System.Security.Cryptography;
using Imguard.Contracts.Consent;
using Imguard.Contracts.Datasets;
using Imguard.Platform.Data;
using Imguard.Platform.Projects;

namespace Imguard.Platform.Datasets;

/// <summary>
/// The parties' half reports: each party reports the shape, count, label width and SHA-256 of the half it received.
/// The dataset becomes <see cref="DatasetStatus.Ready"/> only when both reports match the registration, and
/// <see cref="DatasetStatus.Rejected"/> for good at the first mismatch, with a reason naming the party and the fields
/// (shapes and counts are metadata; digests are never echoed). Both parties may report at once: the dataset row is
/// versioned and a report that lost the race is decided again on fresh data. Where a report may lead is
/// <see cref="DatasetStateMachine"/>'s to say.
/// </summary>
public sealed class DatasetHalfReports
{
    private readonly PlatformDatabase _database;
    private readonly TimeProvider _time;

    /// <param name="database">The migrated platform database.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    public DatasetHalfReports(PlatformDatabase database, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// Records what party <paramref name="partyId"/> received. When both reports match the registration the
    /// dataset becomes Ready; a mismatch (or a second report from the same party that differs from its first)
    /// rejects it, and the returned dataset says why. Reporting the same thing twice is harmless. A dataset that is
    /// rejected or being deleted takes no reports (Conflict).
    /// </summary>
    public Task<Outcome<DatasetInfo>> ReportHalfAsync(string datasetId, int partyId, ImageShape shape, int count, string digest, CancellationToken cancellationToken = default) =>
        ReportHalfAsync(datasetId, partyId, shape, count, classes: null, digest, cancellationToken);

    /// <summary>
    /// As <see cref="ReportHalfAsync(string, int, ImageShape, int, string, CancellationToken)"/>, with the label width
    /// the party found (<paramref name="classes"/>; null when it did not check): a different class count than the
    /// registration's rejects the dataset like any other mismatch.
    /// </summary>
    public Task<Outcome<DatasetInfo>> ReportHalfAsync(string datasetId, int partyId, ImageShape shape, int count, int? classes, string digest, CancellationToken cancellationToken = default) =>
        ReportHalfAsync(datasetId, partyId, shape, count, classes, digest, ownerKey: null, cancellationToken);

    /// <summary>
    /// As above, with the owner key the party found in its half's verified header (<paramref name="ownerKey"/>, SPKI
    /// DER; null for a version-1 half). The two parties must report the same key (or both none): halves bound to
    /// different owners are not one dataset, and the dataset is rejected. The key is kept on the dataset when it
    /// becomes Ready.
    /// </summary>
    public async Task<Outcome<DatasetInfo>> ReportHalfAsync(string datasetId, int partyId, ImageShape shape, int count, int? classes, string digest, byte[]? ownerKey,
        CancellationToken cancellationToken = default)
    {
        string? invalid = DatasetRows.CheckParty(partyId)
            ?? (count >= 0 ? null : $"A count cannot be negative; {count} given.")
            ?? DatasetRows.CheckDigest(digest, "reported digest")
            ?? (ownerKey is null || OwnerKeys.Check(ownerKey) is not { } badKey ? null : $"The reported owner key is not usable: {badKey}.");
        if (invalid is not null)
        {
            return PlatformError.Invalid<DatasetInfo>(invalid);
        }

        var report = new PartyReport(partyId, shape, count, classes, digest.ToLowerInvariant(), ownerKey);
        return await _database.RunAsync(async db =>
        {
            DatasetEntity? dataset = await DatasetRows.FindAsync(db, datasetId, cancellationToken, tracked: true);
            if (dataset is null)
            {
                return PlatformError.DatasetNotFound<DatasetInfo>(datasetId ?? "");
            }

            (DatasetStatus to, string? rejection, bool repeated) = Decide(dataset, report);
            if (DatasetStateMachine.Move(dataset, DatasetTrigger.PartyReportsHalf, to) is { } refusal)
            {
                return PlatformError.Conflict<DatasetInfo>(refusal);
            }

            if (repeated)
            {
                return DatasetRows.ToInfo(dataset); // a retry of the same report
            }

            DateTimeOffset now = PlatformTime.Now(_time);
            if (!dataset.Reports.Any(r => r.PartyId == partyId))
            {
                dataset.Reports.Add(new DatasetHalfReportEntity
                {
                    DatasetId = dataset.Id,
                    PartyId = partyId,
                    Channels = shape.Channels,
                    Height = shape.Height,
                    Width = shape.Width,
                    Count = count,
                    Digest = report.Digest,
                    OwnerKey = ownerKey,
                    ReportedAt = now,
                });
            }

            if (rejection is not null)
            {
                dataset.RejectionReason = rejection.Length <= PlatformDbContext.MaxReasonLength ? rejection : rejection[..(PlatformDbContext.MaxReasonLength - 1)] + "…";
                dataset.ReadyAt = null;
            }
            else if (to == DatasetStatus.Ready)
            {
                dataset.ReadyAt = now;
                dataset.OwnerKey = ownerKey; // both parties reported this key (Decide)
            }

            dataset.UpdatedAt = now;
            db.Touch(dataset);
            await db.SaveChangesAsync(cancellationToken);
            return DatasetRows.ToInfo(dataset);
        }, cancellationToken);
    }

    // What the report does to the dataset, decided before anything changes: the state it leads to, the rejection
    // reason when it rejects, and whether it only repeats the party's earlier report.
    private static (DatasetStatus To, string? Rejection, bool Repeated) Decide(DatasetEntity dataset, PartyReport report)
    {
        DatasetHalfReportEntity? earlier = dataset.Reports.FirstOrDefault(r => r.PartyId == report.PartyId);
        if (earlier is not null)
        {
            List<string> changed = Differences(new ImageShape(earlier.Channels, earlier.Height, earlier.Width), earlier.Count, earlier.Digest, report);
            AddClassDifference(changed, dataset.Classes, report.Classes);
            if (!SameKey(earlier.OwnerKey, report.OwnerKey))
            {
                changed.Add("owner key differs");
            }
            return changed.Count == 0
                ? (dataset.Status, null, true)
                : (DatasetStatus.Rejected, $"Party {report.PartyId} reported a second, different half ({string.Join("; ", changed)} compared with its first report).", false);
        }

        string registeredDigest = report.PartyId == 0 ? dataset.Party0Digest : dataset.Party1Digest;
        List<string> mismatches = Differences(new ImageShape(dataset.Channels, dataset.Height, dataset.Width), dataset.Count, registeredDigest, report);
        AddClassDifference(mismatches, dataset.Classes, report.Classes);
        if (mismatches.Count > 0)
        {
            return (DatasetStatus.Rejected, $"Party {report.PartyId}'s half does not match the registration: {string.Join("; ", mismatches)}.", false);
        }

        // The other party's report, if in, was checked against the registration when it arrived; its owner key must be
        // this one: each party read the key from its own half's header, so two keys mean halves of two owners.
        DatasetHalfReportEntity? other = dataset.Reports.FirstOrDefault(r => r.PartyId != report.PartyId);
        if (other is not null && !SameKey(other.OwnerKey, report.OwnerKey))
        {
            return (DatasetStatus.Rejected, $"The parties' halves carry different owner keys (party {other.PartyId}: {Describe(other.OwnerKey)}; "
                + $"party {report.PartyId}: {Describe(report.OwnerKey)}): the halves were not shared together by one owner.", false);
        }

        return (dataset.Reports.Count == 1 ? DatasetStatus.Ready : dataset.Status, null, false);
    }

    // Field by field, expected first; digests are named, never shown.
    private static List<string> Differences(ImageShape expectedShape, int expectedCount, string expectedDigest, PartyReport report)
    {
        var differences = new List<string>();
        if (report.Shape != expectedShape)
        {
            differences.Add($"shape {report.Shape} reported, {expectedShape} expected");
        }

        if (report.Count != expectedCount)
        {
            differences.Add($"count {report.Count} reported, {expectedCount} expected");
        }

        if (!CryptographicOperations.FixedTimeEquals(Convert.FromHexString(report.Digest), Convert.FromHexString(expectedDigest)))
        {
            differences.Add("digest differs");
        }

        return differences;
    }

    private static void AddClassDifference(List<string> differences, int expected, int? reported)
    {
        if (reported is { } classes && classes != expected)
        {
            differences.Add($"classes {classes} reported, {expected} expected");
        }
    }

    private static bool SameKey(byte[]? a, byte[]? b) => a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);

    // A key by its short fingerprint (public; names the key without showing it).
    private static string Describe(byte[]? key) => key is null ? "none, a version-1 half" : "key " + OwnerKeys.ShortFingerprint(key);

    private sealed record PartyReport(int PartyId, ImageShape Shape, int Count, int? Classes, string Digest, byte[]? OwnerKey);
}
