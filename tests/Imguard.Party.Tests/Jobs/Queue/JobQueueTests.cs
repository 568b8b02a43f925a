using Imguard.Contracts.Jobs;
using Imguard.Learning.Nn;
using Imguard.Party.Jobs;
using Imguard.Party.Jobs.Queue;
using Microsoft.Extensions.Logging.Abstractions;

namespace Imguard.Party.Tests.Jobs.Queue;

/// <summary>
/// The job queue on its own: jobs come out in the order they were started, a start is idempotent, a job cancelled
/// while queued is never run, a running one is told to stop, and an unfinished job is queued again at start-up.
/// </summary>
public sealed class JobQueueTests : IDisposable
{
    private static readonly ModelSpec Spec = new([1, 8, 8], 10, [new("flatten"), new("linear", Out: 10)]);

    private readonly TempDirectory _root = new();
    private readonly HttpClient _platform = new() { BaseAddress = new Uri("https://127.0.0.1:9/") };

    public void Dispose()
    {
        _platform.Dispose();
        _root.Dispose();
    }

    // The reporter is never run: reports stay in its queue, nothing is sent.
    private JobQueue NewQueue() => new(_root.Path, new JobReporter(_platform, NullLogger.Instance), NullLogger.Instance, TimeProvider.System);

    private static JobDescription Job(string id, int attempt = 0, int epochs = 1) => new()
    {
        JobId = id,
        ProjectId = "prj-1",
        TrainDatasetId = "ds-train",
        ModelSpecJson = Spec.ToJson(),
        Training = new JobTrainingOptions { Epochs = epochs, BatchSize = 8, Hiding = HidingModes.Off },
        Attempt = attempt,
    };

    private static async Task<string[]> TakeAsync(JobQueue queue, int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var taken = new List<string>();
        await foreach (string id in queue.ReadAllAsync(timeout.Token))
        {
            taken.Add(id);
            if (taken.Count == count)
            {
                break;
            }
        }
        return [.. taken];
    }

    [Fact]
    public async Task Jobs_come_out_in_the_order_they_were_started_and_a_repeated_start_queues_nothing()
    {
        JobQueue queue = NewQueue();
        foreach (string id in new[] { "job-b", "job-a", "job-c" })
        {
            Assert.Equal(JobCommandStatus.Ok, queue.Start(Job(id)).Status);
        }
        JobCommandResult again = queue.Start(Job("job-a"));
        Assert.Equal((JobCommandStatus.Ok, JobState.Queued), (again.Status, again.Reply!.State));
        Assert.Equal(["job-b", "job-a", "job-c"], await TakeAsync(queue, 3));
        Assert.Equal(JobCommandStatus.Conflict, queue.Start(Job("job-a", epochs: 2)).Status);
        Assert.Equal(JobCommandStatus.Invalid, queue.Start(Job("job-d") with { ModelSpecJson = "{" }).Status);
    }

    [Fact]
    public async Task A_job_cancelled_while_queued_is_never_run_and_restarts_only_with_a_higher_attempt()
    {
        JobQueue queue = NewQueue();
        queue.Start(Job("job-x"));
        JobCommandResult cancelled = queue.Cancel("job-x");
        Assert.Equal(JobState.Cancelled, cancelled.Reply!.State);

        string id = Assert.Single(await TakeAsync(queue, 1));
        using var cancellation = new CancellationTokenSource();
        Assert.False(queue.TryBegin(queue.Folder(id), new RunningJob(id, cancellation), out _, out _));

        Assert.Equal(JobCommandStatus.Conflict, queue.Start(Job("job-x")).Status);
        Assert.Equal(JobState.Queued, queue.Start(Job("job-x", attempt: 1)).Reply!.State);
        Assert.Equal(JobCommandStatus.NotFound, queue.Cancel("job-none").Status);
        Assert.Equal(JobCommandStatus.NotFound, queue.Cancel("../escape").Status);
    }

    [Fact]
    public async Task Cancelling_the_running_job_asks_it_to_stop_and_its_end_is_recorded()
    {
        JobQueue queue = NewQueue();
        queue.Start(Job("job-r", attempt: 2));
        string id = Assert.Single(await TakeAsync(queue, 1));
        using var cancellation = new CancellationTokenSource();
        var run = new RunningJob(id, cancellation);
        Assert.True(queue.TryBegin(queue.Folder(id), run, out JobDescription? description, out JobLocalState? state));
        Assert.Equal(("job-r", 2), (description.JobId, state.Attempt));
        queue.MarkRunning(queue.Folder(id), 3);
        run.Attempt = 3;
        Assert.Equal((JobState.Running, 3), (queue.Status(id)!.State, queue.Status(id)!.Attempt));

        JobCommandResult cancel = queue.Cancel(id);
        Assert.Equal((JobCommandStatus.Ok, JobState.Running, 3), (cancel.Status, cancel.Reply!.State, cancel.Reply.Attempt));
        Assert.True(run.CancelRequested);
        Assert.True(cancellation.IsCancellationRequested);

        queue.Finish(queue.Folder(id), run, JobState.Cancelled, null);
        queue.End();
        Assert.Equal(JobState.Cancelled, queue.Status(id)!.State);
        Assert.Equal(JobState.Cancelled, queue.Cancel(id).Reply!.State); // no longer running: the folder answers
    }

    [Fact]
    public async Task At_start_up_unfinished_jobs_are_queued_again_in_id_order_and_finished_ones_are_not()
    {
        JobQueue before = NewQueue();
        foreach (string id in new[] { "job-3", "job-1", "job-2", "job-4" })
        {
            before.Start(Job(id));
        }
        before.Cancel("job-2");
        before.MarkRunning(before.Folder("job-3"), 0);

        JobQueue after = NewQueue();
        after.RequeueUnfinished();
        Assert.Equal(["job-1", "job-3", "job-4"], await TakeAsync(after, 3));
        Assert.Null(after.Status("job-5"));
    }

    [Fact]
    public async Task A_failed_job_runs_again_with_a_later_attempt_from_its_checkpoints_and_starts_over_when_asked_or_revised()
    {
        JobQueue queue = NewQueue();
        queue.Start(Job("job-f"));
        JobFolder folder = queue.Folder("job-f");
        // The dealer's attempts went past the platform's: party-side interruptions took this run to attempt 2.
        await FailAsync(queue, "job-f", attempt: 2, leave: 1);

        Assert.Equal(JobCommandStatus.Conflict, queue.Start(Job("job-f")).Status);
        JobCommandResult resumed = queue.Start(Job("job-f", attempt: 1));
        Assert.Equal((JobCommandStatus.Ok, JobState.Queued, 3), (resumed.Status, resumed.Reply!.State, resumed.Reply.Attempt));
        Assert.Equal([1], folder.CheckpointEpochs());
        Assert.True(File.Exists(folder.ModelPath));
        await FailAsync(queue, "job-f", attempt: 3, leave: 2);

        // A restart: same job, start over; nothing of the earlier attempts stays.
        Assert.Equal(JobCommandStatus.Ok, queue.Start(Job("job-f", attempt: 2) with { StartOver = true }).Status);
        Assert.Empty(folder.CheckpointEpochs());
        Assert.False(File.Exists(folder.ModelPath) || File.Exists(folder.EvaluationPath) || File.Exists(folder.StandardizationPath));
        await FailAsync(queue, "job-f", attempt: 4, leave: 1);

        // A later revision with other settings and no start-over flag: its checkpoints are of another model's run, so it starts over too.
        Assert.Equal(JobCommandStatus.Ok, queue.Start(Job("job-f", attempt: 3, epochs: 2) with { Revision = 1 }).Status);
        Assert.Empty(folder.CheckpointEpochs());
        Assert.Equal((1, 2), (folder.ReadDescription().Revision, folder.ReadDescription().Training.Epochs));
        await FailAsync(queue, "job-f", attempt: 5, leave: 1);

        // An earlier revision never runs again here, whatever its attempt (its owners' signatures may still verify).
        JobCommandResult downgrade = queue.Start(Job("job-f", attempt: 9));
        Assert.Equal(JobCommandStatus.Conflict, downgrade.Status);
        Assert.Contains("earlier revision", downgrade.Problem, StringComparison.Ordinal);
        Assert.Equal([1], folder.CheckpointEpochs());
    }

    [Fact]
    public async Task A_succeeded_job_and_a_running_one_are_not_started_again_by_a_later_attempt()
    {
        JobQueue queue = NewQueue();
        queue.Start(Job("job-s"));
        string id = Assert.Single(await TakeAsync(queue, 1));
        using var cancellation = new CancellationTokenSource();
        var run = new RunningJob(id, cancellation);
        Assert.True(queue.TryBegin(queue.Folder(id), run, out _, out _));
        queue.MarkRunning(queue.Folder(id), 0);
        Assert.Equal((JobCommandStatus.Conflict, JobState.Running), (queue.Start(Job("job-s", attempt: 1) with { StartOver = true }).Status, queue.Status(id)!.State));
        queue.Finish(queue.Folder(id), run, JobState.Succeeded, null);
        queue.End();
        // The same job is acknowledged as it is; a start over is refused: a succeeded job keeps its model.
        JobCommandResult again = queue.Start(Job("job-s", attempt: 1));
        Assert.Equal((JobCommandStatus.Ok, JobState.Succeeded), (again.Status, again.Reply!.State));
        Assert.Equal(JobCommandStatus.Conflict, queue.Start(Job("job-s", attempt: 1) with { StartOver = true }).Status);
        Assert.Equal(JobState.Succeeded, queue.Status(id)!.State);
    }

    // Takes the job from the queue and ends it failed in attempt <paramref name="attempt"/>, leaving a checkpoint of
    // <paramref name="leave"/> epochs and model and evaluation shares behind.
    private static async Task FailAsync(JobQueue queue, string jobId, int attempt, int leave)
    {
        Assert.Equal(jobId, Assert.Single(await TakeAsync(queue, 1)));
        JobFolder folder = queue.Folder(jobId);
        using var cancellation = new CancellationTokenSource();
        var run = new RunningJob(jobId, cancellation) { Attempt = attempt };
        Assert.True(queue.TryBegin(folder, run, out _, out _));
        Directory.CreateDirectory(Path.GetDirectoryName(folder.CheckpointPath(leave))!);
        await File.WriteAllBytesAsync(folder.CheckpointPath(leave), [1, 2, 3]);
        await File.WriteAllBytesAsync(folder.ModelPath, [4]);
        await File.WriteAllBytesAsync(folder.EvaluationPath, [5]);
        await File.WriteAllBytesAsync(folder.StandardizationPath, [6]);
        queue.Finish(folder, run, JobState.Failed, "party 1 went away");
        queue.End();
        Assert.Equal((JobState.Failed, attempt), (queue.Status(jobId)!.State, queue.Status(jobId)!.Attempt));
    }
}
