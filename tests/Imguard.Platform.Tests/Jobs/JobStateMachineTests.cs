using Imguard.Contracts.Jobs;
using Imguard.Platform.Jobs;

namespace Imguard.Platform.Tests.Jobs;

public sealed class JobStateMachineTests
{
    private static readonly (JobState From, JobState To)[] Allowed =
    [
        (JobState.AwaitingApproval, JobState.Queued),
        (JobState.AwaitingApproval, JobState.Declined),
        (JobState.AwaitingApproval, JobState.Cancelled),
        (JobState.Queued, JobState.AwaitingApproval),
        (JobState.Queued, JobState.Preprocessing),
        (JobState.Queued, JobState.Cancelled),
        (JobState.Preprocessing, JobState.Running),
        (JobState.Preprocessing, JobState.Failed),
        (JobState.Preprocessing, JobState.Cancelled),
        (JobState.Running, JobState.Running),
        (JobState.Running, JobState.Succeeded),
        (JobState.Running, JobState.Failed),
        (JobState.Running, JobState.Cancelled),
    ];

    [Fact]
    public void Exactly_the_listed_transitions_are_allowed()
    {
        foreach (JobState from in Enum.GetValues<JobState>())
        {
            foreach (JobState to in Enum.GetValues<JobState>())
            {
                bool expected = Allowed.Contains((from, to));
                Assert.True(expected == JobStateMachine.CanTransition(from, to), $"{from} → {to}");
                string? refusal = JobStateMachine.Refusal(from, to);
                Assert.True(expected == (refusal is null), $"{from} → {to}: {refusal}");
            }
        }
    }

    [Fact]
    public void Running_goes_back_to_preprocessing_only_to_resume()
    {
        Assert.False(JobStateMachine.CanTransition(JobState.Running, JobState.Preprocessing));
        Assert.Contains("resume", JobStateMachine.Refusal(JobState.Running, JobState.Preprocessing), StringComparison.Ordinal);
        Assert.True(JobStateMachine.CanTransition(JobState.Running, JobState.Preprocessing, resume: true));
        Assert.False(JobStateMachine.CanTransition(JobState.Queued, JobState.Running, resume: true));
        Assert.False(JobStateMachine.CanTransition(JobState.Succeeded, JobState.Preprocessing, resume: true));
    }

    [Theory]
    [InlineData(JobState.Succeeded, JobState.Running, "final")]
    [InlineData(JobState.Failed, JobState.Queued, "final")]
    [InlineData(JobState.Cancelled, JobState.Cancelled, "final")]
    [InlineData(JobState.Queued, JobState.Running, "preprocessed first")]
    [InlineData(JobState.Queued, JobState.Succeeded, "preprocessed first")]
    [InlineData(JobState.Queued, JobState.Failed, "cancel it")]
    [InlineData(JobState.Preprocessing, JobState.Succeeded, "must run")]
    [InlineData(JobState.Running, JobState.Queued, "last required approval")]
    [InlineData(JobState.AwaitingApproval, JobState.Preprocessing, "every required key signed")]
    [InlineData(JobState.AwaitingApproval, JobState.Running, "every required key signed")]
    [InlineData(JobState.Preprocessing, JobState.AwaitingApproval, "only a queued job")]
    [InlineData(JobState.Queued, JobState.Declined, "only a job waiting for approvals")]
    [InlineData(JobState.Declined, JobState.Queued, "final")]
    [InlineData(JobState.Preprocessing, JobState.Preprocessing, "not part")]
    public void Refused_transitions_say_why(JobState from, JobState to, string reason)
    {
        Assert.Contains(reason, JobStateMachine.Refusal(from, to), StringComparison.Ordinal);
        var error = Assert.Throws<InvalidOperationException>(() => JobStateMachine.EnsureCanTransition(from, to));
        Assert.Contains($"from {from} to {to}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Final_states_are_succeeded_failed_cancelled_and_declined()
    {
        Assert.Equal([JobState.Succeeded, JobState.Failed, JobState.Cancelled, JobState.Declined], Enum.GetValues<JobState>().Where(JobStateMachine.IsFinal));
    }

    [Fact]
    public void The_creator_reopens_exactly_a_stopped_job_and_revises_exactly_one_that_waits_was_declined_or_stopped()
    {
        foreach (JobState from in Enum.GetValues<JobState>())
        {
            bool stopped = from is JobState.Failed or JobState.Cancelled;
            Assert.True(stopped == (JobStateMachine.ReopenRefusal(from, JobControlAction.Resume) is null), $"resume from {from}");
            Assert.True(stopped == (JobStateMachine.ReopenRefusal(from, JobControlAction.Restart) is null), $"restart from {from}");
            bool revisable = stopped || from is JobState.AwaitingApproval or JobState.Declined;
            Assert.True(revisable == (JobStateMachine.ReopenRefusal(from, JobControlAction.Revise) is null), $"revise from {from}");
        }
        Assert.Contains("succeeded", JobStateMachine.ReopenRefusal(JobState.Succeeded, JobControlAction.Restart), StringComparison.Ordinal);
        Assert.Contains("revise it instead", JobStateMachine.ReopenRefusal(JobState.Declined, JobControlAction.Resume), StringComparison.Ordinal);
        Assert.Contains("cancel it first", JobStateMachine.ReopenRefusal(JobState.Running, JobControlAction.Revise), StringComparison.Ordinal);
        // A runner's or a party's report never reopens a final job: only the creator's action does.
        Assert.False(JobStateMachine.CanTransition(JobState.Failed, JobState.Queued));
        Assert.False(JobStateMachine.CanTransition(JobState.Declined, JobState.AwaitingApproval));
    }
}
