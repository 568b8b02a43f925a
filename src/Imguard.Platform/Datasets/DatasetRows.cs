using System.Text.Json;
using Imguard.Contracts.Datasets;
using Imguard.Contracts.Shares;
using Imguard.Platform.Data;
using Imguard.Platform.Projects;
using Microsoft.EntityFrameworkCore;

namespace Imguard.Platform.Datasets;

/// <summary>
/// What the dataset services share about the stored row: finding it by id (with the parties' reports) and turning it
/// into the <see cref="DatasetInfo"/> callers see.
/// </summary>
internal static class DatasetRows
{
    /// <summary>The dataset with its reports, or null; <paramref name="tracked"/> when the caller changes it.</summary>
    public static async Task<DatasetEntity?> FindAsync(PlatformDbContext db, string? datasetId, CancellationToken cancellationToken, bool tracked = false)
    {
        // A string that is no dataset id never reaches the database (a NUL in it would fail the query on PostgreSQL).
        if (string.IsNullOrEmpty(datasetId) || datasetId.Length > PlatformDbContext.MaxIdLength || !ShareFileFormat.IsValidDatasetId(datasetId))
        {
            return null;
        }

        IQueryable<DatasetEntity> query = db.Datasets.Include(d => d.Reports).Include(d => d.Creator);
        return await (tracked ? query : query.AsNoTracking()).FirstOrDefaultAsync(d => d.Id == datasetId, cancellationToken);
    }

    public static DatasetInfo ToInfo(DatasetEntity d) => new(
        d.Id, d.ProjectId, d.Name, d.Purpose, new ImageShape(d.Channels, d.Height, d.Width), d.Count, d.Classes, d.FractionalBits,
        d.Party0Digest, d.Party1Digest, d.Status, d.RejectionReason,
        d.Reports.Any(r => r.PartyId == 0), d.Reports.Any(r => r.PartyId == 1),
        d.CreatedBy, d.CreatedAt, d.UpdatedAt, d.ReadyAt, d.OwnerKey, d.Creator?.UserName, Scaling(d));

    /// <summary>The dataset's scaling as stored: the kind, and a disclosed one's statistics.</summary>
    public static PixelScaling Scaling(DatasetEntity d)
    {
        ArgumentNullException.ThrowIfNull(d);
        if (d.Scaling != PixelScalings.Disclosed || d.DisclosedStatisticsJson is null)
        {
            return d.Scaling == PixelScalings.Raw ? PixelScaling.Raw : PixelScaling.Own;
        }
        DisclosedStatistics statistics = JsonSerializer.Deserialize<DisclosedStatistics>(d.DisclosedStatisticsJson, JsonSerializerOptions.Web)
            ?? throw new InvalidOperationException($"Dataset {d.Id} has no disclosed statistics.");
        return PixelScaling.Disclose(statistics.Mean, statistics.Std);
    }

    /// <summary>Stores <paramref name="scaling"/> (checked by the caller) in the row.</summary>
    public static void SetScaling(DatasetEntity d, PixelScaling scaling)
    {
        ArgumentNullException.ThrowIfNull(d);
        ArgumentNullException.ThrowIfNull(scaling);
        d.Scaling = scaling.Kind;
        // System.Text.Json writes doubles in their shortest round-trip form, so the numbers read back are the ones
        // signed in the consent terms (PixelScaling.ToConsentText).
        d.DisclosedStatisticsJson = scaling.Kind == PixelScalings.Disclosed
            ? JsonSerializer.Serialize(new DisclosedStatistics([.. scaling.Mean!], [.. scaling.Std!]), JsonSerializerOptions.Web)
            : null;
    }

    private sealed record DisclosedStatistics(IReadOnlyList<double> Mean, IReadOnlyList<double> Std);

    /// <summary>Why <paramref name="partyId"/> is no party id, or null.</summary>
    public static string? CheckParty(int partyId) => partyId is 0 or 1 ? null : $"Party ids are 0 and 1; {partyId} given.";

    /// <summary>Why <paramref name="digest"/> is no hex SHA-256 (<paramref name="what"/> names it), or null.</summary>
    public static string? CheckDigest(string? digest, string what) =>
        digest is { Length: PlatformDbContext.DigestLength } && digest.All(char.IsAsciiHexDigit)
            ? null
            : $"The {what} must be a SHA-256 in hex ({PlatformDbContext.DigestLength} characters 0-9, a-f).";
}
