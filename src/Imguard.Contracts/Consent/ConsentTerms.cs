namespace Imguard.Contracts.Consent;

/// <summary>
/// Everything an owner approves when they let a job use their dataset: the job, every dataset it uses with its owner's
/// key (so an owner sees who else contributes), the model, every setting, and who receives the model. An owner's
/// signature covers <see cref="ConsentDigest.Compute"/> of these terms, which the owner's own device computes from what
/// it shows — never a digest the platform hands over — so a platform that shows one job and starts another holds no
/// signature for the second.
/// </summary>
public sealed record ConsentTerms
{
    public required string JobId { get; init; }

    public required string ProjectId { get; init; }

    /// <summary>The datasets, in any order: the encoding sorts them by id.</summary>
    public required IReadOnlyList<ConsentDataset> Datasets { get; init; }

    /// <summary>The model spec exactly as the job holds it (the bytes are signed, not a re-serialisation).</summary>
    public required string ModelSpecJson { get; init; }

    /// <summary>Every setting, in any order: the encoding sorts them by name; a name appears once.</summary>
    public required IReadOnlyList<ConsentParameter> Parameters { get; init; }

    /// <summary>Who receives the model, in any order: the encoding sorts them by user name.</summary>
    public required IReadOnlyList<ConsentRecipient> Recipients { get; init; }
}
