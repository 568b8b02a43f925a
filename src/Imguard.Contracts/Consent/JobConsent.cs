namespace Imguard.Contracts.Consent;

/// <summary>
/// The consent part of a training job's description: the owner named beside each dataset, the model's recipients with
/// their keys, and the signatures collected over the job's consent terms. Owner <em>keys</em> are deliberately absent:
/// each party takes a dataset's owner key from the header of the half it stored at upload, so a platform cannot
/// substitute a key of its own (<see cref="JobConsentTerms.Build"/>).
/// </summary>
public sealed record JobConsent
{
    /// <summary>The most signatures, owners or recipients a job carries (bounds what a party verifies).</summary>
    public const int MaxEntries = 64;

    /// <summary>The owner's user name for every dataset of the job (training and test), as the approvers were shown it.</summary>
    public required IReadOnlyList<JobDatasetOwner> Owners { get; init; }

    /// <summary>Who receives the model; each recipient signs too.</summary>
    public required IReadOnlyList<ConsentRecipient> Recipients { get; init; }

    /// <summary>The signatures collected so far; a party starts only when every required key has one (<see cref="JobConsentTerms.Verify"/>).</summary>
    public IReadOnlyList<ConsentApproval> Approvals { get; init; } = [];

    /// <summary>Problems of shape (counts, sizes), or null; whether the signatures are valid is <see cref="JobConsentTerms.Verify"/>'s question.</summary>
    public string? Check()
    {
        if (Owners is null || Recipients is null || Approvals is null)
        {
            return "the consent names owners, recipients and approvals.";
        }
        if (Owners.Count > MaxEntries || Recipients.Count > MaxEntries || Approvals.Count > MaxEntries)
        {
            return $"the consent names at most {MaxEntries} owners, recipients and approvals.";
        }
        if (Owners.Any(o => o is null || string.IsNullOrEmpty(o.DatasetId) || string.IsNullOrEmpty(o.Owner)))
        {
            return "every dataset's owner is named.";
        }
        if (Recipients.Count == 0 || Recipients.Any(r => r is null || string.IsNullOrEmpty(r.User) || r.Key is null || OwnerKeys.Check(r.Key) is not null))
        {
            return "the consent names at least one recipient, each with a P-256 public key.";
        }
        if (Approvals.Any(a => a is null || a.Key is null || a.Signature is null || a.Signature.Length != ConsentSignature.Length || OwnerKeys.Check(a.Key) is not null))
        {
            return $"every approval is a P-256 public key and a {ConsentSignature.Length}-byte signature.";
        }
        return null;
    }
}

/// <summary>The owner of one of a job's datasets, by user name (names are the platform's; keys are not).</summary>
public sealed record JobDatasetOwner(string DatasetId, string Owner);

/// <summary>One signature over a job's consent digest, with the public key that made it (SPKI DER; signature r ‖ s).</summary>
public sealed record ConsentApproval(byte[] Key, byte[] Signature);
