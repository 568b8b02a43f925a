using Imguard.Contracts.Consent;
using Imguard.Contracts.Jobs;
using Imguard.Platform.Data;
using Imguard.Platform.Projects;
using Microsoft.EntityFrameworkCore;

namespace Imguard.Platform.Jobs;

/// <summary>
/// Consent to training jobs: the terms a job's approvers sign, their approvals, declines and withdrawals, and the
/// jobs a user still has to sign. A signature counts only when it verifies over the terms the platform builds now
/// (<see cref="JobConsentState"/>) and comes from a key the terms require AND the caller holds in the platform's
/// records: the owner key of a dataset the caller uploaded, or the key named for the caller as a recipient. The job
/// is queued when no required signature is missing; the parties check every signature again before they train.
/// </summary>
public sealed class JobConsents
{
    /// <summary>The longest reason a decline keeps.</summary>
    public const int MaxReasonLength = 500;

    private readonly PlatformDatabase _database;
    private readonly TimeProvider _time;

    public JobConsents(PlatformDatabase database, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>A training job's consent terms and what is missing, for a member of its project (View).</summary>
    public async Task<Outcome<(JobInfo Job, JobConsentState State)>> GetTermsAsync(Guid userId, string jobId, CancellationToken cancellationToken = default)
    {
        await using PlatformDbContext db = _database.CreateContext();
        var (job, failure) = await JobService.FindForUserAsync(db, userId, jobId, ProjectPermission.View, tracked: false, cancellationToken);
        if (failure is not null)
        {
            return failure.Cast<(JobInfo, JobConsentState)>();
        }
        JobInfo info = JobService.ToInfo(job!);
        var (state, problem) = JobConsentState.Of(info);
        return state is null ? PlatformError.Conflict<(JobInfo, JobConsentState)>($"Job {info.Id} has no consent terms: {problem}.") : (info, state);
    }

    /// <summary>
    /// Stores a signature by <paramref name="key"/> over the job's terms. Refused: a job not waiting for approvals
    /// (409), a key the terms do not require or a signature that does not verify over them (400), a key the caller
    /// does not hold (403). Queues the job when it was the last one missing.
    /// </summary>
    public Task<Outcome<ConsentChange>> ApproveAsync(Guid userId, string jobId, byte[] key, byte[] signature, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(signature);
        if (OwnerKeys.Check(key) is { } badKey)
        {
            return Task.FromResult(PlatformError.Invalid<ConsentChange>($"The key is not usable: {badKey}."));
        }
        if (signature.Length != ConsentSignature.Length)
        {
            return Task.FromResult(PlatformError.Invalid<ConsentChange>($"A signature is r ‖ s, {ConsentSignature.Length} bytes (base64); {signature.Length} given."));
        }
        string fingerprint = OwnerKeys.Fingerprint(key);
        string shortFingerprint = OwnerKeys.ShortFingerprint(key);

        return _database.RunAsync(async db =>
        {
            var (job, failure) = await JobService.FindForUserAsync(db, userId, jobId, ProjectPermission.View, tracked: true, cancellationToken);
            if (failure is not null)
            {
                return failure.Cast<ConsentChange>();
            }
            if (job!.State != JobState.AwaitingApproval)
            {
                return PlatformError.Conflict<ConsentChange>($"Job {job.Id} is {Name(job.State)}; approvals are taken only while it waits for them.");
            }
            var (state, problem) = JobConsentState.Of(JobService.ToInfo(job));
            if (state is null)
            {
                return PlatformError.Conflict<ConsentChange>($"Job {job.Id} has no consent terms: {problem}.");
            }
            if (!state.Requires(key))
            {
                return PlatformError.Invalid<ConsentChange>($"Key {shortFingerprint} is not one this job's terms name; the keys that must sign are "
                    + string.Join(", ", state.Required.Select(r => $"{r.ShortFingerprint} ({r.Holder})")) + ".");
            }
            if (!Holds(job, userId, key))
            {
                return PlatformError.Forbidden<ConsentChange>($"Key {shortFingerprint} is not yours in this job: you sign with the owner key of a dataset you uploaded "
                    + "or with the key registered for you as a recipient of the model.");
            }
            if (!ConsentSignature.Verify(key, state.Digest, signature))
            {
                return PlatformError.Invalid<ConsentChange>($"The signature by key {shortFingerprint} does not verify over this job's consent terms "
                    + $"(digest {Convert.ToHexStringLower(state.Digest)[..16]}…): sign the terms as GET /api/jobs/{job.Id}/consent shows them now.");
            }

            DateTimeOffset now = PlatformTime.Now(_time);
            // A key signs once; signing again (the same terms) replaces its signature.
            JobApprovalEntity? earlier = job.Approvals.FirstOrDefault(a => a.KeyFingerprint == fingerprint);
            if (earlier is null)
            {
                job.Approvals.Add(new JobApprovalEntity { JobId = job.Id, KeyFingerprint = fingerprint, Key = key, Signature = signature, UserId = userId, SignedAt = now });
            }
            else
            {
                (earlier.Signature, earlier.UserId, earlier.SignedAt) = (signature, userId, now);
            }
            var approvals = job.Approvals.Select(a => new ConsentApproval(a.Key, a.Signature)).ToList();
            bool complete = JobConsentTerms.Missing(state.Terms, approvals).Count == 0;
            if (complete)
            {
                JobStateMachine.EnsureCanTransition(job.State, JobState.Queued);
                job.State = JobState.Queued;
            }
            job.UpdatedAt = now;
            db.Touch(job);
            await db.SaveChangesAsync(cancellationToken);
            return new ConsentChange(JobService.ToInfo(job), [fingerprint], complete);
        }, cancellationToken);
    }

    /// <summary>
    /// A required signer (an owner of one of the job's datasets or a recipient) declines: the job becomes Declined, for
    /// good, with the reason as its failure message. Only while it waits for approvals.
    /// </summary>
    public Task<Outcome<ConsentChange>> DeclineAsync(Guid userId, string jobId, string? reason, CancellationToken cancellationToken = default)
    {
        string? given = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (given is { Length: > MaxReasonLength })
        {
            return Task.FromResult(PlatformError.Invalid<ConsentChange>($"A reason is at most {MaxReasonLength} characters."));
        }

        return _database.RunAsync(async db =>
        {
            var (job, failure) = await JobService.FindForUserAsync(db, userId, jobId, ProjectPermission.View, tracked: true, cancellationToken);
            if (failure is not null)
            {
                return failure.Cast<ConsentChange>();
            }
            List<byte[]> keys = KeysOf(job!, userId);
            if (keys.Count == 0)
            {
                return PlatformError.Forbidden<ConsentChange>($"Only the owners of job {job!.Id}'s datasets and the model's recipients may decline it.");
            }
            if (job!.State != JobState.AwaitingApproval)
            {
                return PlatformError.Conflict<ConsentChange>(job.State == JobState.Queued
                    ? $"Job {job.Id} is queued: withdraw your approval first (POST /api/jobs/{job.Id}/withdraw), then decline."
                    : $"Job {job.Id} is {Name(job.State)}; only a job waiting for approvals can be declined.");
            }

            string who = (await db.Users.AsNoTracking().FirstAsync(u => u.Id == userId, cancellationToken)).UserName;
            DateTimeOffset now = PlatformTime.Now(_time);
            JobStateMachine.EnsureCanTransition(job.State, JobState.Declined);
            job.State = JobState.Declined;
            job.FailureMessage = given is null ? $"Declined by {who}." : $"Declined by {who}: {given}";
            job.FinishedAt = now;
            job.UpdatedAt = now;
            db.Touch(job);
            await db.SaveChangesAsync(cancellationToken);
            return new ConsentChange(JobService.ToInfo(job), [.. keys.Select(k => OwnerKeys.Fingerprint(k))], true);
        }, cancellationToken);
    }

    /// <summary>
    /// Withdraws the caller's approvals (every key of theirs that signed): a queued job goes back to waiting, unless
    /// the runner has handed it to the parties already (then it can only be cancelled).
    /// </summary>
    public Task<Outcome<ConsentChange>> WithdrawAsync(Guid userId, string jobId, CancellationToken cancellationToken = default) =>
        _database.RunAsync(async db =>
        {
            var (job, failure) = await JobService.FindForUserAsync(db, userId, jobId, ProjectPermission.View, tracked: true, cancellationToken);
            if (failure is not null)
            {
                return failure.Cast<ConsentChange>();
            }
            List<byte[]> keys = KeysOf(job!, userId);
            List<JobApprovalEntity> mine = [.. job!.Approvals.Where(a => keys.Any(k => k.AsSpan().SequenceEqual(a.Key)))];
            if (keys.Count == 0 || mine.Count == 0)
            {
                return PlatformError.Conflict<ConsentChange>($"You have not approved job {job.Id}; there is nothing to withdraw.");
            }
            if (job.State is not (JobState.AwaitingApproval or JobState.Queued) || job.DispatchedAt is not null)
            {
                return PlatformError.Conflict<ConsentChange>($"Job {job.Id} is {Name(job.State)}{(job.DispatchedAt is null ? "" : " and the parties have it")}; "
                    + "an approval can be withdrawn only before training starts. Cancel the job instead.");
            }

            bool requeue = job.State == JobState.Queued;
            if (requeue)
            {
                JobStateMachine.EnsureCanTransition(job.State, JobState.AwaitingApproval);
                job.State = JobState.AwaitingApproval;
            }
            foreach (JobApprovalEntity approval in mine)
            {
                job.Approvals.Remove(approval);
            }
            job.UpdatedAt = PlatformTime.Now(_time);
            db.Touch(job);
            await db.SaveChangesAsync(cancellationToken);
            return new ConsentChange(JobService.ToInfo(job), [.. mine.Select(a => a.KeyFingerprint)], requeue);
        }, cancellationToken);

    /// <summary>Jobs waiting for approvals in which a key of the caller's (an owner key of theirs, their recipient key) has not signed yet, oldest first.</summary>
    public async Task<IReadOnlyList<JobInfo>> PendingAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        await using PlatformDbContext db = _database.CreateContext();
        List<JobEntity> jobs = await JobService.WithConsent(db.Jobs.AsNoTracking())
            .Where(j => j.State == JobState.AwaitingApproval
                && (j.Datasets.Any(d => d.OwnerId == userId) || j.Recipients.Any(r => r.UserId == userId))
                && db.ProjectMembers.Any(m => m.ProjectId == j.ProjectId && m.UserId == userId))
            .ToListAsync(cancellationToken);
        var pending = new List<JobInfo>();
        foreach (JobEntity job in jobs.OrderBy(j => j.CreatedAt).ThenBy(j => j.Id, StringComparer.Ordinal))
        {
            JobInfo info = JobService.ToInfo(job);
            List<byte[]> keys = KeysOf(job, userId);
            if (JobConsentState.Of(info).State is { } state && state.Missing.Any(m => keys.Any(k => k.AsSpan().SequenceEqual(m.Key))))
            {
                pending.Add(info);
            }
        }
        return pending;
    }

    // Whether the caller holds `key` in this job by the platform's records: the owner key of a dataset they uploaded,
    // or the key named for them as a recipient.
    private static bool Holds(JobEntity job, Guid userId, byte[] key) => KeysOf(job, userId).Any(k => k.AsSpan().SequenceEqual(key));

    private static List<byte[]> KeysOf(JobEntity job, Guid userId) =>
    [
        .. job.Datasets.Where(d => d.OwnerId == userId).Select(d => d.OwnerKey)
            .Concat(job.Recipients.Where(r => r.UserId == userId).Select(r => r.Key)),
    ];

    private static string Name(JobState state) => state.ToString().ToLowerInvariant();
}
