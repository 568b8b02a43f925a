using Imguard.Contracts.Jobs;
using Imguard.Contracts.Projects;
using Imguard.Platform.Accounts;
using Imguard.Platform.Data;
using Imguard.Platform.Datasets;
using Imguard.Platform.Jobs;
using Imguard.Platform.Projects;
using Microsoft.EntityFrameworkCore;

namespace Imguard.Platform.Tests.Jobs;

/// <summary>A job's stored progress (points and epoch rows): kept as reports arrive, bounded, replaced by a resumed run.</summary>
public abstract class JobHistoryTests(PlatformDatabaseProvider provider) : PlatformTestBase(provider)
{
    private async Task<(UserInfo Owner, ProjectInfo Project, JobInfo Job)> RunningJobAsync(params (UserInfo User, ProjectRole Role)[] members)
    {
        UserInfo owner = await UserAsync("owner");
        ProjectInfo project = await ProjectWithAsync(owner, members);
        DatasetInfo train = await ReadyDatasetAsync(owner, project.Id);
        JobInfo job = await QueuedJobAsync(owner, JobRequest(project.Id, train.Id));
        Ok(await Jobs.TransitionAsync(job.Id, JobState.Preprocessing));
        Ok(await Jobs.TransitionAsync(job.Id, JobState.Running));
        return (owner, project, job);
    }

    private static string Metrics(double loss, double imagesPerSecond) =>
        FormattableString.Invariant($$"""{"loss":{{loss}},"imagesPerSecond":{{imagesPerSecond}}}""");

    [ProviderFact]
    public async Task A_finished_job_keeps_every_report_as_a_point_and_a_row_per_epoch()
    {
        UserInfo viewer = await UserAsync("viewer");
        UserInfo stranger = await UserAsync("stranger");
        var (owner, _, job) = await RunningJobAsync((viewer, ProjectRole.Viewer));

        // Two epochs of three steps, as party 0 reports them: each step, then the epoch's checkpoint at its last step.
        double[] losses = [2.31, 2.25, 2.2, 2.16, 2.12, 2.09];
        for (int step = 1; step <= 6; step++)
        {
            Clock.Advance(TimeSpan.FromSeconds(2));
            int epoch = (step - 1) / 3;
            Ok(await Jobs.ReportProgressAsync(job.Id, new JobProgress(epoch, step, 6, Metrics(losses[step - 1], 10 + step), EpochSeconds: 2.0 * (step - epoch * 3))));
            if (step % 3 == 0)
            {
                Ok(await Jobs.ReportProgressAsync(job.Id, new JobProgress(epoch, step, 6, Metrics(losses[step - 1], 10 + step), CheckpointEpoch: epoch + 1,
                    EpochSeconds: 6)));
            }
        }

        Ok(await Jobs.TransitionAsync(job.Id, JobState.Succeeded));
        Clock.Advance(TimeSpan.FromDays(3));

        // Reopened days later, by a viewer too: the whole series, in step order, at the times the reports arrived.
        foreach (UserInfo reader in new[] { owner, viewer })
        {
            JobProgressHistory history = Ok(await Jobs.GetProgressAsync(reader.Id, job.Id));
            Assert.Equal([1L, 2, 3, 4, 5, 6], history.Points.Select(p => p.Step));
            Assert.Equal([0, 0, 0, 1, 1, 1], history.Points.Select(p => p.Epoch));
            Assert.Equal(losses.Select(l => (double?)l), history.Points.Select(p => p.Loss));
            Assert.Equal([11.0, 12, 13, 14, 15, 16], history.Points.Select(p => p.ImagesPerSecond ?? 0));
            Assert.Equal(Enumerable.Range(1, 6).Select(i => Start + TimeSpan.FromSeconds(2 * i)), history.Points.Select(p => p.Time));
            Assert.Equal(1, history.Stride);
            Assert.Equal(Start + TimeSpan.FromDays(3) + TimeSpan.FromSeconds(12), history.Now);
            Assert.Equal(
                [new JobEpochSummary(1, 3, 2.2, null, 13, 6, true, Start + TimeSpan.FromSeconds(6)), new JobEpochSummary(2, 6, 2.09, null, 16, 6, true, Start + TimeSpan.FromSeconds(12))],
                history.Epochs);
        }

        // Paged by id; the epoch rows come whole with every page.
        JobProgressHistory all = Ok(await Jobs.GetProgressAsync(owner.Id, job.Id));
        JobProgressHistory page = Ok(await Jobs.GetProgressAsync(owner.Id, job.Id, afterId: all.Points[1].Id, limit: 3));
        Assert.Equal([3L, 4, 5], page.Points.Select(p => p.Step));
        Assert.Equal(2, page.Epochs.Count);
        Assert.Empty(Ok(await Jobs.GetProgressAsync(owner.Id, job.Id, afterId: all.Points[^1].Id)).Points);

        Fails(OutcomeStatus.NotFound, await Jobs.GetProgressAsync(stranger.Id, job.Id));
        Fails(OutcomeStatus.NotFound, await Jobs.GetProgressAsync(owner.Id, "job-missing"));
        Fails(OutcomeStatus.Invalid, await Jobs.GetProgressAsync(owner.Id, job.Id, limit: 0), "1 to 10000");
        Fails(OutcomeStatus.Invalid, await Jobs.GetProgressAsync(owner.Id, job.Id, limit: JobService.MaxProgressPoints + 1));
    }

    [ProviderFact]
    public async Task A_job_that_hides_its_loss_stores_no_loss_and_a_report_without_a_total_is_not_drawn()
    {
        var (owner, _, job) = await RunningJobAsync();
        Ok(await Jobs.ReportProgressAsync(job.Id, new JobProgress(0, 0, 0)));
        Assert.Empty(Ok(await Jobs.GetProgressAsync(owner.Id, job.Id)).Points);

        Ok(await Jobs.ReportProgressAsync(job.Id, new JobProgress(0, 1, 10, """{"imagesPerSecond":5}""")));
        Ok(await Jobs.ReportProgressAsync(job.Id, new JobProgress(0, 2, 10)));
        JobProgressHistory history = Ok(await Jobs.GetProgressAsync(owner.Id, job.Id));
        Assert.Equal([(1L, (double?)null, (double?)5), (2, null, null)], history.Points.Select(p => (p.Step, p.Loss, p.ImagesPerSecond)));
        // The epoch row keeps the latest value of each metric reported within the epoch.
        JobEpochSummary row = Assert.Single(history.Epochs);
        Assert.Equal((1, 2L, (double?)null, (double?)5, (double?)null, false), (row.Epoch, row.Step, row.Loss, row.ImagesPerSecond, row.DurationSeconds, row.Checkpoint));
        Fails(OutcomeStatus.Invalid, await Jobs.ReportProgressAsync(job.Id, new JobProgress(0, 3, 10, EpochSeconds: double.NaN)), "finite");
        Fails(OutcomeStatus.Invalid, await Jobs.ReportProgressAsync(job.Id, new JobProgress(0, 3, 10, EpochSeconds: -1)), "finite");
    }

    [ProviderFact]
    public async Task A_resumed_attempt_replaces_the_steps_it_runs_again_so_the_history_is_what_the_final_model_went_through()
    {
        var (owner, _, job) = await RunningJobAsync();
        // Two epochs of 10 steps: the first finished with a checkpoint, the second interrupted after step 17.
        foreach (long step in new long[] { 5, 10, 15, 17 })
        {
            Clock.Advance(TimeSpan.FromSeconds(1));
            Ok(await Jobs.ReportProgressAsync(job.Id, new JobProgress((int)((step - 1) / 10), step, 20, Metrics(3.0 - step / 10.0, 8), CheckpointEpoch: step == 10 ? 1 : null)));
        }

        Ok(await Jobs.TransitionAsync(job.Id, JobState.Preprocessing, resume: true));
        Ok(await Jobs.TransitionAsync(job.Id, JobState.Running));
        Clock.Advance(TimeSpan.FromSeconds(30));
        JobInfo shown = Ok(await Jobs.ReportProgressAsync(job.Id, new JobProgress(1, 12, 20, Metrics(2.5, 9), ResumedFromEpoch: 1)));

        // The job still shows its highest step (shown progress never goes backwards) while its history is the resumed run.
        Assert.Equal((17L, (int?)1), (shown.Step, shown.ResumedFromEpoch));
        JobProgressHistory history = Ok(await Jobs.GetProgressAsync(owner.Id, job.Id));
        Assert.Equal([(5L, (double?)2.5), (10, 2.0), (12, 2.5)], history.Points.Select(p => (p.Step, p.Loss)));
        Assert.Equal(Start + TimeSpan.FromSeconds(34), history.Points[^1].Time);
        Assert.Equal([(1, 10L, (double?)2.0, true), (2, 12, 2.5, false)], history.Epochs.Select(e => (e.Epoch, e.Step, e.Loss, e.Checkpoint)));

        foreach (long step in new long[] { 16, 20 })
        {
            Ok(await Jobs.ReportProgressAsync(job.Id, new JobProgress(1, step, 20, Metrics(2.6 - step / 100.0, 9), CheckpointEpoch: step == 20 ? 2 : null, ResumedFromEpoch: 1)));
        }

        history = Ok(await Jobs.GetProgressAsync(owner.Id, job.Id));
        Assert.Equal([5L, 10, 12, 16, 20], history.Points.Select(p => p.Step));
        Assert.Equal([(1, true), (2, true)], history.Epochs.Select(e => (e.Epoch, e.Checkpoint)));

        // No checkpoint both parties hold: the next attempt starts again from newly dealt weights, and so does the history.
        Ok(await Jobs.ReportProgressAsync(job.Id, new JobProgress(0, 3, 20, Metrics(2.9, 7), ResumedFromEpoch: 0)));
        history = Ok(await Jobs.GetProgressAsync(owner.Id, job.Id));
        Assert.Equal([3L], history.Points.Select(p => p.Step));
        Assert.Equal([(1, 3L, (double?)2.9, false)], history.Epochs.Select(e => (e.Epoch, e.Step, e.Loss, e.Checkpoint)));
        Assert.Equal(20L, Ok(await Jobs.GetAsync(owner.Id, job.Id)).Step);
    }

    [ProviderFact]
    public async Task A_job_longer_than_the_point_limit_is_thinned_evenly_over_its_whole_length()
    {
        var jobs = new JobService(Database, Clock, maxProgressPoints: 4);
        var (owner, _, job) = await RunningJobAsync();
        // 10 steps in 4 slots of 3 steps: each slot keeps its latest report, the last slot the final step.
        for (long step = 1; step <= 10; step++)
        {
            Ok(await jobs.ReportProgressAsync(job.Id, new JobProgress((int)((step - 1) / 5), step, 10)));
            Assert.InRange(Ok(await jobs.GetProgressAsync(owner.Id, job.Id)).Points.Count, 1, 4);
        }

        JobProgressHistory history = Ok(await jobs.GetProgressAsync(owner.Id, job.Id));
        Assert.Equal(3, history.Stride);
        Assert.Equal([3L, 6, 9, 10], history.Points.Select(p => p.Step));
        Assert.Throws<ArgumentOutOfRangeException>(() => new JobService(Database, Clock, maxProgressPoints: JobService.MaxProgressPoints + 1));
    }

    [ProviderFact]
    public async Task Deleting_a_job_deletes_its_points_and_epoch_rows_and_leaves_other_jobs_history()
    {
        var (owner, project, job) = await RunningJobAsync();
        JobInfo other = await QueuedJobAsync(owner, JobRequest(project.Id, job.TrainDatasetId));
        Ok(await Jobs.TransitionAsync(other.Id, JobState.Preprocessing));
        Ok(await Jobs.TransitionAsync(other.Id, JobState.Running));
        foreach (JobInfo each in new[] { job, other })
        {
            Ok(await Jobs.ReportProgressAsync(each.Id, new JobProgress(0, 5, 10, Metrics(2.3, 8), EpochSeconds: 1)));
            Ok(await Jobs.ReportProgressAsync(each.Id, new JobProgress(1, 10, 10, Metrics(2.1, 8), CheckpointEpoch: 2, EpochSeconds: 1)));
        }

        // A plain SQL DELETE of the job row (no entities loaded): the database's own cascade removes the history, so
        // no way of deleting a job can leave its series behind.
        await using (PlatformDbContext db = Database.CreateContext())
        {
            Assert.Equal(1, await db.Jobs.Where(j => j.Id == job.Id).ExecuteDeleteAsync());
        }

        await using (PlatformDbContext db = Database.CreateContext())
        {
            Assert.Equal(0, await db.JobProgressPoints.CountAsync(p => p.JobId == job.Id));
            Assert.Equal(0, await db.JobEpochs.CountAsync(e => e.JobId == job.Id));
            Assert.Equal(2, await db.JobProgressPoints.CountAsync(p => p.JobId == other.Id));
            Assert.Equal(2, await db.JobEpochs.CountAsync(e => e.JobId == other.Id));
        }

        Fails(OutcomeStatus.NotFound, await Jobs.GetProgressAsync(owner.Id, job.Id));
        Assert.Equal(2, Ok(await Jobs.GetProgressAsync(owner.Id, other.Id)).Points.Count);
    }

    [ProviderFact]
    public async Task A_client_that_merges_each_new_page_by_slot_holds_what_a_fresh_read_returns()
    {
        var jobs = new JobService(Database, Clock, maxProgressPoints: 5);
        var (owner, _, job) = await RunningJobAsync();
        var held = new List<JobProgressPoint>();
        long stride = 1;

        async Task CatchUpAsync()
        {
            JobProgressHistory page = Ok(await jobs.GetProgressAsync(owner.Id, job.Id, afterId: held.Count == 0 ? 0 : held.Max(p => p.Id)));
            stride = page.Stride;
            foreach (JobProgressPoint point in page.Points)
            {
                // The documented rule (web/src/lib/progress.ts mergePoints): a point replaces those in its slot or later.
                held.RemoveAll(p => ProgressSlots.Slot(p.Step, stride) >= ProgressSlots.Slot(point.Step, stride));
                held.Add(point);
            }
        }

        // Forward, an interruption that goes back to step 4, forward again; the client reads at arbitrary moments.
        long[] steps = [1, 2, 3, 5, 6, 7, 8, 4, 5, 9, 10, 11, 12];
        for (int i = 0; i < steps.Length; i++)
        {
            Ok(await jobs.ReportProgressAsync(job.Id, new JobProgress(0, steps[i], 12, ResumedFromEpoch: i >= 7 ? 0 : null)));
            if (i % 3 == 1)
            {
                await CatchUpAsync();
            }
        }

        await CatchUpAsync();
        JobProgressHistory fresh = Ok(await jobs.GetProgressAsync(owner.Id, job.Id));
        Assert.Equal(fresh.Points, held);
        Assert.Equal([3L, 5, 9, 12], held.Select(p => p.Step));
    }
}

public sealed class SqliteJobHistoryTests() : JobHistoryTests(PlatformDatabaseProvider.Sqlite);

public sealed class PostgresJobHistoryTests() : JobHistoryTests(PlatformDatabaseProvider.PostgreSql), IPostgresTests;
