using System.Security.Cryptography;
using Imguard.Contracts.Shares;
using Imguard.Platform.Data;
using Imguard.Platform.Jobs;
using Imguard.Platform.Projects;
using Microsoft.EntityFrameworkCore;

namespace Imguard.Platform.Datasets;

/// <summary>
/// Dataset metadata and the two-party handshake that makes a dataset usable. The owner's client registers the
/// dataset (with the digest of each half); each party reports what it received; the dataset becomes
/// <see cref="DatasetStatus.Ready"/> only when both reports match the registration, and
/// <see cref="DatasetStatus.Rejected"/> for good at the first mismatch, with a reason naming the party and the
/// fields (shapes and counts are metadata; digests are never echoed). Deletion waits for both parties to confirm.
/// Reports and confirmations from the two parties may arrive together: the dataset row is versioned and an
/// update that lost the race is re-decided on fresh data. Registration and fresh upload grants are refused once the
/// user's or the project's datasets would exceed their storage quota (<see cref="StorageQuotaOptions"/>).
/// </summary>
public sealed class DatasetRegistry
{
    /// <summary>The most images one dataset may register.</summary>
    public const int MaxCount = 10_000_000;

    /// <summary>The fixed-point fractional bits accepted (the engine's range).</summary>
    public const int MaxFractionalBits = 40;

    private readonly PlatformDatabase _database;
    private readonly TimeProvider _time;
    private readonly StorageQuotaOptions _quotas;

    /// <param name="database">The migrated platform database.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="quotas">Storage quotas; the defaults when null.</param>
    public DatasetRegistry(PlatformDatabase database, TimeProvider? timeProvider = null, StorageQuotaOptions? quotas = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        _quotas = quotas ?? new StorageQuotaOptions();
        _quotas.Validate();
        _database = database;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// Registers a dataset; needs <see cref="ProjectPermission.UploadData"/>, and room in the user's and the project's
    /// storage quota (Conflict otherwise, naming the quota and its use). Returns it with its new <c>ds-…</c> id.
    /// </summary>
    public async Task<Outcome<DatasetInfo>> RegisterAsync(Guid userId, DatasetRegistration registration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registration);
        return await _database.RunAsync(db => RegisterAsync(db, userId, registration, cancellationToken), cancellationToken);
    }

    private async Task<Outcome<DatasetInfo>> RegisterAsync(PlatformDbContext db, Guid userId, DatasetRegistration registration, CancellationToken cancellationToken)
    {
        ProjectAccessCheck check = await ProjectAccess.CheckAsync(db, userId, registration.ProjectId, ProjectPermission.UploadData, cancellationToken);
        if (!check.Allowed)
        {
            return PlatformError.Denied<DatasetInfo>(check, registration.ProjectId, ProjectPermission.UploadData);
        }

        ProjectEntity project = check.Project!;
        var projectShape = new ImageShape(project.Channels, project.Height, project.Width);
        string? invalid = InputRules.Name(registration.Name, "dataset name", PlatformDbContext.MaxNameLength)
            ?? (Enum.IsDefined(registration.Purpose) ? null : $"Unknown dataset purpose {registration.Purpose}.")
            ?? (registration.Shape == projectShape ? null : $"The images are {registration.Shape}; this project's input shape is {projectShape}.")
            ?? (registration.Classes == project.Classes ? null : $"The labels have {registration.Classes} classes; this project has {project.Classes}.")
            ?? (registration.Count is >= 1 and <= MaxCount ? null : $"A dataset has 1 to {MaxCount} images; {registration.Count} given.")
            ?? (registration.FractionalBits is >= 0 and <= MaxFractionalBits ? null : $"Fixed-point formats use 0 to {MaxFractionalBits} fractional bits; {registration.FractionalBits} given.")
            ?? CheckDigest(registration.Party0Digest, "party 0's digest")
            ?? CheckDigest(registration.Party1Digest, "party 1's digest")
            ?? (registration.Id is null || IsClientId(registration.Id) ? null : "A dataset id is 'ds-' and 16 to 32 lower-case hex digits.");
        if (invalid is not null)
        {
            return PlatformError.Invalid<DatasetInfo>(invalid);
        }
        if (registration.Id is not null && await db.Datasets.AnyAsync(d => d.Id == registration.Id, cancellationToken))
        {
            return PlatformError.Conflict<DatasetInfo>($"Dataset id {registration.Id} is taken; share the data again (a new id).");
        }

        // Claim the user's and the project's rows: two registrations at once are decided one after the other, so
        // together they cannot pass a quota that each alone fits.
        UserEntity user = await db.Users.FirstAsync(u => u.Id == userId, cancellationToken);
        db.Touch(user);
        db.Touch(project);
        long size = DatasetStorage.HalfBytes(registration.Shape, registration.Count, registration.Classes);
        if (await CheckQuotaAsync(db, userId, project.Id, size, null, "Registering this dataset", cancellationToken) is { } over)
        {
            return PlatformError.QuotaExceeded<DatasetInfo>(over);
        }

        DateTimeOffset now = PlatformTime.Now(_time);
        var dataset = new DatasetEntity
        {
            Id = registration.Id ?? "ds-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10)),
            ProjectId = project.Id,
            Name = registration.Name.Trim(),
            Purpose = registration.Purpose,
            Channels = registration.Shape.Channels,
            Height = registration.Shape.Height,
            Width = registration.Shape.Width,
            Count = registration.Count,
            Classes = registration.Classes,
            FractionalBits = registration.FractionalBits,
            Party0Digest = registration.Party0Digest.ToLowerInvariant(),
            Party1Digest = registration.Party1Digest.ToLowerInvariant(),
            Status = DatasetStatus.Registered,
            CreatedBy = userId,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Datasets.Add(dataset);
        await db.SaveChangesAsync(cancellationToken);
        return ToInfo(dataset);
    }

    private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");

    private static bool IsClientId(string id) =>
        id.Length is >= 19 and <= 35 && id.StartsWith("ds-", StringComparison.Ordinal) && !id.AsSpan(3).ContainsAnyExcept(LowerHex);

    /// <summary>
    /// A dataset the user may upload halves of, before the platform issues fresh upload grants for it: the user needs
    /// <see cref="ProjectPermission.UploadData"/>, the dataset must still wait for its halves, and its creator's and
    /// its project's datasets must fit their storage quotas (which may have been lowered since it was registered).
    /// </summary>
    public async Task<Outcome<DatasetInfo>> GetForUploadAsync(Guid userId, string datasetId, CancellationToken cancellationToken = default)
    {
        Outcome<DatasetInfo> found = await GetAsync(userId, datasetId, ProjectPermission.UploadData, cancellationToken);
        if (!found.IsOk)
        {
            return found;
        }

        DatasetInfo dataset = found.Value;
        if (dataset.Status != DatasetStatus.Registered)
        {
            return PlatformError.Conflict<DatasetInfo>(
                $"Dataset {dataset.Id} is {dataset.Status.ToString().ToLowerInvariant()}; uploads are accepted only while it waits for its halves.");
        }

        await using PlatformDbContext db = _database.CreateContext();
        long size = DatasetStorage.HalfBytes(dataset.Shape, dataset.Count, dataset.Classes);
        string? over = await CheckQuotaAsync(db, dataset.CreatedBy, dataset.ProjectId, size, dataset.Id, $"Dataset {dataset.Id}", cancellationToken);
        return over is null ? dataset : PlatformError.QuotaExceeded<DatasetInfo>(over);
    }

    /// <summary>One dataset, if the user may view its project.</summary>
    public Task<Outcome<DatasetInfo>> GetAsync(Guid userId, string datasetId, CancellationToken cancellationToken = default) =>
        GetAsync(userId, datasetId, ProjectPermission.View, cancellationToken);

    /// <summary>
    /// One dataset, if the user holds <paramref name="permission"/> in its project (for example UploadData before
    /// the platform issues fresh upload grants). A non-member gets NotFound; a member without the right, Forbidden.
    /// </summary>
    public async Task<Outcome<DatasetInfo>> GetAsync(Guid userId, string datasetId, ProjectPermission permission, CancellationToken cancellationToken = default)
    {
        await using PlatformDbContext db = _database.CreateContext();
        DatasetEntity? dataset = await FindAsync(db, datasetId, cancellationToken);
        if (dataset is null)
        {
            return PlatformError.DatasetNotFound<DatasetInfo>(datasetId ?? "");
        }

        ProjectAccessCheck check = await ProjectAccess.CheckAsync(db, userId, dataset.ProjectId, permission, cancellationToken);
        return check.Decision switch
        {
            AccessDecision.Allowed => ToInfo(dataset),
            AccessDecision.NotFound => PlatformError.DatasetNotFound<DatasetInfo>(datasetId!),
            _ => PlatformError.Denied<DatasetInfo>(check, dataset.ProjectId, permission),
        };
    }

    /// <summary>A project's datasets, newest first; deleted ones only when asked.</summary>
    public async Task<Outcome<IReadOnlyList<DatasetInfo>>> ListAsync(Guid userId, Guid projectId, bool includeDeleted = false, CancellationToken cancellationToken = default)
    {
        await using PlatformDbContext db = _database.CreateContext();
        ProjectAccessCheck check = await ProjectAccess.CheckAsync(db, userId, projectId, ProjectPermission.View, cancellationToken);
        if (!check.Allowed)
        {
            return PlatformError.Denied<IReadOnlyList<DatasetInfo>>(check, projectId, ProjectPermission.View);
        }

        List<DatasetEntity> datasets = await db.Datasets.AsNoTracking().Include(d => d.Reports)
            .Where(d => d.ProjectId == projectId && (includeDeleted || d.Status != DatasetStatus.Deleted))
            .OrderByDescending(d => d.CreatedAt).ThenBy(d => d.Id).ToListAsync(cancellationToken);
        return Outcome<IReadOnlyList<DatasetInfo>>.Ok([.. datasets.Select(ToInfo)]);
    }

    /// <summary>
    /// The registration a party checks an incoming upload against (the party is authenticated by its certificate
    /// in the HTTP layer; it sees metadata and both digests, which are hashes, not contents).
    /// </summary>
    public async Task<Outcome<DatasetInfo>> GetForPartyAsync(string datasetId, CancellationToken cancellationToken = default)
    {
        await using PlatformDbContext db = _database.CreateContext();
        DatasetEntity? dataset = await FindAsync(db, datasetId, cancellationToken);
        return dataset is null ? PlatformError.DatasetNotFound<DatasetInfo>(datasetId ?? "") : ToInfo(dataset);
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
    public async Task<Outcome<DatasetInfo>> ReportHalfAsync(string datasetId, int partyId, ImageShape shape, int count, int? classes, string digest, CancellationToken cancellationToken = default)
    {
        string? invalid = CheckParty(partyId)
            ?? (count >= 0 ? null : $"A count cannot be negative; {count} given.")
            ?? CheckDigest(digest, "reported digest");
        if (invalid is not null)
        {
            return PlatformError.Invalid<DatasetInfo>(invalid);
        }

        string reportedDigest = digest.ToLowerInvariant();
        return await _database.RunAsync(async db =>
        {
            DatasetEntity? dataset = await FindAsync(db, datasetId, cancellationToken, tracked: true);
            if (dataset is null)
            {
                return PlatformError.DatasetNotFound<DatasetInfo>(datasetId ?? "");
            }

            if (RefusesReports(dataset) is { } refusal)
            {
                return PlatformError.Conflict<DatasetInfo>(refusal);
            }

            DateTimeOffset now = PlatformTime.Now(_time);
            DatasetHalfReportEntity? earlier = dataset.Reports.FirstOrDefault(r => r.PartyId == partyId);
            if (earlier is not null)
            {
                List<string> changed = Differences(new ImageShape(earlier.Channels, earlier.Height, earlier.Width), earlier.Count, earlier.Digest, shape, count, reportedDigest);
                AddClassDifference(changed, dataset.Classes, classes);
                if (changed.Count == 0)
                {
                    return ToInfo(dataset); // a retry of the same report
                }

                Reject(dataset, $"Party {partyId} reported a second, different half ({string.Join("; ", changed)} compared with its first report).", now);
            }
            else
            {
                dataset.Reports.Add(new DatasetHalfReportEntity
                {
                    DatasetId = dataset.Id,
                    PartyId = partyId,
                    Channels = shape.Channels,
                    Height = shape.Height,
                    Width = shape.Width,
                    Count = count,
                    Digest = reportedDigest,
                    ReportedAt = now,
                });
                string registeredDigest = partyId == 0 ? dataset.Party0Digest : dataset.Party1Digest;
                List<string> mismatches = Differences(new ImageShape(dataset.Channels, dataset.Height, dataset.Width), dataset.Count, registeredDigest, shape, count, reportedDigest);
                AddClassDifference(mismatches, dataset.Classes, classes);
                if (mismatches.Count > 0)
                {
                    Reject(dataset, $"Party {partyId}'s half does not match the registration: {string.Join("; ", mismatches)}.", now);
                }
                else if (dataset.Reports.Count == 2)
                {
                    // The other party's report was checked against the registration when it arrived.
                    dataset.Status = DatasetStatus.Ready;
                    dataset.ReadyAt = now;
                }
            }

            dataset.UpdatedAt = now;
            db.Touch(dataset);
            await db.SaveChangesAsync(cancellationToken);
            return ToInfo(dataset);
        }, cancellationToken);
    }

    /// <summary>
    /// Asks both parties to delete their halves; needs <see cref="ProjectPermission.DeleteData"/>. Refused while
    /// a queued or running job uses the dataset. The dataset is unusable from now on and Deleted once both confirm.
    /// </summary>
    public Task<Outcome<DatasetInfo>> RequestDeleteAsync(Guid userId, string datasetId, CancellationToken cancellationToken = default) =>
        _database.RunAsync(async db =>
        {
            DatasetEntity? dataset = await FindAsync(db, datasetId, cancellationToken, tracked: true);
            if (dataset is null)
            {
                return PlatformError.DatasetNotFound<DatasetInfo>(datasetId ?? "");
            }

            ProjectAccessCheck check = await ProjectAccess.CheckAsync(db, userId, dataset.ProjectId, ProjectPermission.DeleteData, cancellationToken);
            if (!check.Allowed)
            {
                return check.Decision == AccessDecision.NotFound
                    ? PlatformError.DatasetNotFound<DatasetInfo>(datasetId!)
                    : PlatformError.Denied<DatasetInfo>(check, dataset.ProjectId, ProjectPermission.DeleteData);
            }

            if (dataset.Status is DatasetStatus.Deleting or DatasetStatus.Deleted)
            {
                return ToInfo(dataset);
            }

            string id = dataset.Id;
            string? activeJob = await db.Jobs
                .Where(j => (j.TrainDatasetId == id || j.TestDatasetId == id) && (j.State == JobState.Queued || j.State == JobState.Preprocessing || j.State == JobState.Running))
                .Select(j => j.Id).FirstOrDefaultAsync(cancellationToken);
            if (activeJob is not null)
            {
                return PlatformError.Conflict<DatasetInfo>($"Job {activeJob} uses this dataset; cancel it or wait for it to finish first.");
            }

            DateTimeOffset now = PlatformTime.Now(_time);
            dataset.Status = DatasetStatus.Deleting;
            dataset.DeletionRequestedAt = now;
            dataset.UpdatedAt = now;
            db.Touch(dataset);
            await db.SaveChangesAsync(cancellationToken);
            return ToInfo(dataset);
        }, cancellationToken);

    /// <summary>
    /// Party <paramref name="partyId"/> says it removed its half; the dataset is Deleted once both have. Confirming
    /// twice is harmless; confirming a dataset that is not being deleted is a Conflict.
    /// </summary>
    public Task<Outcome<DatasetInfo>> ConfirmDeletedAsync(string datasetId, int partyId, CancellationToken cancellationToken = default)
    {
        if (CheckParty(partyId) is { } invalid)
        {
            return Task.FromResult(PlatformError.Invalid<DatasetInfo>(invalid));
        }

        return _database.RunAsync(async db =>
        {
            DatasetEntity? dataset = await FindAsync(db, datasetId, cancellationToken, tracked: true);
            if (dataset is null)
            {
                return PlatformError.DatasetNotFound<DatasetInfo>(datasetId ?? "");
            }

            if (dataset.Status == DatasetStatus.Deleted)
            {
                return ToInfo(dataset);
            }

            if (dataset.Status != DatasetStatus.Deleting)
            {
                return PlatformError.Conflict<DatasetInfo>($"Dataset {dataset.Id} is {dataset.Status}, not being deleted; a party deletes a half only when asked.");
            }

            DateTimeOffset now = PlatformTime.Now(_time);
            if (partyId == 0)
            {
                dataset.Party0DeletedAt ??= now;
            }
            else
            {
                dataset.Party1DeletedAt ??= now;
            }

            if (dataset.Party0DeletedAt is not null && dataset.Party1DeletedAt is not null)
            {
                dataset.Status = DatasetStatus.Deleted;
                dataset.DeletedAt = now;
            }

            dataset.UpdatedAt = now;
            db.Touch(dataset);
            await db.SaveChangesAsync(cancellationToken);
            return ToInfo(dataset);
        }, cancellationToken);
    }

    /// <summary>
    /// Datasets being deleted and the parties that have not confirmed yet, oldest request first: the work list of
    /// the platform's deletion worker (which asks each party and calls <see cref="ConfirmDeletedAsync"/>).
    /// </summary>
    public async Task<IReadOnlyList<PendingDeletion>> ListPendingDeletionsAsync(int limit = 100, CancellationToken cancellationToken = default)
    {
        await using PlatformDbContext db = _database.CreateContext();
        var rows = await db.Datasets.AsNoTracking().Where(d => d.Status == DatasetStatus.Deleting)
            .OrderBy(d => d.DeletionRequestedAt).ThenBy(d => d.Id).Take(limit)
            .Select(d => new { d.Id, d.ProjectId, Party0 = d.Party0DeletedAt == null, Party1 = d.Party1DeletedAt == null })
            .ToListAsync(cancellationToken);
        return [.. rows.Select(r => new PendingDeletion(r.Id, r.ProjectId, r.Party0, r.Party1))];
    }

    internal static DatasetInfo ToInfo(DatasetEntity d) => new(
        d.Id, d.ProjectId, d.Name, d.Purpose, new ImageShape(d.Channels, d.Height, d.Width), d.Count, d.Classes, d.FractionalBits,
        d.Party0Digest, d.Party1Digest, d.Status, d.RejectionReason,
        d.Reports.Any(r => r.PartyId == 0), d.Reports.Any(r => r.PartyId == 1),
        d.CreatedBy, d.CreatedAt, d.UpdatedAt, d.ReadyAt);

    // Why a dataset of `size` bytes at each party does not fit the quotas of `userId` (its creator) and `projectId`
    // next to their datasets that are not deleted (`excludeId` aside: the dataset itself when it is registered
    // already), or null. The message names the quota, its use and how to get room.
    private async Task<string?> CheckQuotaAsync(PlatformDbContext db, Guid userId, Guid projectId, long size, string? excludeId, string what,
        CancellationToken cancellationToken)
    {
        var rows = await db.Datasets.AsNoTracking()
            .Where(d => d.Status != DatasetStatus.Deleted && (d.CreatedBy == userId || d.ProjectId == projectId) && d.Id != excludeId)
            .Select(d => new { d.CreatedBy, d.ProjectId, d.Channels, d.Height, d.Width, d.Count, d.Classes })
            .ToListAsync(cancellationToken);
        long Used(Func<Guid, Guid, bool> mine) =>
            rows.Where(r => mine(r.CreatedBy, r.ProjectId)).Sum(r => DatasetStorage.HalfBytes(new ImageShape(r.Channels, r.Height, r.Width), r.Count, r.Classes));

        long userUse = Used((creator, _) => creator == userId);
        if (userUse + size > _quotas.PerUserBytes)
        {
            return $"{what} ({DatasetStorage.Format(size)} at each party) would exceed the per-user storage quota: {DatasetStorage.Format(userUse)} of "
                + $"{DatasetStorage.Format(_quotas.PerUserBytes)} is in use by the datasets this user registered (those not deleted). Delete datasets "
                + "that are no longer needed, or ask the platform's operator to raise Platform:Quotas:PerUserBytes.";
        }

        long projectUse = Used((_, project) => project == projectId);
        if (projectUse + size > _quotas.PerProjectBytes)
        {
            return $"{what} ({DatasetStorage.Format(size)} at each party) would exceed the per-project storage quota: {DatasetStorage.Format(projectUse)} of "
                + $"{DatasetStorage.Format(_quotas.PerProjectBytes)} is in use by this project's datasets (those not deleted). Delete datasets "
                + "that are no longer needed, or ask the platform's operator to raise Platform:Quotas:PerProjectBytes.";
        }

        return null;
    }

    private static async Task<DatasetEntity?> FindAsync(PlatformDbContext db, string? datasetId, CancellationToken cancellationToken, bool tracked = false)
    {
        // A string that is no dataset id never reaches the database (a NUL in it would fail the query on PostgreSQL).
        if (string.IsNullOrEmpty(datasetId) || datasetId.Length > PlatformDbContext.MaxIdLength || !ShareFileFormat.IsValidDatasetId(datasetId))
        {
            return null;
        }

        IQueryable<DatasetEntity> query = db.Datasets.Include(d => d.Reports);
        return await (tracked ? query : query.AsNoTracking()).FirstOrDefaultAsync(d => d.Id == datasetId, cancellationToken);
    }

    private static string? RefusesReports(DatasetEntity dataset) => dataset.Status switch
    {
        DatasetStatus.Rejected => $"Dataset {dataset.Id} was rejected and takes no more reports: {dataset.RejectionReason}",
        DatasetStatus.Deleting or DatasetStatus.Deleted => $"Dataset {dataset.Id} is {dataset.Status.ToString().ToLowerInvariant()}; delete the half instead of reporting it.",
        _ => null,
    };

    private static void Reject(DatasetEntity dataset, string reason, DateTimeOffset now)
    {
        dataset.Status = DatasetStatus.Rejected;
        dataset.RejectionReason = reason.Length <= PlatformDbContext.MaxReasonLength ? reason : reason[..(PlatformDbContext.MaxReasonLength - 1)] + "…";
        dataset.ReadyAt = null;
        dataset.UpdatedAt = now;
    }

    // Field by field, expected first; digests are named, never shown.
    private static List<string> Differences(ImageShape expectedShape, int expectedCount, string expectedDigest, ImageShape shape, int count, string digest)
    {
        var differences = new List<string>();
        if (shape != expectedShape)
        {
            differences.Add($"shape {shape} reported, {expectedShape} expected");
        }

        if (count != expectedCount)
        {
            differences.Add($"count {count} reported, {expectedCount} expected");
        }

        if (!CryptographicOperations.FixedTimeEquals(Convert.FromHexString(digest), Convert.FromHexString(expectedDigest)))
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

    private static string? CheckParty(int partyId) => partyId is 0 or 1 ? null : $"Party ids are 0 and 1; {partyId} given.";

    private static string? CheckDigest(string? digest, string what) =>
        digest is { Length: PlatformDbContext.DigestLength } && digest.All(char.IsAsciiHexDigit)
            ? null
            : $"The {what} must be a SHA-256 in hex ({PlatformDbContext.DigestLength} characters 0-9, a-f).";
}
