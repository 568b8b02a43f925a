using Imguard.Contracts.Datasets;
using Imguard.Platform.Datasets;

namespace Imguard.Platform.Tests.Datasets;

public sealed class DatasetStateMachineTests
{
    private const string Id = "ds-0123456789abcdef";

    // The table, written out once more: a row added to (or dropped from) DatasetStateMachine fails the test below.
    private static readonly (DatasetStatus From, DatasetTrigger Trigger, DatasetStatus To)[] Allowed =
    [
        (DatasetStatus.Registered, DatasetTrigger.PartyReportsHalf, DatasetStatus.Registered),
        (DatasetStatus.Registered, DatasetTrigger.PartyReportsHalf, DatasetStatus.Ready),
        (DatasetStatus.Registered, DatasetTrigger.PartyReportsHalf, DatasetStatus.Rejected),
        (DatasetStatus.Ready, DatasetTrigger.PartyReportsHalf, DatasetStatus.Ready),
        (DatasetStatus.Ready, DatasetTrigger.PartyReportsHalf, DatasetStatus.Rejected),
        (DatasetStatus.Registered, DatasetTrigger.MemberRequestsDeletion, DatasetStatus.Deleting),
        (DatasetStatus.Ready, DatasetTrigger.MemberRequestsDeletion, DatasetStatus.Deleting),
        (DatasetStatus.Rejected, DatasetTrigger.MemberRequestsDeletion, DatasetStatus.Deleting),
        (DatasetStatus.Deleting, DatasetTrigger.MemberRequestsDeletion, DatasetStatus.Deleting),
        (DatasetStatus.Deleted, DatasetTrigger.MemberRequestsDeletion, DatasetStatus.Deleted),
        (DatasetStatus.Deleting, DatasetTrigger.PartyConfirmsDeletion, DatasetStatus.Deleting),
        (DatasetStatus.Deleting, DatasetTrigger.PartyConfirmsDeletion, DatasetStatus.Deleted),
        (DatasetStatus.Deleted, DatasetTrigger.PartyConfirmsDeletion, DatasetStatus.Deleted),
    ];

    public static TheoryData<DatasetStatus, DatasetTrigger, DatasetStatus> AllowedTransitions()
    {
        var data = new TheoryData<DatasetStatus, DatasetTrigger, DatasetStatus>();
        foreach (var (from, trigger, to) in Allowed)
        {
            data.Add(from, trigger, to);
        }

        return data;
    }

    public static TheoryData<DatasetStatus, DatasetTrigger, DatasetStatus> RefusedTransitions()
    {
        var data = new TheoryData<DatasetStatus, DatasetTrigger, DatasetStatus>();
        foreach (DatasetStatus from in Enum.GetValues<DatasetStatus>())
        {
            foreach (DatasetTrigger trigger in Enum.GetValues<DatasetTrigger>())
            {
                foreach (DatasetStatus to in Enum.GetValues<DatasetStatus>().Where(to => !Allowed.Contains((from, trigger, to))))
                {
                    data.Add(from, trigger, to);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllowedTransitions))]
    public void Every_listed_transition_is_allowed(DatasetStatus from, DatasetTrigger trigger, DatasetStatus to)
    {
        Assert.True(DatasetStateMachine.CanTransition(from, trigger, to));
        Assert.Null(DatasetStateMachine.Refusal(Id, from, trigger, to));
    }

    [Theory]
    [MemberData(nameof(RefusedTransitions))]
    public void Every_other_transition_is_refused_with_a_reason(DatasetStatus from, DatasetTrigger trigger, DatasetStatus to)
    {
        Assert.False(DatasetStateMachine.CanTransition(from, trigger, to));
        string? refusal = DatasetStateMachine.Refusal(Id, from, trigger, to, "Party 0's half does not match the registration: digest differs.");
        Assert.NotNull(refusal);
        Assert.StartsWith($"Dataset {Id} ", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void The_table_has_every_combination_once()
    {
        int combinations = Enum.GetValues<DatasetStatus>().Length * Enum.GetValues<DatasetTrigger>().Length * Enum.GetValues<DatasetStatus>().Length;
        Assert.Equal(combinations, AllowedTransitions().Count + RefusedTransitions().Count);
        Assert.Equal(Allowed.Length, Allowed.Distinct().Count());
    }

    // The messages callers got before the state machine existed (409 with these words): the parties and the web UI
    // show them, and DatasetRegistryTests look for them.
    [Theory]
    [InlineData(DatasetStatus.Rejected, DatasetTrigger.PartyReportsHalf, DatasetStatus.Rejected, "Dataset ds-0123456789abcdef was rejected and takes no more reports: the reason")]
    [InlineData(DatasetStatus.Rejected, DatasetTrigger.PartyReportsHalf, DatasetStatus.Ready, "Dataset ds-0123456789abcdef was rejected and takes no more reports: the reason")]
    [InlineData(DatasetStatus.Deleting, DatasetTrigger.PartyReportsHalf, DatasetStatus.Ready, "Dataset ds-0123456789abcdef is deleting; delete the half instead of reporting it.")]
    [InlineData(DatasetStatus.Deleted, DatasetTrigger.PartyReportsHalf, DatasetStatus.Deleted, "Dataset ds-0123456789abcdef is deleted; delete the half instead of reporting it.")]
    [InlineData(DatasetStatus.Registered, DatasetTrigger.PartyConfirmsDeletion, DatasetStatus.Registered, "Dataset ds-0123456789abcdef is Registered, not being deleted; a party deletes a half only when asked.")]
    [InlineData(DatasetStatus.Ready, DatasetTrigger.PartyConfirmsDeletion, DatasetStatus.Ready, "Dataset ds-0123456789abcdef is Ready, not being deleted; a party deletes a half only when asked.")]
    [InlineData(DatasetStatus.Rejected, DatasetTrigger.PartyConfirmsDeletion, DatasetStatus.Deleted, "Dataset ds-0123456789abcdef is Rejected, not being deleted; a party deletes a half only when asked.")]
    [InlineData(DatasetStatus.Registered, DatasetTrigger.PartyReportsHalf, DatasetStatus.Deleted, "Dataset ds-0123456789abcdef cannot go from Registered to Deleted on PartyReportsHalf: that transition is not part of a dataset's life.")]
    [InlineData(DatasetStatus.Ready, DatasetTrigger.PartyReportsHalf, DatasetStatus.Registered, "Dataset ds-0123456789abcdef cannot go from Ready to Registered on PartyReportsHalf: that transition is not part of a dataset's life.")]
    [InlineData(DatasetStatus.Deleting, DatasetTrigger.MemberRequestsDeletion, DatasetStatus.Ready, "Dataset ds-0123456789abcdef cannot go from Deleting to Ready on MemberRequestsDeletion: that transition is not part of a dataset's life.")]
    [InlineData(DatasetStatus.Deleted, DatasetTrigger.PartyConfirmsDeletion, DatasetStatus.Deleting, "Dataset ds-0123456789abcdef cannot go from Deleted to Deleting on PartyConfirmsDeletion: that transition is not part of a dataset's life.")]
    public void Refused_transitions_say_why(DatasetStatus from, DatasetTrigger trigger, DatasetStatus to, string message)
    {
        Assert.Equal(message, DatasetStateMachine.Refusal(Id, from, trigger, to, "the reason"));
    }

    [Fact]
    public void Unknown_states_and_triggers_are_refused()
    {
        Assert.False(DatasetStateMachine.CanTransition((DatasetStatus)99, DatasetTrigger.PartyReportsHalf, DatasetStatus.Ready));
        Assert.Contains("unknown", DatasetStateMachine.Refusal(Id, DatasetStatus.Registered, (DatasetTrigger)99, DatasetStatus.Ready), StringComparison.Ordinal);
        Assert.Contains("unknown", DatasetStateMachine.Refusal(Id, DatasetStatus.Registered, DatasetTrigger.PartyReportsHalf, (DatasetStatus)99), StringComparison.Ordinal);
    }

    [Fact]
    public void A_dataset_starts_registered_takes_uploads_only_then_and_is_usable_only_when_ready()
    {
        Assert.Equal(DatasetStatus.Registered, DatasetStateMachine.Initial);
        Assert.Equal([DatasetStatus.Registered], Enum.GetValues<DatasetStatus>().Where(DatasetStateMachine.AcceptsUploads));
        Assert.Equal([DatasetStatus.Ready], Enum.GetValues<DatasetStatus>().Where(DatasetStateMachine.IsUsable));
    }

    [Fact]
    public void Nothing_leaves_deleted()
    {
        foreach (DatasetTrigger trigger in Enum.GetValues<DatasetTrigger>())
        {
            foreach (DatasetStatus to in Enum.GetValues<DatasetStatus>().Where(to => to != DatasetStatus.Deleted))
            {
                Assert.False(DatasetStateMachine.CanTransition(DatasetStatus.Deleted, trigger, to), $"Deleted → {to} on {trigger}");
            }
        }
    }
}
