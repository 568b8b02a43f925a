using Imguard.Contracts.Datasets;
using Imguard.Contracts.Jobs;
using Imguard.Contracts.Projects;
using Imguard.Platform.Accounts;
using Imguard.Platform.Data;
using Imguard.Platform.Datasets;
using Imguard.Platform.Jobs;
using Imguard.Platform.Projects;

namespace Imguard.Platform.Tests.Jobs;

public abstract class JobServiceTests(PlatformDatabaseProvider provider) : PlatformTestBase(provider)
{
    [ProviderFact]
    public async Task A_job_runs_through_its_life_with_progress_and_logs()
    {
        UserInfo owner = await UserAsync("owner");
        ProjectInfo project = await ProjectAsync(owner);
        DatasetInfo train = await ReadyDatasetAsync(owner, project.Id);
        DatasetInfo test = await ReadyDatasetAsync(owner, project.Id, DatasetPurpose.Test);

        JobInfo job = await QueuedJobAsync(owner, JobRequest(project.Id, train.Id, test.Id));
        Assert.StartsWith("job-", job.Id, StringComparison.Ordinal);
        Assert.Equal(JobState.Queued, job.State);

        Clock.Advance(TimeSpan.FromSeconds(1));
        job = Ok(await Jobs.TransitionAsync(job.Id, JobState.Preprocessing));
        Assert.Equal(Start + TimeSpan.FromSeconds(1), job.StartedAt);
        Fails(OutcomeStatus.Conflict, await Jobs.ReportProgressAsync(job.Id, new JobProgress(0, 0, 10)), "only while it runs");
        Ok(await Jobs.TransitionAsync(job.Id, JobState.Running));

        job = Ok(await Jobs.ReportProgressAsync(job.Id, new JobProgress(1, 5, 10, """{"loss":0.5}""", CheckpointEpoch: 0)));
        job = Ok(await Jobs.ReportProgressAsync(job.Id, new JobProgress(1, 6, 10)));
        Assert.Equal((1, 6L, 10L, """{"loss":0.5}""", (int?)0), (job.Epoch, job.Step, job.TotalSteps, job.MetricsJson, job.LastCheckpointEpoch));
        Fails(OutcomeStatus.Invalid, await Jobs.ReportProgressAsync(job.Id, new JobProgress(1, 11, 10)), "past the total");
        Fails(OutcomeStatus.Invalid, await Jobs.ReportProgressAsync(job.Id, new JobProgress(1, 6, 10, "[1]")), "JSON object");

        Ok(await Jobs.AppendLogAsync(job.Id, JobLogLevel.Information, "epoch 1 done"));
        Ok(await Jobs.AppendLogAsync(job.Id, JobLogLevel.Warning, new string('w', 5000)));
        Clock.Advance(TimeSpan.FromMinutes(3));
        job = Ok(await Jobs.TransitionAsync(job.Id, JobState.Succeeded));
        Assert.Equal(Start + TimeSpan.FromSeconds(181), job.FinishedAt);
        Fails(OutcomeStatus.Conflict, await Jobs.TransitionAsync(job.Id, JobState.Running), "final");
        Fails(OutcomeStatus.Conflict, await Jobs.RequestCancelAsync(owner.Id, job.Id), "succeeded already");

        var log = Ok(await Jobs.GetLogAsync(owner.Id, job.Id));
        Assert.Equal(2, log.Count);
        Assert.Equal(4000, log[1].Message.Length);
        Assert.Single(Ok(await Jobs.GetLogAsync(owner.Id, job.Id, afterId: log[0].Id)));
        Assert.Equal(job.Id, Assert.Single(Ok(await Jobs.ListAsync(owner.Id, project.Id))).Id);
    }

    [ProviderFact]
    public async Task Starting_a_job_needs_the_right_and_a_ready_train_set_of_the_project()
    {
        UserInfo owner = await UserAsync("owner");
        UserInfo contributor = await UserAsync("contributor");
        UserInfo viewer = await UserAsync("viewer");
        UserInfo stranger = await UserAsync("stranger");
        UserInfo admin = await AdminAsync();
        ProjectInfo project = await ProjectWithAsync(owner, (contributor, ProjectRole.Contributor), (viewer, ProjectRole.Viewer));
        DatasetInfo train = await ReadyDatasetAsync(owner, project.Id);

        Fails(OutcomeStatus.Forbidden, await Jobs.CreateAsync(viewer.Id, JobRequest(project.Id, train.Id)), "Viewer may not start jobs");
        Fails(OutcomeStatus.Forbidden, await Jobs.CreateAsync(contributor.Id, JobRequest(project.Id, train.Id)), "start jobs");
        Fails(OutcomeStatus.Forbidden, await Jobs.CreateAsync(admin.Id, JobRequest(project.Id, train.Id)), "Administrators");
        Fails(OutcomeStatus.NotFound, await Jobs.CreateAsync(stranger.Id, JobRequest(project.Id, train.Id)));

        DatasetInfo pending = Ok(await Datasets.RegisterAsync(owner.Id, Registration(project.Id)));
        Fails(OutcomeStatus.Invalid, await Jobs.CreateAsync(owner.Id, JobRequest(project.Id, pending.Id)), "not ready");
        DatasetInfo test = await ReadyDatasetAsync(owner, project.Id, DatasetPurpose.Test);
        Fails(OutcomeStatus.Invalid, await Jobs.CreateAsync(owner.Id, JobRequest(project.Id, test.Id)), "not training");
        Fails(OutcomeStatus.Invalid, await Jobs.CreateAsync(owner.Id, JobRequest(project.Id, train.Id, train.Id)), "not testing");

        ProjectInfo other = await ProjectAsync(owner, "other");
        Fails(OutcomeStatus.Invalid, await Jobs.CreateAsync(owner.Id, JobRequest(other.Id, train.Id)), "not a dataset of this project");
        Fails(OutcomeStatus.Invalid, await Jobs.CreateAsync(owner.Id, JobRequest(project.Id, train.Id) with { ModelSpecJson = "{" }), "not valid JSON");

        JobInfo job = await QueuedJobAsync(owner, JobRequest(project.Id, train.Id));
        Ok(await Jobs.GetAsync(viewer.Id, job.Id));
        Ok(await Jobs.GetAsync(admin.Id, job.Id));
        Fails(OutcomeStatus.NotFound, await Jobs.GetAsync(stranger.Id, job.Id));
        Fails(OutcomeStatus.NotFound, await Jobs.GetLogAsync(stranger.Id, job.Id));
        Fails(OutcomeStatus.Forbidden, await Jobs.RequestCancelAsync(viewer.Id, job.Id), "cancel jobs");
    }

    [ProviderFact]
    public async Task Inference_applies_a_succeeded_training_jobs_model_to_a_test_set_of_the_project()
    {
        UserInfo owner = await UserAsync("owner");
        UserInfo viewer = await UserAsync("viewer");
        ProjectInfo project = await ProjectWithAsync(owner, (viewer, ProjectRole.Viewer));
        DatasetInfo train = await ReadyDatasetAsync(owner, project.Id);
        DatasetInfo queries = await ReadyDatasetAsync(owner, project.Id, DatasetPurpose.Test);
        JobInfo training = await QueuedJobAsync(owner, JobRequest(project.Id, train.Id));

        Fails(OutcomeStatus.Conflict, await Jobs.CreateInferenceAsync(owner.Id, training.Id, queries.Id), "no trained model");
        Ok(await Jobs.TransitionAsync(training.Id, JobState.Preprocessing));
        Ok(await Jobs.TransitionAsync(training.Id, JobState.Running));
        Ok(await Jobs.TransitionAsync(training.Id, JobState.Succeeded));

        Fails(OutcomeStatus.Forbidden, await Jobs.CreateInferenceAsync(viewer.Id, training.Id, queries.Id));
        Fails(OutcomeStatus.Invalid, await Jobs.CreateInferenceAsync(owner.Id, training.Id, train.Id), "test");
        JobInfo inference = Ok(await Jobs.CreateInferenceAsync(owner.Id, training.Id, queries.Id));
        Assert.Equal((training.Id, queries.Id, queries.Id, JobState.Queued), (inference.ModelFromJobId, inference.TrainDatasetId, inference.TestDatasetId, inference.State));
        Assert.Equal(training.ModelSpecJson, inference.ModelSpecJson);

        Ok(await Jobs.TransitionAsync(inference.Id, JobState.Preprocessing));
        Ok(await Jobs.TransitionAsync(inference.Id, JobState.Running));
        Ok(await Jobs.TransitionAsync(inference.Id, JobState.Succeeded));
        Fails(OutcomeStatus.Conflict, await Jobs.CreateInferenceAsync(owner.Id, inference.Id, queries.Id), "inference job");
    }

    [ProviderFact]
    public async Task Cancelling_a_queued_job_is_immediate_and_a_running_one_is_flagged_for_the_runner()
    {
        UserInfo owner = await UserAsync("owner");
        ProjectInfo project = await ProjectAsync(owner);
        DatasetInfo train = await ReadyDatasetAsync(owner, project.Id);

        JobInfo queued = await QueuedJobAsync(owner, JobRequest(project.Id, train.Id));
        JobInfo cancelled = Ok(await Jobs.RequestCancelAsync(owner.Id, queued.Id));
        Assert.Equal(JobState.Cancelled, cancelled.State);
        Assert.NotNull(cancelled.FinishedAt);

        JobInfo running = await QueuedJobAsync(owner, JobRequest(project.Id, train.Id));
        Ok(await Jobs.TransitionAsync(running.Id, JobState.Preprocessing));
        Ok(await Jobs.TransitionAsync(running.Id, JobState.Running));
        JobInfo flagged = Ok(await Jobs.RequestCancelAsync(owner.Id, running.Id));
        Assert.Equal((JobState.Running, true), (flagged.State, flagged.CancelRequested));
        Assert.Equal(JobState.Cancelled, Ok(await Jobs.TransitionAsync(running.Id, JobState.Cancelled)).State);
    }

    [ProviderFact]
    public async Task A_failure_needs_a_message_and_a_resume_goes_back_to_preprocessing()
    {
        UserInfo owner = await UserAsync("owner");
        ProjectInfo project = await ProjectAsync(owner);
        DatasetInfo train = await ReadyDatasetAsync(owner, project.Id);
        JobInfo job = await QueuedJobAsync(owner, JobRequest(project.Id, train.Id));
        Ok(await Jobs.TransitionAsync(job.Id, JobState.Preprocessing));
        Ok(await Jobs.TransitionAsync(job.Id, JobState.Running));

        Fails(OutcomeStatus.Conflict, await Jobs.TransitionAsync(job.Id, JobState.Preprocessing), "resume");
        Ok(await Jobs.TransitionAsync(job.Id, JobState.Preprocessing, resume: true));
        Ok(await Jobs.TransitionAsync(job.Id, JobState.Running));
        Fails(OutcomeStatus.Invalid, await Jobs.TransitionAsync(job.Id, JobState.Failed), "message");
        JobInfo failed = Ok(await Jobs.TransitionAsync(job.Id, JobState.Failed, "party 1 disconnected"));
        Assert.Equal("party 1 disconnected", failed.FailureMessage);
        Fails(OutcomeStatus.NotFound, await Jobs.TransitionAsync("job-missing", JobState.Running));
        Fails(OutcomeStatus.NotFound, await Jobs.AppendLogAsync("job-missing", JobLogLevel.Error, "x"));
    }

    [ProviderFact]
    public async Task Shown_progress_never_goes_backwards_and_a_resumed_run_says_where_it_started_again()
    {
        UserInfo owner = await UserAsync("owner");
        ProjectInfo project = await ProjectAsync(owner);
        DatasetInfo train = await ReadyDatasetAsync(owner, project.Id);
        JobInfo job = await QueuedJobAsync(owner, JobRequest(project.Id, train.Id));
        Ok(await Jobs.TransitionAsync(job.Id, JobState.Preprocessing));
        Ok(await Jobs.TransitionAsync(job.Id, JobState.Running));
        Ok(await Jobs.ReportProgressAsync(job.Id, new JobProgress(1, 10, 40, """{"loss":0.5}""", CheckpointEpoch: 1)));
        Ok(await Jobs.ReportProgressAsync(job.Id, new JobProgress(1, 17, 40, """{"loss":0.4}""")));

        // Party 1 went away in epoch 2; the job resumes from the checkpoint after epoch 1 and re-runs steps 11 to 17.
        Ok(await Jobs.TransitionAsync(job.Id, JobState.Preprocessing, resume: true));
        Ok(await Jobs.TransitionAsync(job.Id, JobState.Running));
        job = Ok(await Jobs.ReportProgressAsync(job.Id, new JobProgress(1, 11, 40, """{"loss":0.9}""", ResumedFromEpoch: 1)));
        Assert.Equal((1, 17L, 40L, """{"loss":0.4}""", (int?)1, (int?)1), (job.Epoch, job.Step, job.TotalSteps, job.MetricsJson, job.LastCheckpointEpoch, job.ResumedFromEpoch));
        job = Ok(await Jobs.ReportProgressAsync(job.Id, new JobProgress(0, 3, 40, CheckpointEpoch: 0, ResumedFromEpoch: 0)));
        Assert.Equal((17L, (int?)1, (int?)0), (job.Step, job.LastCheckpointEpoch, job.ResumedFromEpoch));
        // Once the resumed run passes the shown step, progress moves on (and still says where the run started again).
        job = Ok(await Jobs.ReportProgressAsync(job.Id, new JobProgress(1, 18, 40, """{"loss":0.3}""", ResumedFromEpoch: 1)));
        Assert.Equal((1, 18L, """{"loss":0.3}""", (int?)1), (job.Epoch, job.Step, job.MetricsJson, job.ResumedFromEpoch));
        Fails(OutcomeStatus.Invalid, await Jobs.ReportProgressAsync(job.Id, new JobProgress(1, 19, 40, ResumedFromEpoch: -1)), "negative");

        JobInfo stored = Ok(await Jobs.GetAsync(owner.Id, job.Id));
        Assert.Equal((18L, (int?)1, (int?)1), (stored.Step, stored.LastCheckpointEpoch, stored.ResumedFromEpoch));
    }

    [ProviderFact]
    public async Task A_log_line_shows_the_partys_time_within_the_accepted_skew_and_keeps_its_receipt_time()
    {
        UserInfo owner = await UserAsync("owner");
        ProjectInfo project = await ProjectAsync(owner);
        DatasetInfo train = await ReadyDatasetAsync(owner, project.Id);
        JobInfo job = await QueuedJobAsync(owner, JobRequest(project.Id, train.Id));
        Clock.Advance(TimeSpan.FromMinutes(30));
        DateTimeOffset now = Start + TimeSpan.FromMinutes(30);

        // A line the party kept while the platform was down arrives late: it shows when it happened (to the microsecond).
        JobLogEntry late = Ok(await Jobs.AppendLogAsync(job.Id, JobLogLevel.Warning, "attempt 0 interrupted", now - TimeSpan.FromMinutes(20) + TimeSpan.FromTicks(7)));
        Assert.Equal((now - TimeSpan.FromMinutes(20), now), (late.Time, late.ReceivedAt));
        // A party clock a little ahead is believed; far ahead, or before the job existed, is not: the receipt time shows.
        JobLogEntry ahead = Ok(await Jobs.AppendLogAsync(job.Id, JobLogLevel.Information, "ahead", now + TimeSpan.FromMinutes(4)));
        Assert.Equal(now + TimeSpan.FromMinutes(4), ahead.Time);
        JobLogEntry future = Ok(await Jobs.AppendLogAsync(job.Id, JobLogLevel.Information, "future", now + TimeSpan.FromDays(365)));
        JobLogEntry past = Ok(await Jobs.AppendLogAsync(job.Id, JobLogLevel.Information, "past", Start - TimeSpan.FromHours(1)));
        JobLogEntry untimed = Ok(await Jobs.AppendLogAsync(job.Id, JobLogLevel.Information, "platform's own"));
        Assert.All(new[] { future, past, untimed }, e => Assert.Equal((now, now), (e.Time, e.ReceivedAt)));

        // Read back in the order received, with both times.
        var log = Ok(await Jobs.GetLogAsync(owner.Id, job.Id));
        Assert.Equal(["attempt 0 interrupted", "ahead", "future", "past", "platform's own"], log.Select(e => e.Message));
        Assert.Equal([now - TimeSpan.FromMinutes(20), now + TimeSpan.FromMinutes(4), now, now, now], log.Select(e => e.Time));
        Assert.All(log, e => Assert.Equal(now, e.ReceivedAt));
    }

    [ProviderFact]
    public async Task Progress_and_a_cancel_request_arriving_together_both_land()
    {
        UserInfo owner = await UserAsync("owner");
        ProjectInfo project = await ProjectAsync(owner);
        DatasetInfo train = await ReadyDatasetAsync(owner, project.Id);
        JobInfo job = await QueuedJobAsync(owner, JobRequest(project.Id, train.Id));
        Ok(await Jobs.TransitionAsync(job.Id, JobState.Preprocessing));
        Ok(await Jobs.TransitionAsync(job.Id, JobState.Running));

        var progress = Enumerable.Range(1, 4).Select(step => Task.Run(() => Jobs.ReportProgressAsync(job.Id, new JobProgress(1, step, 100))));
        var cancel = Task.Run(() => Jobs.RequestCancelAsync(owner.Id, job.Id));
        Outcome<JobInfo>[] results = await Task.WhenAll(progress.Append(cancel));
        Assert.All(results, r => Assert.True(r.IsOk, r.ToString()));

        JobInfo final = Ok(await Jobs.GetAsync(owner.Id, job.Id));
        Assert.True(final.CancelRequested);
        Assert.InRange(final.Step, 1, 4);
    }
}

public sealed class SqliteJobServiceTests() : JobServiceTests(PlatformDatabaseProvider.Sqlite);

public sealed class PostgresJobServiceTests() : JobServiceTests(PlatformDatabaseProvider.PostgreSql), IPostgresTests;
