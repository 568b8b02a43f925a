using Imguard.Contracts.Consent;
using Imguard.Contracts.Jobs;
using Imguard.Contracts.Shares;
using Imguard.Party.Shares;

namespace Imguard.Party.Jobs;

/// <summary>
/// This party's own check that a training job may use its halves (docs/multi-owner.md, "What the parties check"),
/// made before any half is loaded: the consent terms are rebuilt with <see cref="JobConsentTerms.Build"/> from the
/// description and, for each dataset, the owner key in the verified header of the half THIS party stored at upload —
/// never a key the platform sends — and every dataset owner's and recipient's key must have signed them
/// (<see cref="JobConsentTerms.Verify"/>). A platform that starts a job on its own, changes it after approval, swaps in
/// a key of its own or leaves out a signature is refused here by each party independently. The other party's terms
/// are compared too, through the job-description digest over the peer link (the consent is part of the description).
/// </summary>
internal static class JobConsentCheck
{
    /// <summary>
    /// Refusal null when <paramref name="description"/> may run here; otherwise why not, naming the dataset or recipient
    /// and the key's short fingerprint (never a value). Keys: the owner key each of the job's datasets was checked
    /// against (null: a version-1 half). An inference job has no consent terms (its model's recipients run it).
    /// A dataset not stored here fails as it would in loading (<see cref="PartyError.DatasetNotFound"/>).
    /// </summary>
    public static async Task<(string? Refusal, IReadOnlyDictionary<string, byte[]?> Keys)> CheckAsync(JobDescription description, ShareStore store,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(store);
        var keys = new Dictionary<string, byte[]?>(StringComparer.Ordinal);
        if (description.ModelFromJobId is not null)
        {
            return (null, keys);
        }
        IEnumerable<string> datasets = description.TestDatasetId is { } test ? description.TrainDatasetIds.Append(test) : description.TrainDatasetIds;
        foreach (string datasetId in datasets)
        {
            // The header is checked against its own SHA-256 at every read, and the half digest the owner registered
            // pins it: the key in it is the one bound to this half at upload.
            ShareFileHeader header = await store.ReadHeaderAsync(datasetId, cancellationToken);
            keys[datasetId] = header.OwnerKey;
        }
        var (terms, problem) = JobConsentTerms.Build(description, id => keys.GetValueOrDefault(id));
        return (terms is null ? problem : JobConsentTerms.Verify(terms, description.Consent!.Approvals), keys);
    }

    /// <summary>
    /// The owner key of a half as loaded, which must be the one the consent was checked against: a half replaced
    /// between the check and the load is refused rather than trained on.
    /// </summary>
    public static void EnsureSameOwner(string datasetId, IReadOnlyDictionary<string, byte[]?> checkedKeys, ShareFileHeader loaded)
    {
        ArgumentNullException.ThrowIfNull(checkedKeys);
        ArgumentNullException.ThrowIfNull(loaded);
        if (!checkedKeys.TryGetValue(datasetId, out byte[]? checkedKey))
        {
            return; // an inference job's dataset: no consent was checked
        }
        bool same = checkedKey is null ? loaded.OwnerKey is null : loaded.OwnerKey is { } key && key.AsSpan().SequenceEqual(checkedKey);
        if (!same)
        {
            throw new InvalidDataException($"The half of dataset '{datasetId}' changed its owner key between the consent check and loading.");
        }
    }
}
