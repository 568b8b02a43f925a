using System.Security.Cryptography;
using Imguard.Contracts.Datasets;
using Imguard.Platform.Data;
using Imguard.Platform.Projects;
using Microsoft.EntityFrameworkCore;

namespace Imguard.Platform.Datasets;

/// <summary>
/// Registering datasets and reading them. The owner's client registers a dataset's metadata with the digest of each
/// half; the parties' reports (<see cref="DatasetHalfReports"/>) then make it Ready or Rejected, and deletion
/// (<see cref="DatasetDeletions"/>) removes the halves; <see cref="DatasetStateMachine"/> holds the states between.
/// Registration and fresh upload grants are refused once the user's or the project's datasets would exceed their
/// storage quota (<see cref="StorageQuotaOptions"/>).
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
            ?? DatasetRows.CheckDigest(registration.Party0Digest, "party 0's digest")
            ?? DatasetRows.CheckDigest(registration.Party1Digest, "party 1's digest")
            ?? (registration.Id is null || IsClientId(registration.Id) ? null : "A dataset id is 'ds-' and 16 to 32 lower-case hex digits.")
            ?? ((registration.Scaling ?? PixelScaling.Own).Check(project.Channels) is { } badScaling ? $"The pixel scaling is not valid: {badScaling}" : null);
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
            Status = DatasetStateMachine.Initial,
            CreatedBy = userId,
            CreatedAt = now,
            UpdatedAt = now,
        };
        DatasetRows.SetScaling(dataset, registration.Scaling ?? PixelScaling.Own);
        db.Datasets.Add(dataset);
        await db.SaveChangesAsync(cancellationToken);
        return DatasetRows.ToInfo(dataset);
    }

    /// <summary>
    /// The dataset's owner (its uploader, and no one else: 403 for another member, 404 for a non-member) discloses the
    /// per-channel statistics their client standardised it with, so it can join jobs standardised over the union: its
    /// scaling goes from <c>own</c> to <c>disclosed</c> with those numbers, for good. Only from <c>own</c> and while the
    /// dataset is not being deleted (409 otherwise); the numbers are checked for the dataset's channel count (400).
    /// A job made before keeps the scaling its terms were built with (a job's standardisation is fixed at its
    /// creation): its creator makes a new job to use the disclosed statistics.
    /// </summary>
    public Task<Outcome<DatasetInfo>> DiscloseStatisticsAsync(Guid userId, string datasetId, IReadOnlyList<double>? mean, IReadOnlyList<double>? std,
        CancellationToken cancellationToken = default) =>
        _database.RunAsync(async db =>
        {
            DatasetEntity? dataset = await DatasetRows.FindAsync(db, datasetId, cancellationToken, tracked: true);
            if (dataset is null)
            {
                return PlatformError.DatasetNotFound<DatasetInfo>(datasetId ?? "");
            }
            ProjectAccessCheck check = await ProjectAccess.CheckAsync(db, userId, dataset.ProjectId, ProjectPermission.View, cancellationToken);
            if (check.Decision == AccessDecision.NotFound)
            {
                return PlatformError.DatasetNotFound<DatasetInfo>(dataset.Id);
            }
            if (!check.Allowed || dataset.CreatedBy != userId)
            {
                return PlatformError.Forbidden<DatasetInfo>($"Only the owner of dataset {dataset.Id} (the member who shared it) may disclose its statistics.");
            }
            if (dataset.Status is DatasetStatus.Deleting or DatasetStatus.Deleted)
            {
                return PlatformError.Conflict<DatasetInfo>($"Dataset {dataset.Id} is {dataset.Status.ToString().ToLowerInvariant()}; its statistics can no longer be disclosed.");
            }
            if (dataset.Scaling != PixelScalings.Own)
            {
                return PlatformError.Conflict<DatasetInfo>(dataset.Scaling == PixelScalings.Disclosed
                    ? $"Dataset {dataset.Id} has disclosed its statistics already; a disclosure cannot be changed (share the data again for other numbers)."
                    : $"Dataset {dataset.Id} is scaled '{dataset.Scaling}': only a dataset standardised with its owner's own statistics has statistics to disclose.");
            }
            PixelScaling disclosed = PixelScaling.Disclose(mean ?? [], std ?? []);
            if (disclosed.Check(dataset.Channels) is { } invalid)
            {
                return PlatformError.Invalid<DatasetInfo>($"The statistics are not valid: {invalid}");
            }

            DatasetRows.SetScaling(dataset, disclosed);
            dataset.UpdatedAt = PlatformTime.Now(_time);
            db.Touch(dataset);
            await db.SaveChangesAsync(cancellationToken);
            return DatasetRows.ToInfo(dataset);
        }, cancellationToken);

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
        if (!DatasetStateMachine.AcceptsUploads(dataset.Status))
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
        DatasetEntity? dataset = await DatasetRows.FindAsync(db, datasetId, cancellationToken);
        if (dataset is null)
        {
            return PlatformError.DatasetNotFound<DatasetInfo>(datasetId ?? "");
        }

        ProjectAccessCheck check = await ProjectAccess.CheckAsync(db, userId, dataset.ProjectId, permission, cancellationToken);
        return check.Decision switch
        {
            AccessDecision.Allowed => DatasetRows.ToInfo(dataset),
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

        List<DatasetEntity> datasets = await db.Datasets.AsNoTracking().Include(d => d.Reports).Include(d => d.Creator)
            .Where(d => d.ProjectId == projectId && (includeDeleted || d.Status != DatasetStatus.Deleted))
            .OrderByDescending(d => d.CreatedAt).ThenBy(d => d.Id).ToListAsync(cancellationToken);
        return Outcome<IReadOnlyList<DatasetInfo>>.Ok([.. datasets.Select(DatasetRows.ToInfo)]);
    }

    /// <summary>
    /// The registration a party checks an incoming upload against (the party is authenticated by its certificate
    /// in the HTTP layer; it sees metadata and both digests, which are hashes, not contents).
    /// </summary>
    public async Task<Outcome<DatasetInfo>> GetForPartyAsync(string datasetId, CancellationToken cancellationToken = default)
    {
        await using PlatformDbContext db = _database.CreateContext();
        DatasetEntity? dataset = await DatasetRows.FindAsync(db, datasetId, cancellationToken);
        return dataset is null ? PlatformError.DatasetNotFound<DatasetInfo>(datasetId ?? "") : DatasetRows.ToInfo(dataset);
    }

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
}
