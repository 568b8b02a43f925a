using Imguard.Contracts.Datasets;
using Imguard.Contracts.Jobs;
using Imguard.Platform.Data;
using Imguard.Platform.Jobs;
using Imguard.Platform.Projects;
using Microsoft.EntityFrameworkCore;

namespace Imguard.Platform.Datasets;

/// <summary>
/// Deleting a dataset: a project member with <see cref="ProjectPermission.DeleteData"/> asks, the dataset is unusable
/// from then on, the platform's deletion worker has each party remove its half, and the dataset is
/// <see cref="DatasetStatus.Deleted"/> once both have confirmed (only the metadata row stays). Both confirmations may
/// arrive at once: the dataset row is versioned and a confirmation that lost the race is recorded again on fresh data.
/// Where a request or a confirmation may lead is <see cref="DatasetStateMachine"/>'s to say.
/// </summary>
public sealed class DatasetDeletions
{
    private readonly PlatformDatabase _database;
    private readonly TimeProvider _time;

    /// <param name="database">The migrated platform database.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    public DatasetDeletions(PlatformDatabase database, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// Asks both parties to delete their halves; needs <see cref="ProjectPermission.DeleteData"/>. Refused while
    /// a queued or running job uses the dataset. The dataset is unusable from now on and Deleted once both confirm.
    /// Asking again for a dataset being deleted (or deleted) changes nothing.
    /// </summary>
    public Task<Outcome<DatasetInfo>> RequestDeleteAsync(Guid userId, string datasetId, CancellationToken cancellationToken = default) =>
        _database.RunAsync(async db =>
        {
            DatasetEntity? dataset = await DatasetRows.FindAsync(db, datasetId, cancellationToken, tracked: true);
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

            // Asking again for a dataset being deleted (or deleted) leaves it where it is.
            bool underway = dataset.Status is DatasetStatus.Deleting or DatasetStatus.Deleted;
            if (!underway)
            {
                string id = dataset.Id;
                string? activeJob = await db.Jobs
                    .Where(j => (j.TrainDatasetId == id || j.TestDatasetId == id) && (j.State == JobState.Queued || j.State == JobState.Preprocessing || j.State == JobState.Running))
                    .Select(j => j.Id).FirstOrDefaultAsync(cancellationToken);
                if (activeJob is not null)
                {
                    return PlatformError.Conflict<DatasetInfo>($"Job {activeJob} uses this dataset; cancel it or wait for it to finish first.");
                }
            }

            if (DatasetStateMachine.Move(dataset, DatasetTrigger.MemberRequestsDeletion, underway ? dataset.Status : DatasetStatus.Deleting) is { } refusal)
            {
                return PlatformError.Conflict<DatasetInfo>(refusal);
            }

            if (underway)
            {
                return DatasetRows.ToInfo(dataset);
            }

            DateTimeOffset now = PlatformTime.Now(_time);
            dataset.DeletionRequestedAt = now;
            dataset.UpdatedAt = now;
            db.Touch(dataset);
            await db.SaveChangesAsync(cancellationToken);
            return DatasetRows.ToInfo(dataset);
        }, cancellationToken);

    /// <summary>
    /// Party <paramref name="partyId"/> says it removed its half; the dataset is Deleted once both have. Confirming
    /// twice is harmless; confirming a dataset that is not being deleted is a Conflict.
    /// </summary>
    public Task<Outcome<DatasetInfo>> ConfirmDeletedAsync(string datasetId, int partyId, CancellationToken cancellationToken = default)
    {
        if (DatasetRows.CheckParty(partyId) is { } invalid)
        {
            return Task.FromResult(PlatformError.Invalid<DatasetInfo>(invalid));
        }

        return _database.RunAsync(async db =>
        {
            DatasetEntity? dataset = await DatasetRows.FindAsync(db, datasetId, cancellationToken, tracked: true);
            if (dataset is null)
            {
                return PlatformError.DatasetNotFound<DatasetInfo>(datasetId ?? "");
            }

            DatasetStatus from = dataset.Status;
            bool bothGone = (partyId == 0 || dataset.Party0DeletedAt is not null) && (partyId == 1 || dataset.Party1DeletedAt is not null);
            DatasetStatus to = from == DatasetStatus.Deleting && bothGone ? DatasetStatus.Deleted : from;
            if (DatasetStateMachine.Move(dataset, DatasetTrigger.PartyConfirmsDeletion, to) is { } refusal)
            {
                return PlatformError.Conflict<DatasetInfo>(refusal);
            }

            if (from == DatasetStatus.Deleted)
            {
                return DatasetRows.ToInfo(dataset); // confirmed again: nothing to record
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

            if (to == DatasetStatus.Deleted)
            {
                dataset.DeletedAt = now;
            }

            dataset.UpdatedAt = now;
            db.Touch(dataset);
            await db.SaveChangesAsync(cancellationToken);
            return DatasetRows.ToInfo(dataset);
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
}
