using System.Security.Cryptography;
using System.Text.Json;
using Imguard.Contracts.Consent;
using Imguard.Contracts.Datasets;
using Imguard.Contracts.Jobs;
using Imguard.Platform.Data;
using Imguard.Platform.Datasets;
using Imguard.Platform.Projects;
using Microsoft.EntityFrameworkCore;

namespace Imguard.Platform.Jobs;

/// <summary>
/// Training jobs: users create, watch and cancel them (with project permissions); the runner (the platform's
/// job driver, fed by the parties) moves them through <see cref="JobStateMachine"/>, reports progress and appends
/// log lines. A job row is versioned: progress, a cancel request and a state change arriving together are applied
/// one after the other, each re-decided on fresh data, never overwriting each other.
/// </summary>
public sealed class JobService
{
    /// <summary>The longest model spec, training options or metrics JSON accepted.</summary>
    public const int MaxJsonLength = 64 * 1024;

    /// <summary>The most log entries one page returns.</summary>
    public const int MaxLogPage = 1000;

    /// <summary>
    /// How far a party's clock may be from the platform's for its log times to be shown: a time later than the receipt
    /// plus this, or earlier than the job's creation minus this, is replaced by the receipt time (so a party cannot put
    /// lines in the far future or the past). Lines may arrive late (the party keeps them while the platform is down).
    /// </summary>
    public static readonly TimeSpan MaxLogClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The most progress points a job keeps (<see cref="ProgressSlots"/>). A job's steps are cut into this many slots
    /// and a slot keeps its latest report, so every report is kept up to this many steps (20 epochs of 469 steps, Fashion-MNIST at batch 128, keep all 9,380) and a longer job is thinned
    /// evenly over its whole length rather than cut: its history stays drawable from start to end at a fixed cost
    /// (about 100 bytes a point). Parties report at most twice a second, so most jobs keep every report.
    /// </summary>
    public const int MaxProgressPoints = 10_000;

    /// <summary>The most epoch rows a job keeps (the most epochs a job may have).</summary>
    public const int MaxEpochRows = 1000;

    private static readonly string[] MetricNames = ["loss", "imagesPerSecond", "accuracy"];

    private readonly PlatformDatabase _database;
    private readonly TimeProvider _time;
    private readonly int _maxProgressPoints;

    /// <param name="database">The migrated platform database.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="maxProgressPoints">The most progress points a job keeps, 1 to <see cref="MaxProgressPoints"/>.</param>
    public JobService(PlatformDatabase database, TimeProvider? timeProvider = null, int maxProgressPoints = MaxProgressPoints)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxProgressPoints, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxProgressPoints, MaxProgressPoints);
        _database = database;
        _time = timeProvider ?? TimeProvider.System;
        _maxProgressPoints = maxProgressPoints;
    }

    /// <summary>
    /// Creates a training job waiting for approvals (<see cref="JobState.AwaitingApproval"/>); needs
    /// <see cref="ProjectPermission.StartJob"/>, a Ready train dataset of the same project, the further training
    /// datasets and the test dataset if given (Ready, same project, same shape), every dataset bound to its owner's key
    /// and every recipient (default: the creator) a member with a registered signing key. Its standardisation
    /// (<see cref="JobStandardization"/>) is fixed here from the datasets' scalings: a job over several datasets (or any
    /// not scaled <c>own</c>) is standardised over the union and refused a dataset standardised with undisclosed statistics.
    /// </summary>
    public async Task<Outcome<JobInfo>> CreateAsync(Guid userId, JobRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using PlatformDbContext db = _database.CreateContext();
        ProjectAccessCheck check = await ProjectAccess.CheckAsync(db, userId, request.ProjectId, ProjectPermission.StartJob, cancellationToken);
        if (!check.Allowed)
        {
            return PlatformError.Denied<JobInfo>(check, request.ProjectId, ProjectPermission.StartJob);
        }

        string? invalid = InputRules.JsonObject(request.ModelSpecJson, "model spec", MaxJsonLength)
            ?? InputRules.JsonObject(request.TrainingOptionsJson, "training options", MaxJsonLength)
            ?? await CheckDatasetAsync(db, request.ProjectId, request.TrainDatasetId, DatasetPurpose.Train, cancellationToken)
            ?? (request.TestDatasetId is null ? null : await CheckDatasetAsync(db, request.ProjectId, request.TestDatasetId, DatasetPurpose.Test, cancellationToken));
        if (invalid is not null)
        {
            return PlatformError.Invalid<JobInfo>(invalid);
        }

        Outcome<JobRows> consent = await ConsentRowsAsync(db, userId, request, cancellationToken);
        if (!consent.IsOk)
        {
            return consent.Cast<JobInfo>();
        }

        return await AddAsync(db, userId, request, modelFromJobId: null, JobState.AwaitingApproval, consent.Value, cancellationToken);
    }

    // What a job's row is made of besides the request: a training job's consent rows (none for inference), its
    // standardisation and, for an inference job of a union model, its model job's statistics.
    private sealed record JobRows(List<JobDatasetEntity> Datasets, List<JobRecipientEntity> Recipients, JobStandardization Standardization,
        ChannelStatistics? Statistics = null);

    // The rows that make a training job's consent terms: its datasets in union order (first training dataset, the
    // further ones, the test set), each with its owner and the owner key both parties reported, and its recipients
    // with their registered keys. Checks what consent-plan.md lists: further datasets Ready, of the project, trained
    // on and of the first's shape, classes and format (else 400); every dataset bound to an owner key, every recipient
    // a member with a registered key (else 409, saying what to do); and the job's standardisation from the datasets'
    // scalings, a union job refused a dataset it cannot use (400, naming the dataset, its owner and the remedy).
    private static async Task<Outcome<JobRows>> ConsentRowsAsync(
        PlatformDbContext db, Guid userId, JobRequest request, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> further = request.AdditionalTrainDatasetIds ?? [];
        IReadOnlyList<string> recipientNames = request.Recipients ?? [];
        if (further.Count >= JobConsent.MaxEntries || recipientNames.Count > JobConsent.MaxEntries)
        {
            return PlatformError.Invalid<JobRows>($"A job names at most {JobConsent.MaxEntries} datasets and {JobConsent.MaxEntries} recipients.");
        }

        var named = new List<(string Id, DatasetPurpose Purpose)> { (request.TrainDatasetId, DatasetPurpose.Train) };
        foreach (string id in further)
        {
            if (named.Any(n => n.Id == id) || id == request.TestDatasetId)
            {
                return PlatformError.Invalid<JobRows>($"Dataset {Shown(id)} is named twice among the job's datasets.");
            }
            if (await CheckDatasetAsync(db, request.ProjectId, id, DatasetPurpose.Train, cancellationToken) is { } bad)
            {
                return PlatformError.Invalid<JobRows>(bad);
            }
            named.Add((id, DatasetPurpose.Train));
        }
        if (request.TestDatasetId is { } test)
        {
            named.Add((test, DatasetPurpose.Test));
        }

        var datasets = new List<JobDatasetEntity>();
        var scalings = new List<DatasetScaling>();
        DatasetEntity? first = null;
        foreach (var (id, purpose) in named)
        {
            DatasetEntity dataset = await db.Datasets.AsNoTracking().Include(d => d.Creator).FirstAsync(d => d.Id == id, cancellationToken);
            first ??= dataset;
            if ((dataset.Channels, dataset.Height, dataset.Width, dataset.Classes, dataset.FractionalBits) != (first.Channels, first.Height, first.Width, first.Classes, first.FractionalBits))
            {
                return PlatformError.Invalid<JobRows>(
                    $"Dataset {dataset.Id} ({dataset.Channels}×{dataset.Height}×{dataset.Width}, {dataset.Classes} classes, {dataset.FractionalBits} fractional bits) "
                    + $"does not match dataset {first.Id} ({first.Channels}×{first.Height}×{first.Width}, {first.Classes} classes, {first.FractionalBits} fractional bits): "
                    + "a job's datasets share one shape, class list and number format.");
            }
            if (dataset.OwnerKey is null)
            {
                return PlatformError.Conflict<JobRows>(
                    $"Dataset {dataset.Id} was shared before share files carried the owner's signing key (version 1), so no owner can approve a job on it: "
                    + "its owner shares it again (imguard dataset share, or an upload in the web UI) and uses the new dataset.");
            }
            datasets.Add(new JobDatasetEntity
            {
                Position = datasets.Count,
                DatasetId = dataset.Id,
                Purpose = purpose,
                Name = dataset.Name,
                OwnerId = dataset.CreatedBy,
                OwnerName = dataset.Creator?.UserName ?? dataset.CreatedBy.ToString(),
                OwnerKey = dataset.OwnerKey,
                Images = dataset.Count,
                FractionalBits = dataset.FractionalBits,
            });
            scalings.Add(new DatasetScaling(dataset.Id, DatasetRows.Scaling(dataset)));
        }

        // Fixed now, from the scalings as registered: the terms built from it are what the approvers sign, so a
        // disclosure after this does not change this job (its creator makes a new one).
        var standardization = new JobStandardization
        {
            Mode = JobStandardization.ModeFor(named.Count(n => n.Purpose == DatasetPurpose.Train), scalings.Select(s => s.Scaling)),
            Datasets = scalings,
        };
        if (standardization.Check(first!.Channels) is { } unusable)
        {
            JobDatasetEntity? own = standardization.Mode == JobStandardizationModes.Union
                ? datasets.FirstOrDefault(d => !scalings[d.Position].Scaling.JoinsUnion)
                : null;
            return PlatformError.Invalid<JobRows>(own is null ? $"The job's standardisation is not valid: {unusable}" : NotUnionReady(own.DatasetId, own.Name, own.OwnerName));
        }

        var recipients = new List<JobRecipientEntity>();
        List<UserEntity> users;
        if (recipientNames.Count == 0)
        {
            users = [await db.Users.AsNoTracking().FirstAsync(u => u.Id == userId, cancellationToken)];
        }
        else
        {
            users = [];
            foreach (string name in recipientNames)
            {
                string normalized = (name ?? "").Trim().ToLowerInvariant();
                UserEntity? user = normalized.Length is 0 or > PlatformDbContext.MaxUserNameLength
                    ? null
                    : await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.NormalizedUserName == normalized, cancellationToken);
                bool member = user is not null && !user.IsDisabled
                    && await db.ProjectMembers.AnyAsync(m => m.ProjectId == request.ProjectId && m.UserId == user.Id, cancellationToken);
                if (!member)
                {
                    return PlatformError.Invalid<JobRows>(
                        $"Recipient '{Shown(name ?? "")}' is not a member of this project: a model goes only to the project's members.");
                }
                if (users.Any(u => u.Id == user!.Id))
                {
                    return PlatformError.Invalid<JobRows>($"Recipient '{user!.UserName}' is named twice.");
                }
                users.Add(user!);
            }
        }
        foreach (UserEntity user in users)
        {
            if (user.SigningKey is null)
            {
                return PlatformError.Conflict<JobRows>(
                    $"Recipient '{user.UserName}' has no signing key: register a signing key: imguard login does it, or sign in to the web UI.");
            }
            recipients.Add(new JobRecipientEntity { Position = recipients.Count, UserId = user.Id, UserName = user.UserName, Key = user.SigningKey });
        }
        return new JobRows(datasets, recipients, standardization);
    }

    // Why a dataset standardised with its owner's own statistics cannot join a job standardised over the union, and
    // what its owner does about it, in words the CLI and the web UI show as they are.
    private static string NotUnionReady(string datasetId, string name, string owner) =>
        $"Dataset {datasetId} ('{Shown(name)}', shared by {owner}) was standardised with {owner}'s own statistics, which a job standardised over the "
        + $"union of its datasets cannot use: {owner} shares it again with raw pixels (imguard dataset share --scaling raw) or discloses its statistics "
        + $"(imguard dataset disclose {datasetId}).";

    private static string Shown(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private async Task<Outcome<JobInfo>> AddAsync(PlatformDbContext db, Guid userId, JobRequest request, string? modelFromJobId, JobState state,
        JobRows rows, CancellationToken cancellationToken)
    {
        DateTimeOffset now = PlatformTime.Now(_time);
        var job = new JobEntity
        {
            Id = "job-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10)),
            ProjectId = request.ProjectId,
            TrainDatasetId = request.TrainDatasetId,
            TestDatasetId = request.TestDatasetId,
            ModelFromJobId = modelFromJobId,
            ModelSpecJson = request.ModelSpecJson,
            TrainingOptionsJson = request.TrainingOptionsJson,
            State = state,
            CreatedBy = userId,
            CreatedAt = now,
            UpdatedAt = now,
            Datasets = rows.Datasets,
            Recipients = rows.Recipients,
            StandardizationJson = JobStandardizationRows.Write(rows.Standardization),
            StandardizationStatisticsJson = JobStandardizationRows.Write(rows.Statistics),
        };
        db.Jobs.Add(job);
        await db.SaveChangesAsync(cancellationToken);
        return ToInfo(job);
    }

    /// <summary>
    /// Creates an inference job: the parties apply the model of <paramref name="modelJobId"/> (a succeeded training
    /// job of the same project, whose model shares they hold) to the shared images of <paramref name="datasetId"/>;
    /// the predictions stay shared until the owner downloads and recombines them. Needs StartJob on the project.
    /// </summary>
    public async Task<Outcome<JobInfo>> CreateInferenceAsync(Guid userId, string modelJobId, string datasetId, CancellationToken cancellationToken = default)
    {
        await using PlatformDbContext db = _database.CreateContext();
        JobEntity? model = await FindAsync(db, modelJobId, tracked: false, cancellationToken);
        if (model is null)
        {
            return PlatformError.JobNotFound<JobInfo>(modelJobId ?? "");
        }
        ProjectAccessCheck check = await ProjectAccess.CheckAsync(db, userId, model.ProjectId, ProjectPermission.StartJob, cancellationToken);
        if (!check.Allowed)
        {
            return PlatformError.Denied<JobInfo>(check, model.ProjectId, ProjectPermission.StartJob);
        }
        if (model.State != JobState.Succeeded || model.ModelFromJobId is not null)
        {
            return PlatformError.Conflict<JobInfo>($"Job {model.Id} has no trained model to apply (it is {model.State}{(model.ModelFromJobId is null ? "" : ", an inference job")}).");
        }
        string? invalid = await CheckDatasetAsync(db, model.ProjectId, datasetId, DatasetPurpose.Test, cancellationToken);
        if (invalid is not null)
        {
            return PlatformError.Invalid<JobInfo>(invalid);
        }

        // The images are mapped as the model's training inputs were: a model trained over the union standardises them
        // with the union's statistics (the parties take them from their own record of the model job), which needs raw
        // pixels or disclosed statistics; a model trained on data as shared takes data its owner standardised the same way.
        DatasetEntity dataset = await db.Datasets.AsNoTracking().Include(d => d.Creator).FirstAsync(d => d.Id == datasetId, cancellationToken);
        PixelScaling scaling = DatasetRows.Scaling(dataset);
        bool union = JobStandardizationRows.Read(model.StandardizationJson)?.Mode == JobStandardizationModes.Union;
        string owner = dataset.Creator?.UserName ?? dataset.CreatedBy.ToString();
        if (union && !scaling.JoinsUnion)
        {
            return PlatformError.Invalid<JobInfo>($"Job {model.Id}'s model was trained standardised over the union of its datasets: "
                + NotUnionReady(dataset.Id, dataset.Name, owner));
        }
        if (!union && scaling.Kind != PixelScalings.Own)
        {
            return PlatformError.Invalid<JobInfo>($"Dataset {dataset.Id} is scaled '{scaling.Kind}', but job {model.Id}'s model was trained on data as its owners "
                + $"standardised it: apply it to a dataset shared standardised with its owner's own statistics (imguard dataset share without --scaling raw).");
        }
        var rows = new JobRows([], [], new JobStandardization
        {
            Mode = union ? JobStandardizationModes.Union : JobStandardizationModes.AsShared,
            Datasets = [new DatasetScaling(dataset.Id, scaling)],
        }, union ? JobStandardizationRows.ReadStatistics(model.StandardizationStatisticsJson) : null);

        // An inference job carries the model job's spec and options: the parties rebuild the same model around its shares.
        return await AddAsync(db, userId, new JobRequest(model.ProjectId, datasetId, datasetId, model.ModelSpecJson, model.TrainingOptionsJson),
            model.Id, JobState.Queued, rows, cancellationToken);
    }

    /// <summary>One job, if the user may view its project.</summary>
    public Task<Outcome<JobInfo>> GetAsync(Guid userId, string jobId, CancellationToken cancellationToken = default) =>
        GetAsync(userId, jobId, ProjectPermission.View, cancellationToken);

    /// <summary>
    /// One job, if the user holds <paramref name="permission"/> in its project (for example DownloadModel before the
    /// platform issues model grants). A non-member gets NotFound; a member without the right, Forbidden.
    /// </summary>
    public async Task<Outcome<JobInfo>> GetAsync(Guid userId, string jobId, ProjectPermission permission, CancellationToken cancellationToken = default)
    {
        await using PlatformDbContext db = _database.CreateContext();
        var (job, failure) = await FindForUserAsync(db, userId, jobId, permission, tracked: false, cancellationToken);
        return failure ?? ToInfo(job!);
    }

    /// <summary>One job for the runner and the parties (authenticated by certificate in the HTTP layer).</summary>
    public async Task<Outcome<JobInfo>> GetForServiceAsync(string jobId, CancellationToken cancellationToken = default)
    {
        await using PlatformDbContext db = _database.CreateContext();
        JobEntity? job = await FindAsync(db, jobId, tracked: false, cancellationToken);
        return job is null ? PlatformError.JobNotFound<JobInfo>(jobId ?? "") : ToInfo(job);
    }

    /// <summary>
    /// The jobs the runner must look after (the runner's call): every job not yet final, and the final ones that
    /// finished after <paramref name="finishedSince"/>, oldest first.
    /// </summary>
    public async Task<IReadOnlyList<JobInfo>> ListForRunnerAsync(DateTimeOffset finishedSince, CancellationToken cancellationToken = default)
    {
        await using PlatformDbContext db = _database.CreateContext();
        List<JobEntity> jobs = await WithConsent(db.Jobs.AsNoTracking())
            .Where(j => j.State == JobState.Queued || j.State == JobState.Preprocessing || j.State == JobState.Running || j.FinishedAt >= finishedSince)
            .ToListAsync(cancellationToken);
        return [.. jobs.OrderBy(j => j.CreatedAt).ThenBy(j => j.Id).Select(ToInfo)];
    }

    /// <summary>A project's jobs, newest first.</summary>
    public async Task<Outcome<IReadOnlyList<JobInfo>>> ListAsync(Guid userId, Guid projectId, CancellationToken cancellationToken = default)
    {
        await using PlatformDbContext db = _database.CreateContext();
        ProjectAccessCheck check = await ProjectAccess.CheckAsync(db, userId, projectId, ProjectPermission.View, cancellationToken);
        if (!check.Allowed)
        {
            return PlatformError.Denied<IReadOnlyList<JobInfo>>(check, projectId, ProjectPermission.View);
        }

        List<JobEntity> jobs = await WithConsent(db.Jobs.AsNoTracking()).Where(j => j.ProjectId == projectId)
            .OrderByDescending(j => j.CreatedAt).ThenBy(j => j.Id).ToListAsync(cancellationToken);
        return Outcome<IReadOnlyList<JobInfo>>.Ok([.. jobs.Select(ToInfo)]);
    }

    /// <summary>
    /// Moves a job to <paramref name="to"/> (the runner's call). Refused transitions are a Conflict saying why.
    /// Failing needs a message (what went wrong, without data); <paramref name="resume"/> allows Running →
    /// Preprocessing for a resume from a checkpoint. A job already in <paramref name="to"/> stays as it is (the other
    /// party reported that state first; a second failure message does not replace the first).
    /// </summary>
    public async Task<Outcome<JobInfo>> TransitionAsync(string jobId, JobState to, string? failureMessage = null, bool resume = false, CancellationToken cancellationToken = default)
    {
        Outcome<JobStateChange> change = await ReportStateAsync(jobId, to, failureMessage, resume, cancellationToken);
        return change.IsOk ? change.Value.Job : change.Cast<JobInfo>();
    }

    /// <summary><see cref="TransitionAsync"/>, saying whether the job moved (a party's report of a state the job is in already does not).</summary>
    public Task<Outcome<JobStateChange>> ReportStateAsync(string jobId, JobState to, string? failureMessage = null, bool resume = false, CancellationToken cancellationToken = default)
    {
        if (to == JobState.Failed && string.IsNullOrWhiteSpace(failureMessage))
        {
            return Task.FromResult(PlatformError.Invalid<JobStateChange>("A failed job needs a message saying what went wrong."));
        }

        return _database.RunAsync(async db =>
        {
            JobEntity? job = await FindAsync(db, jobId, tracked: true, cancellationToken);
            if (job is null)
            {
                return PlatformError.JobNotFound<JobStateChange>(jobId ?? "");
            }

            // Both parties report each state; the second finds the job there already (before this answered 409 and
            // the party logged a refused report at every job start and end).
            if (job.State == to)
            {
                return new JobStateChange(ToInfo(job), Changed: false);
            }

            if (JobStateMachine.Refusal(job.State, to, resume) is { } refusal)
            {
                return PlatformError.Conflict<JobStateChange>($"Job {job.Id} cannot go from {job.State} to {to}: {refusal}");
            }

            DateTimeOffset now = PlatformTime.Now(_time);
            if (job.State == JobState.Queued)
            {
                job.StartedAt ??= now;
            }

            job.State = to;
            if (JobStateMachine.IsFinal(to))
            {
                job.FinishedAt = now;
            }

            if (to == JobState.Failed)
            {
                job.FailureMessage = Truncate(failureMessage!.Trim(), PlatformDbContext.MaxReasonLength);
            }

            job.UpdatedAt = now;
            db.Touch(job);
            await db.SaveChangesAsync(cancellationToken);
            return new JobStateChange(ToInfo(job), Changed: true);
        }, cancellationToken);
    }

    /// <summary>
    /// Records progress of a running job (the Running → Running transition). Shown progress never goes backwards: a
    /// report behind the shown step (a resumed attempt re-running steps from an earlier checkpoint) keeps the step,
    /// epoch and metrics shown and only records <see cref="JobProgress.ResumedFromEpoch"/>, which the job then shows
    /// ("resumed from epoch N") until the run catches up and moves on.
    /// <para>
    /// The job's history keeps every report as a point (one per step slot, see <see cref="MaxProgressPoints"/>) and
    /// its latest report per epoch as that epoch's row. The history is the run that made the final model: a report
    /// replaces every point at or after its step and every epoch row after its epoch, so the steps a resumed attempt
    /// runs again replace those of the interrupted one instead of being drawn twice.
    /// </para>
    /// </summary>
    public Task<Outcome<JobInfo>> ReportProgressAsync(string jobId, JobProgress progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(progress);
        string? invalid =
            (progress.Epoch >= 0 && progress.Step >= 0 && progress.TotalSteps >= 0 ? null : "Epoch, step and total steps cannot be negative.")
            ?? (progress.TotalSteps == 0 || progress.Step <= progress.TotalSteps ? null : $"Step {progress.Step} is past the total of {progress.TotalSteps}.")
            ?? (progress.CheckpointEpoch is null or >= 0 ? null : "A checkpoint epoch cannot be negative.")
            ?? (progress.ResumedFromEpoch is null or >= 0 ? null : "A resumed-from epoch cannot be negative.")
            ?? (progress.EpochSeconds is null or (>= 0 and < double.PositiveInfinity) ? null : "An epoch's seconds must be a finite number, 0 or more.")
            ?? (progress.MetricsJson is null ? null : InputRules.JsonObject(progress.MetricsJson, "metrics", MaxJsonLength))
            ?? (progress.Standardization?.Check() is { } badStatistics ? $"The standardisation statistics are not valid: {badStatistics}" : null);
        if (invalid is not null)
        {
            return Task.FromResult(PlatformError.Invalid<JobInfo>(invalid));
        }

        return _database.RunAsync(async db =>
        {
            JobEntity? job = await FindAsync(db, jobId, tracked: true, cancellationToken);
            if (job is null)
            {
                return PlatformError.JobNotFound<JobInfo>(jobId ?? "");
            }

            // The parties open the union's statistics before the first step, possibly while the job is still preprocessing.
            bool statisticsOnly = job.State == JobState.Preprocessing && progress.Standardization is not null;
            if (job.State != JobState.Running && !statisticsOnly)
            {
                return PlatformError.Conflict<JobInfo>($"Job {job.Id} is {job.State}; progress is reported only while it runs.");
            }

            if (progress.Standardization is { } opened && await RecordStatisticsAsync(db, job, opened, cancellationToken) is { } refused)
            {
                return PlatformError.Invalid<JobInfo>(refused);
            }

            if (statisticsOnly)
            {
                job.UpdatedAt = PlatformTime.Now(_time);
                db.Touch(job);
                await db.SaveChangesAsync(cancellationToken);
                return ToInfo(job);
            }

            if (progress.Step >= job.Step || progress.TotalSteps != job.TotalSteps)
            {
                job.Epoch = progress.Epoch;
                job.Step = progress.Step;
                job.TotalSteps = progress.TotalSteps;
                job.MetricsJson = progress.MetricsJson ?? job.MetricsJson;
            }

            if (progress.CheckpointEpoch is { } written && !(job.LastCheckpointEpoch > written))
            {
                job.LastCheckpointEpoch = written;
            }

            job.ResumedFromEpoch = progress.ResumedFromEpoch ?? job.ResumedFromEpoch;
            job.UpdatedAt = PlatformTime.Now(_time);
            if (progress.TotalSteps > 0)
            {
                await RecordHistoryAsync(db, job.Id, progress, job.UpdatedAt, cancellationToken);
            }

            // The touch also serialises reports: of two at once, the second re-runs, so a slot never holds two points.
            db.Touch(job);
            await db.SaveChangesAsync(cancellationToken);
            return ToInfo(job);
        }, cancellationToken);
    }

    // Records the statistics the parties opened for a union job, or says why they do not fit it. The first report wins:
    // the parties open them once per job, so a different later one (a restarted attempt, a misbehaving party) is
    // written to the job's log and ignored, and what recipients standardise with never changes under them.
    private async Task<string?> RecordStatisticsAsync(PlatformDbContext db, JobEntity job, ChannelStatistics opened, CancellationToken cancellationToken)
    {
        if (JobStandardizationRows.Read(job.StandardizationJson)?.Mode != JobStandardizationModes.Union)
        {
            return $"Job {job.Id} is not standardised over the union; it opens no statistics.";
        }
        int channels = await db.Datasets.AsNoTracking().Where(d => d.Id == job.TrainDatasetId).Select(d => d.Channels).FirstAsync(cancellationToken);
        if (opened.Mean.Count != channels)
        {
            return $"The statistics carry {opened.Mean.Count} channels; job {job.Id}'s images have {channels}.";
        }
        ChannelStatistics? recorded = JobStandardizationRows.ReadStatistics(job.StandardizationStatisticsJson);
        if (recorded is null)
        {
            job.StandardizationStatisticsJson = JobStandardizationRows.Write(opened);
        }
        else if (!recorded.Equals(opened))
        {
            DateTimeOffset now = PlatformTime.Now(_time);
            db.JobLogEntries.Add(new JobLogEntryEntity
            {
                JobId = job.Id,
                Time = now,
                ReceivedAt = now,
                Level = JobLogLevel.Warning,
                Message = "platform: a report carried union statistics other than those recorded first; the job keeps the first.",
            });
        }
        return null;
    }

    // The report as a point and as its epoch's row, replacing what comes after it (see ReportProgressAsync).
    private async Task RecordHistoryAsync(PlatformDbContext db, string jobId, JobProgress progress, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (loss, imagesPerSecond, accuracy) = Metrics(progress.MetricsJson);
        long slot = ProgressSlots.Slot(progress.Step, ProgressSlots.Stride(progress.TotalSteps, _maxProgressPoints));
        db.JobProgressPoints.RemoveRange(await db.JobProgressPoints.Where(p => p.JobId == jobId && p.Slot >= slot).ToListAsync(cancellationToken));
        db.JobProgressPoints.Add(new JobProgressPointEntity
        {
            JobId = jobId,
            Slot = slot,
            Step = progress.Step,
            Epoch = progress.Epoch,
            Loss = loss,
            ImagesPerSecond = imagesPerSecond,
            Time = now,
        });

        if (progress.Epoch >= MaxEpochRows)
        {
            return;
        }

        int epoch = progress.Epoch + 1;
        List<JobEpochEntity> later = await db.JobEpochs.Where(e => e.JobId == jobId && e.Epoch >= epoch).ToListAsync(cancellationToken);
        db.JobEpochs.RemoveRange(later.Where(e => e.Epoch > epoch));
        JobEpochEntity? row = later.FirstOrDefault(e => e.Epoch == epoch);
        // A step behind the row's: the epoch runs again (a resumed attempt), so nothing of the interrupted run stays.
        bool again = row is not null && progress.Step < row.Step;
        if (row is null)
        {
            row = new JobEpochEntity { JobId = jobId, Epoch = epoch };
            db.JobEpochs.Add(row);
        }

        row.Step = progress.Step;
        row.Loss = loss ?? (again ? null : row.Loss);
        row.ImagesPerSecond = imagesPerSecond ?? (again ? null : row.ImagesPerSecond);
        row.Accuracy = accuracy ?? (again ? null : row.Accuracy);
        row.DurationSeconds = progress.EpochSeconds ?? (again ? null : row.DurationSeconds);
        row.Checkpoint = !again && row.Checkpoint;
        row.Time = now;
        if (progress.CheckpointEpoch is { } written && written >= 1)
        {
            JobEpochEntity? saved = written == epoch ? row : await db.JobEpochs.FindAsync([jobId, written], cancellationToken);
            saved?.Checkpoint = true;
        }
    }

    // The disclosed metrics of a report, each a finite number or absent (the JSON was checked to be an object).
    private static (double? Loss, double? ImagesPerSecond, double? Accuracy) Metrics(string? json)
    {
        if (json is null)
        {
            return (null, null, null);
        }

        using var document = JsonDocument.Parse(json);
        double?[] values = new double?[MetricNames.Length];
        for (int i = 0; i < MetricNames.Length; i++)
        {
            if (document.RootElement.TryGetProperty(MetricNames[i], out JsonElement value) && value.ValueKind == JsonValueKind.Number
                && value.TryGetDouble(out double number) && double.IsFinite(number))
            {
                values[i] = number;
            }
        }

        return (values[0], values[1], values[2]);
    }

    /// <summary>
    /// A job's stored progress for a member (View right): its points after <paramref name="afterId"/> (0 for all), at
    /// most <paramref name="limit"/>, oldest first, and all its epoch rows. The points a job holds never exceed
    /// <see cref="MaxProgressPoints"/> (slots are 1 to that many, and a report removes every point in its slot or later,
    /// so the points left have distinct slots), so one page of that size holds every point after any id.
    /// </summary>
    public async Task<Outcome<JobProgressHistory>> GetProgressAsync(Guid userId, string jobId, long afterId = 0, int limit = MaxProgressPoints,
        CancellationToken cancellationToken = default)
    {
        if (limit is < 1 or > MaxProgressPoints)
        {
            return PlatformError.Invalid<JobProgressHistory>($"A progress page holds 1 to {MaxProgressPoints} points; {limit} asked for.");
        }

        await using PlatformDbContext db = _database.CreateContext();
        var (job, failure) = await FindForUserAsync(db, userId, jobId, ProjectPermission.View, tracked: false, cancellationToken);
        if (failure is not null)
        {
            return failure.Cast<JobProgressHistory>();
        }

        List<JobProgressPointEntity> points = await db.JobProgressPoints.AsNoTracking()
            .Where(p => p.JobId == job!.Id && p.Id > afterId).OrderBy(p => p.Id).Take(limit).ToListAsync(cancellationToken);
        List<JobEpochEntity> epochs = await db.JobEpochs.AsNoTracking().Where(e => e.JobId == job!.Id).OrderBy(e => e.Epoch).ToListAsync(cancellationToken);
        return new JobProgressHistory(ProgressSlots.Stride(job!.TotalSteps, _maxProgressPoints), PlatformTime.Now(_time),
            [.. points.Select(p => new JobProgressPoint(p.Id, p.Step, p.Epoch, p.Loss, p.ImagesPerSecond, p.Time))],
            [.. epochs.Select(e => new JobEpochSummary(e.Epoch, e.Step, e.Loss, e.Accuracy, e.ImagesPerSecond, e.DurationSeconds, e.Checkpoint, e.Time))]);
    }

    /// <summary>
    /// Asks for a job to stop; needs <see cref="ProjectPermission.CancelJob"/>. A queued job is cancelled at once
    /// (nothing runs yet); a preprocessing or running job is flagged, and the runner stops it and moves it to
    /// Cancelled. A finished job is a Conflict.
    /// </summary>
    public Task<Outcome<JobInfo>> RequestCancelAsync(Guid userId, string jobId, CancellationToken cancellationToken = default) =>
        _database.RunAsync(async db =>
        {
            var (job, failure) = await FindForUserAsync(db, userId, jobId, ProjectPermission.CancelJob, tracked: true, cancellationToken);
            if (failure is not null)
            {
                return failure;
            }

            if (JobStateMachine.IsFinal(job!.State))
            {
                return PlatformError.Conflict<JobInfo>($"Job {job.Id} is {job.State.ToString().ToLowerInvariant()} already.");
            }

            DateTimeOffset now = PlatformTime.Now(_time);
            job.CancelRequested = true;
            if (job.State is JobState.Queued or JobState.AwaitingApproval)
            {
                job.State = JobState.Cancelled;
                job.FinishedAt = now;
            }

            job.UpdatedAt = now;
            db.Touch(job);
            await db.SaveChangesAsync(cancellationToken);
            return ToInfo(job);
        }, cancellationToken);

    /// <summary>
    /// The runner's claim on a queued job before it posts it to the parties: true when the job is (still) queued and
    /// now marked dispatched, so a signer can no longer withdraw (the parties may hold its signed description); false
    /// when it is no longer queued (a withdrawal or a cancel came first). A job dispatched before keeps its mark.
    /// </summary>
    public async Task<bool> ClaimForDispatchAsync(string jobId, CancellationToken cancellationToken = default)
    {
        Outcome<bool> claimed = await _database.RunAsync<bool>(async db =>
        {
            JobEntity? job = await db.Jobs.FirstOrDefaultAsync(j => j.Id == jobId, cancellationToken);
            if (job is null || job.State != JobState.Queued)
            {
                return false;
            }
            if (job.DispatchedAt is null)
            {
                job.DispatchedAt = PlatformTime.Now(_time);
                db.Touch(job);
                await db.SaveChangesAsync(cancellationToken);
            }
            return true;
        }, cancellationToken);
        return claimed.IsOk && claimed.Value;
    }

    /// <summary>
    /// Appends a line to a job's log (the runner's call). Over-long messages are cut, not refused: a log line is never
    /// lost. <paramref name="time"/> is when it happened by the reporting party's clock, shown if within
    /// <see cref="MaxLogClockSkew"/> (else the receipt time, which is kept too and orders the log).
    /// </summary>
    public async Task<Outcome<JobLogEntry>> AppendLogAsync(string jobId, JobLogLevel level, string message, DateTimeOffset? time = null,
        CancellationToken cancellationToken = default)
    {
        if (!Enum.IsDefined(level))
        {
            return PlatformError.Invalid<JobLogEntry>($"Unknown log level {level}.");
        }

        if (string.IsNullOrWhiteSpace(message))
        {
            return PlatformError.Invalid<JobLogEntry>("A log entry needs a message.");
        }

        await using PlatformDbContext db = _database.CreateContext();
        JobEntity? job = await FindAsync(db, jobId, tracked: false, cancellationToken);
        if (job is null)
        {
            return PlatformError.JobNotFound<JobLogEntry>(jobId ?? "");
        }

        DateTimeOffset received = PlatformTime.Now(_time);
        bool plausible = time is { } t && t <= received + MaxLogClockSkew && t >= job.CreatedAt - MaxLogClockSkew;
        var entry = new JobLogEntryEntity
        {
            JobId = jobId,
            Time = plausible ? PlatformTime.Truncate(time!.Value) : received,
            ReceivedAt = received,
            Level = level,
            Message = Truncate(message.TrimEnd(), PlatformDbContext.MaxLogMessageLength),
        };
        db.JobLogEntries.Add(entry);
        await db.SaveChangesAsync(cancellationToken);
        return ToEntry(entry);
    }

    /// <summary>A page of a job's log: entries after <paramref name="afterId"/> (0 for the start), oldest first.</summary>
    public async Task<Outcome<IReadOnlyList<JobLogEntry>>> GetLogAsync(Guid userId, string jobId, long afterId = 0, int limit = 200, CancellationToken cancellationToken = default)
    {
        if (limit is < 1 or > MaxLogPage)
        {
            return PlatformError.Invalid<IReadOnlyList<JobLogEntry>>($"A log page holds 1 to {MaxLogPage} entries; {limit} asked for.");
        }

        await using PlatformDbContext db = _database.CreateContext();
        var (job, failure) = await FindForUserAsync(db, userId, jobId, ProjectPermission.View, tracked: false, cancellationToken);
        if (failure is not null)
        {
            return failure.Cast<IReadOnlyList<JobLogEntry>>();
        }

        List<JobLogEntryEntity> entries = await db.JobLogEntries.AsNoTracking()
            .Where(e => e.JobId == job!.Id && e.Id > afterId).OrderBy(e => e.Id).Take(limit).ToListAsync(cancellationToken);
        return Outcome<IReadOnlyList<JobLogEntry>>.Ok([.. entries.Select(ToEntry)]);
    }

    private static async Task<string?> CheckDatasetAsync(PlatformDbContext db, Guid projectId, string? datasetId, DatasetPurpose purpose, CancellationToken cancellationToken)
    {
        string what = purpose == DatasetPurpose.Train ? "train dataset" : "test dataset";
        DatasetEntity? dataset = string.IsNullOrEmpty(datasetId) || datasetId.Length > PlatformDbContext.MaxIdLength
            ? null
            : await db.Datasets.AsNoTracking().FirstOrDefaultAsync(d => d.Id == datasetId, cancellationToken);
        if (dataset is null || dataset.ProjectId != projectId)
        {
            return $"The {what} is not a dataset of this project.";
        }

        if (dataset.Purpose != purpose)
        {
            return $"The {what} {dataset.Id} is registered for {dataset.Purpose.ToString().ToLowerInvariant()}ing, not {purpose.ToString().ToLowerInvariant()}ing.";
        }

        return DatasetStateMachine.IsUsable(dataset.Status)
            ? null
            : $"The {what} {dataset.Id} is {dataset.Status.ToString().ToLowerInvariant()}, not ready: both parties must hold matching halves first.";
    }

    internal static async Task<JobEntity?> FindAsync(PlatformDbContext db, string? jobId, bool tracked, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(jobId) || jobId.Length > PlatformDbContext.MaxIdLength)
        {
            return null;
        }

        return await WithConsent(tracked ? db.Jobs : db.Jobs.AsNoTracking()).FirstOrDefaultAsync(j => j.Id == jobId, cancellationToken);
    }

    // The job and the caller's right to it; a job in a project the caller may not see is "not found".
    internal static async Task<(JobEntity? Job, Outcome<JobInfo>? Failure)> FindForUserAsync(PlatformDbContext db, Guid userId, string? jobId,
        ProjectPermission permission, bool tracked, CancellationToken cancellationToken)
    {
        JobEntity? job = await FindAsync(db, jobId, tracked, cancellationToken);
        if (job is null)
        {
            return (null, PlatformError.JobNotFound<JobInfo>(jobId ?? ""));
        }

        ProjectAccessCheck check = await ProjectAccess.CheckAsync(db, userId, job.ProjectId, permission, cancellationToken);
        return check.Decision switch
        {
            AccessDecision.Allowed => (job, null),
            AccessDecision.NotFound => (null, PlatformError.JobNotFound<JobInfo>(job.Id)),
            _ => (null, PlatformError.Denied<JobInfo>(check, job.ProjectId, permission)),
        };
    }

    // A job with the rows of its consent (datasets, recipients, approvals), split so the three lists do not multiply.
    internal static IQueryable<JobEntity> WithConsent(IQueryable<JobEntity> jobs) =>
        jobs.Include(j => j.Datasets).Include(j => j.Recipients).Include(j => j.Approvals).AsSplitQuery();

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    internal static JobInfo ToInfo(JobEntity j) => new(
        j.Id, j.ProjectId, j.TrainDatasetId, j.TestDatasetId, j.ModelSpecJson, j.TrainingOptionsJson, j.State, j.CreatedBy,
        j.CreatedAt, j.StartedAt, j.FinishedAt, j.Epoch, j.Step, j.TotalSteps, j.MetricsJson, j.FailureMessage,
        j.LastCheckpointEpoch, j.CancelRequested, j.ModelFromJobId, j.ResumedFromEpoch,
        [.. j.Datasets.OrderBy(d => d.Position).Select(d => new JobDatasetInfo(d.Position, d.DatasetId, d.Purpose, d.Name, d.OwnerId, d.OwnerName, d.OwnerKey, d.Images, d.FractionalBits))],
        [.. j.Recipients.OrderBy(r => r.Position).Select(r => new JobRecipientInfo(r.UserId, r.UserName, r.Key))],
        [.. j.Approvals.OrderBy(a => a.SignedAt).ThenBy(a => a.KeyFingerprint, StringComparer.Ordinal).Select(a => new JobApprovalInfo(a.Key, a.Signature, a.UserId, a.SignedAt))],
        j.DispatchedAt, JobStandardizationRows.Read(j.StandardizationJson), JobStandardizationRows.ReadStatistics(j.StandardizationStatisticsJson));

    private static JobLogEntry ToEntry(JobLogEntryEntity e) => new(e.Id, e.JobId, e.Time, e.Level, e.Message, e.ReceivedAt);
}
