using System.Net;
using CsCheck;
using Imguard.Contracts.Jobs;
using Imguard.Mpc;
using Imguard.Party.Jobs;
using Imguard.Party.Jobs.Resume;

namespace Imguard.Party.Tests.Jobs.Resume;

/// <summary>
/// The resume rules as functions: which attempt a job taken from the queue asks for, whether it resumes, which
/// checkpoint both parties pick (the same at both, the newest they share), which failures start a new attempt, and the
/// back-off between attempts.
/// </summary>
public sealed class ResumePolicyTests
{
    private static readonly JobState[] States =
        [JobState.Queued, JobState.Running, JobState.Succeeded, JobState.Failed, JobState.Cancelled];

    private static JobLocalState State(JobState state, int attempt) => new(state, attempt, null, DateTimeOffset.UnixEpoch);

    [Fact]
    public void A_job_found_running_asks_for_the_next_attempt_any_other_for_the_attempt_it_names()
    {
        Gen.Select(Gen.Int[0, States.Length - 1], Gen.Int[0, 1000]).Sample((s, attempt) =>
        {
            int first = ResumePolicy.FirstAttempt(State(States[s], attempt));
            Assert.Equal(States[s] == JobState.Running ? attempt + 1 : attempt, first);
        });
    }

    [Fact]
    public void A_job_resumes_when_it_was_running_or_holds_a_checkpoint()
    {
        Gen.Select(Gen.Int[0, States.Length - 1], Gen.Int[1, 50].List[0, 2]).Sample((s, epochs) =>
            Assert.Equal(States[s] == JobState.Running || epochs.Count > 0, ResumePolicy.Resumes(State(States[s], 0), epochs)));
    }

    // What a party sends: its two newest checkpoints' epoch counts, newest first, 0 where it has fewer.
    private static readonly Gen<int[]> Newest = Gen.Int[1, 12].Array[0, 2].Select(e => e.Distinct().OrderDescending().ToArray());

    private static ulong[] Sent(int[] newest) => [newest.Length > 0 ? (ulong)newest[0] : 0, newest.Length > 1 ? (ulong)newest[1] : 0];

    [Fact]
    public void Both_parties_pick_the_same_epoch_the_newest_both_hold_or_none()
    {
        Gen.Select(Newest, Newest).Sample((a, b) =>
        {
            int atA = ResumePolicy.ResumeEpoch(a, Sent(b));
            int atB = ResumePolicy.ResumeEpoch(b, Sent(a));
            Assert.Equal(atA, atB);
            int[] common = [.. a.Intersect(b)];
            Assert.Equal(common.Length == 0 ? 0 : common.Max(), atA);
        });
    }

    [Fact]
    public void Parties_one_epoch_apart_resume_from_the_older_ones_newest_checkpoint()
    {
        // Each keeps its newest two: the party ahead holds {n + 1, n}, the other {n, n − 1}.
        Assert.Equal(4, ResumePolicy.ResumeEpoch([5, 4], [4, 3]));
        Assert.Equal(4, ResumePolicy.ResumeEpoch([4, 3], [5, 4]));
        Assert.Equal(1, ResumePolicy.ResumeEpoch([2, 1], [1, 0]));
        Assert.Equal(3, ResumePolicy.ResumeEpoch([3, 2], [3, 2])); // in step: the newer of the two
        Assert.Equal(0, ResumePolicy.ResumeEpoch([1], [0, 0]));
        Assert.Equal(0, ResumePolicy.ResumeEpoch([], [3, 2]));
    }

    [Fact]
    public void Epoch_counts_the_other_party_sends_outside_the_range_are_ignored()
    {
        Gen.Select(Gen.Int[1, int.MaxValue].List[0, 2], Gen.ULong.Where(e => e == 0 || e > int.MaxValue)).Sample((mine, bad) =>
            Assert.Equal(0, ResumePolicy.ResumeEpoch(mine, [bad, bad])));
        Assert.Equal(int.MaxValue, ResumePolicy.ResumeEpoch([int.MaxValue], [int.MaxValue]));
    }

    [Fact]
    public void A_lost_peer_or_platform_or_a_replaced_attempt_is_an_interruption_a_wrong_job_is_not()
    {
        Assert.True(ResumePolicy.IsInterruption(new PeerDisconnectedException("gone")));
        Assert.True(ResumePolicy.IsInterruption(new PeerProtocolException("out of step")));
        Assert.True(ResumePolicy.IsInterruption(new TimeoutException()));
        Assert.True(ResumePolicy.IsInterruption(new HttpRequestException()));
        Assert.True(ResumePolicy.IsInterruption(new IOException()));
        Assert.True(ResumePolicy.IsInterruption(new TaskCanceledException()));
        Assert.True(ResumePolicy.IsInterruption(new DealerRequestException(HttpStatusCode.Gone, "replaced")));
        Assert.True(ResumePolicy.IsInterruption(new DealerRequestException(HttpStatusCode.ServiceUnavailable, "busy")));
        Assert.False(ResumePolicy.IsInterruption(new DealerRequestException(HttpStatusCode.NotFound, "the job is over")));
        Assert.False(ResumePolicy.IsInterruption(new DealerRequestException(HttpStatusCode.Forbidden, "not a party")));
        Assert.False(ResumePolicy.IsInterruption(new InvalidDataException("different job descriptions")));
        Assert.False(ResumePolicy.IsInterruption(new ArgumentException("bad spec")));
        Assert.False(ResumePolicy.IsInterruption(new OperationCanceledException()));
    }

    [Fact]
    public void A_job_resumes_at_most_max_resumes_times()
    {
        Gen.Select(Gen.Int[1, 20], Gen.Int[0, 10]).Sample((interruptions, max) =>
            Assert.Equal(interruptions <= max, ResumePolicy.MayResume(interruptions, max)));
    }

    [Fact]
    public void The_back_off_starts_at_the_resume_delay_doubles_and_stops_at_the_maximum()
    {
        Gen.Select(Gen.Int[0, 5000], Gen.Int[0, 60_000], Gen.Int[0, 100]).Sample((first, extra, tries) =>
        {
            var options = new JobRunnerOptions
            {
                ResumeDelay = TimeSpan.FromMilliseconds(first), MaxResumeDelay = TimeSpan.FromMilliseconds(first + extra),
            };
            TimeSpan wait = options.Backoff(tries);
            Assert.Equal(options.ResumeDelay, options.Backoff(0));
            Assert.InRange(wait, options.ResumeDelay, options.MaxResumeDelay);
            Assert.True(options.Backoff(tries + 1) >= wait);
            if (tries < 30)
            {
                Assert.Equal(Math.Min(2 * wait.TotalMilliseconds, first + extra), options.Backoff(tries + 1).TotalMilliseconds, 3);
            }
        });
    }
}
