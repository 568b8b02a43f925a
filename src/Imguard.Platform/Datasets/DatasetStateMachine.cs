using Imguard.Contracts.Datasets;
using Imguard.Platform.Data;

namespace Imguard.Platform.Datasets;

/// <summary>
/// A dataset's states, what moves it and who may, in one table (the trigger names who causes it):
/// <code>
/// from        trigger (who)                                     → to
/// —           registration (a member with UploadData)           → Registered
/// Registered  PartyReportsHalf (a party)                        → Registered (one half in, or a report repeated)
///                                                                 | Ready (both halves match) | Rejected (a mismatch)
/// Ready       PartyReportsHalf (a party)                        → Ready (a report repeated) | Rejected (a second,
///                                                                 different report)
/// Registered, Ready, Rejected
///             MemberRequestsDeletion (a member with DeleteData) → Deleting
/// Deleting, Deleted
///             MemberRequestsDeletion                            → itself (asking again changes nothing)
/// Deleting    PartyConfirmsDeletion (a party, via the worker)   → Deleting (one half gone) | Deleted (both gone)
/// Deleted     PartyConfirmsDeletion                             → Deleted (confirming again changes nothing)
/// </code>
/// Everything else is refused (409) with a message that says why: a rejected dataset takes no more reports (a new
/// upload is a new dataset), one being deleted takes none either, and a party deletes a half only when asked. Only
/// <see cref="Move"/> changes a stored dataset's state, so no service can step outside the table.
/// </summary>
public static class DatasetStateMachine
{
    /// <summary>The state a registration creates.</summary>
    public const DatasetStatus Initial = DatasetStatus.Registered;

    /// <summary>Whether jobs may use a dataset in <paramref name="status"/>: only when both halves matched.</summary>
    public static bool IsUsable(DatasetStatus status) => status == DatasetStatus.Ready;

    /// <summary>Whether the owner may get fresh upload grants: only while the dataset waits for its halves.</summary>
    public static bool AcceptsUploads(DatasetStatus status) => status == DatasetStatus.Registered;

    /// <summary>Whether <paramref name="trigger"/> may move a dataset in <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static bool CanTransition(DatasetStatus from, DatasetTrigger trigger, DatasetStatus to) => (from, trigger) switch
    {
        (DatasetStatus.Registered, DatasetTrigger.PartyReportsHalf) => to is DatasetStatus.Registered or DatasetStatus.Ready or DatasetStatus.Rejected,
        (DatasetStatus.Ready, DatasetTrigger.PartyReportsHalf) => to is DatasetStatus.Ready or DatasetStatus.Rejected,
        (DatasetStatus.Registered or DatasetStatus.Ready or DatasetStatus.Rejected, DatasetTrigger.MemberRequestsDeletion) => to is DatasetStatus.Deleting,
        (DatasetStatus.Deleting or DatasetStatus.Deleted, DatasetTrigger.MemberRequestsDeletion) => to == from,
        (DatasetStatus.Deleting, DatasetTrigger.PartyConfirmsDeletion) => to is DatasetStatus.Deleting or DatasetStatus.Deleted,
        (DatasetStatus.Deleted, DatasetTrigger.PartyConfirmsDeletion) => to is DatasetStatus.Deleted,
        _ => false,
    };

    /// <summary>
    /// Why the transition is refused, as the message the caller gets (409), or null when it is allowed.
    /// <paramref name="rejectionReason"/> is the dataset's: a party told that a rejected dataset takes no more reports
    /// also learns why it was rejected (shapes and counts, never digests).
    /// </summary>
    public static string? Refusal(string datasetId, DatasetStatus from, DatasetTrigger trigger, DatasetStatus to, string? rejectionReason = null)
    {
        if (!Enum.IsDefined(from) || !Enum.IsDefined(trigger) || !Enum.IsDefined(to))
        {
            return $"Dataset {datasetId}: unknown dataset state or trigger.";
        }

        if (CanTransition(from, trigger, to))
        {
            return null;
        }

        return (from, trigger) switch
        {
            (DatasetStatus.Rejected, DatasetTrigger.PartyReportsHalf) => $"Dataset {datasetId} was rejected and takes no more reports: {rejectionReason}",
            (DatasetStatus.Deleting or DatasetStatus.Deleted, DatasetTrigger.PartyReportsHalf) =>
                $"Dataset {datasetId} is {from.ToString().ToLowerInvariant()}; delete the half instead of reporting it.",
            (DatasetStatus.Registered or DatasetStatus.Ready or DatasetStatus.Rejected, DatasetTrigger.PartyConfirmsDeletion) =>
                $"Dataset {datasetId} is {from}, not being deleted; a party deletes a half only when asked.",
            _ => $"Dataset {datasetId} cannot go from {from} to {to} on {trigger}: that transition is not part of a dataset's life.",
        };
    }

    /// <summary>
    /// Moves a stored dataset: sets its state to <paramref name="to"/> when the table allows it, else leaves it as it
    /// is and returns the refusal (<see cref="Refusal"/>). The one place a stored dataset's state is written.
    /// </summary>
    internal static string? Move(DatasetEntity dataset, DatasetTrigger trigger, DatasetStatus to)
    {
        if (Refusal(dataset.Id, dataset.Status, trigger, to, dataset.RejectionReason) is { } refusal)
        {
            return refusal;
        }

        dataset.Status = to;
        return null;
    }
}
