namespace Imguard.Party.Shares;

/// <summary>
/// Why a dataset takes no more uploads at this party. Kept as a marker in the store's <c>closed/</c> directory (the
/// platform never reuses a dataset id), so a grant that is still valid cannot upload a deleted or rejected dataset
/// again, before or after a restart.
/// </summary>
public enum DatasetClosure
{
    /// <summary>The platform asked this party to delete the dataset's half.</summary>
    Deleted,

    /// <summary>The platform rejected the dataset (a half did not match its registration); it is never usable.</summary>
    Rejected,
}
