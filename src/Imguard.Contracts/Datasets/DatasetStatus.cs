namespace Imguard.Contracts.Datasets;

/// <summary>
/// Where a dataset stands. Registered → Ready once both parties' reports match the registration; → Rejected at
/// the first mismatch (for good: a new upload is a new dataset); Registered/Ready/Rejected → Deleting → Deleted once
/// both parties confirm they removed their half. <c>DatasetStateMachine</c> holds the allowed transitions.
/// </summary>
public enum DatasetStatus
{
    /// <summary>Registered by the owner's client; waiting for the parties' reports.</summary>
    Registered,

    /// <summary>Both halves arrived and match the registration: jobs may use it.</summary>
    Ready,

    /// <summary>A party's half did not match the registration; never usable.</summary>
    Rejected,

    /// <summary>Deletion requested; waiting for both parties to confirm.</summary>
    Deleting,

    /// <summary>Both parties removed their half; only the metadata row remains.</summary>
    Deleted,
}
