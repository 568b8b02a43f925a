namespace Imguard.Platform.Datasets;

/// <summary>A dataset being deleted and which parties still have to confirm that their half is gone.</summary>
public sealed record PendingDeletion(string DatasetId, Guid ProjectId, bool Party0Pending, bool Party1Pending)
{
    /// <summary>Whether party <paramref name="partyId"/> (0 or 1) has not confirmed yet.</summary>
    public bool IsPending(int partyId) => partyId == 0 ? Party0Pending : Party1Pending;
}
