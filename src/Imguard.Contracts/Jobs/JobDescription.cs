using System.Text.Json.Serialization;
using Imguard.Contracts.Consent;

namespace Imguard.Contracts.Jobs;

/// <summary>
/// What the platform tells both parties about a training job (<c>POST /internal/jobs/{id}/start</c>, JSON, camelCase).
/// All of it is public to the dealer and both parties: ids, the model's architecture, hyper-parameters and number
/// formats; nothing in it depends on a pixel, a label or a weight. Both parties must receive the same description:
/// they compare a digest of it (<see cref="JobDescriptionDigest"/>) over the peer link before training.
/// </summary>
public sealed record JobDescription
{
    /// <summary>The platform's job id (<c>job-…</c>); also names the party's job folder.</summary>
    public required string JobId { get; init; }

    public required string ProjectId { get; init; }

    /// <summary>The (first) training dataset; each party trains on its own stored half.</summary>
    public required string TrainDatasetId { get; init; }

    /// <summary>
    /// Further training datasets, usually other owners': the parties train on the union of every training dataset's
    /// halves, <see cref="TrainDatasetId"/> first, then these in this order (<see cref="TrainDatasetIds"/>). Empty for
    /// a job on one dataset.
    /// </summary>
    public IReadOnlyList<string> AdditionalTrainDatasetIds { get; init; } = [];

    /// <summary>Every training dataset in union order: the index space [0, ΣNᵢ) of the public shuffled order runs over them in this order.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> TrainDatasetIds => [TrainDatasetId, .. AdditionalTrainDatasetIds ?? []];

    /// <summary>The test dataset for the secure evaluation after training, if any.</summary>
    public string? TestDatasetId { get; init; }

    /// <summary>
    /// For an inference job: the training job whose final model share each party applies (no training; the secure
    /// evaluation of <see cref="TestDatasetId"/> only, whose prediction shares the owner recombines). Null for training.
    /// </summary>
    public string? ModelFromJobId { get; init; }

    /// <summary>The model spec as JSON (the Learning library's <c>ModelSpec</c>: input shape, classes, layers).</summary>
    public required string ModelSpecJson { get; init; }

    public JobTrainingOptions Training { get; init; } = new();

    /// <summary>Fixed-point fractional bits f (default 16); must equal the datasets' encoding.</summary>
    public int FractionalBits { get; init; } = 16;

    /// <summary>Bit width ℓ of the secure comparisons (ReLU, max): 64 covers the ring, 32 is faster for |x| &lt; 2^(31−f).</summary>
    public int ComparisonBits { get; init; } = 64;

    /// <summary>
    /// 0 for the first run, +1 per resume. Every attempt gets fresh dealer seeds: randomness is never reused. The
    /// parties pass it to the dealer as the lowest attempt they accept; the dealer's answer is the attempt they run.
    /// </summary>
    public int Attempt { get; init; }

    /// <summary>
    /// 0 as created, +1 each time the job's creator revises it (<c>POST /api/jobs/{id}/revise</c>: new settings, every
    /// signature void, AwaitingApproval again). Signed (<c>JobConsentTerms</c>, parameter <c>revision</c> from 1 on), so a
    /// signature over an earlier revision never counts for a later one, even when the settings are changed back.
    /// </summary>
    public int Revision { get; init; }

    /// <summary>
    /// Set on the first attempt after the creator restarted the job from the beginning (<c>POST /api/jobs/{id}/restart</c>)
    /// or revised a job that had run: each party discards its checkpoints and model of the earlier attempts and trains
    /// from newly dealt weights. Clear on a resume (the parties start from the newest checkpoint both hold).
    /// </summary>
    public bool StartOver { get; init; }

    /// <summary>
    /// Who owns each dataset, who receives the model and the signatures the owners and recipients made over the job's
    /// consent terms. Required for a training job: each party rebuilds the terms from this description and the owner
    /// keys bound to its own halves (<see cref="JobConsentTerms"/>) and refuses to load a half without a valid
    /// signature. Null for an inference job (the model's recipients run it on their own test set).
    /// </summary>
    public JobConsent? Consent { get; init; }

    /// <summary>
    /// How the job's inputs are standardised: as shared (each owner's own statistics) or over the union on shares
    /// (<see cref="JobStandardization"/>); the consent terms carry it. Null: as shared (descriptions from before it).
    /// An inference job of a model trained over the union names its dataset's scaling here; each party takes the
    /// statistics from its own record of the model job, never from this description.
    /// </summary>
    public JobStandardization? Standardization { get; init; }

    /// <summary>
    /// Equal when the canonical JSON is (the digest) and the attempt is: the lists and byte arrays of the consent compare
    /// by content, which a record's generated equality would compare by reference.
    /// </summary>
    public bool Equals(JobDescription? other) =>
        other is not null && Attempt == other.Attempt && JobDescriptionDigest.Compute(this).AsSpan().SequenceEqual(JobDescriptionDigest.Compute(other));

    public override int GetHashCode() => HashCode.Combine(JobId, Attempt);

    /// <summary>Problems with the description that no run could get past, or null (ids, ranges; the spec is checked by the party).</summary>
    public string? Check()
    {
        if (!JobIds.IsValid(JobId))
        {
            return "the job id must be 1 to 128 characters of [A-Za-z0-9._-], starting with a letter or digit.";
        }
        if (string.IsNullOrWhiteSpace(ProjectId) || string.IsNullOrWhiteSpace(TrainDatasetId) || string.IsNullOrWhiteSpace(ModelSpecJson))
        {
            return "the project, the training dataset and the model spec are required.";
        }
        if (TestDatasetId is not null && string.IsNullOrWhiteSpace(TestDatasetId))
        {
            return "the test dataset id is empty.";
        }
        if (ModelFromJobId is not null && (!JobIds.IsValid(ModelFromJobId) || TestDatasetId is null))
        {
            return "an inference job names a valid model job and the dataset to apply it to.";
        }
        if (FractionalBits is < 1 or > 40)
        {
            return "fractional bits must be 1 to 40.";
        }
        if (ComparisonBits is < 2 or > 64)
        {
            return "comparison bits must be 2 to 64.";
        }
        if (Attempt < 0 || Revision < 0)
        {
            return "the attempt and revision numbers cannot be negative.";
        }
        if (AdditionalTrainDatasetIds is null || AdditionalTrainDatasetIds.Any(string.IsNullOrWhiteSpace))
        {
            return "a further training dataset id is empty.";
        }
        if (TrainDatasetIds.Distinct(StringComparer.Ordinal).Count() != TrainDatasetIds.Count
            || (TestDatasetId is not null && ModelFromJobId is null && TrainDatasetIds.Contains(TestDatasetId, StringComparer.Ordinal)))
        {
            return "a dataset is named twice among the job's datasets.";
        }
        if (ModelFromJobId is not null && AdditionalTrainDatasetIds.Count > 0)
        {
            return "an inference job applies a model to one dataset.";
        }
        if (Consent?.Check() is { } consentProblem)
        {
            return consentProblem;
        }
        if (Standardization is { } standardization)
        {
            // The channel count is the model spec's: the party checks disclosed statistics against it.
            if (standardization.Check() is { } standardizationProblem)
            {
                return standardizationProblem;
            }
            IEnumerable<string> named = ModelFromJobId is null ? TrainDatasetIds : [];
            if (TestDatasetId is { } testId)
            {
                named = named.Append(testId);
            }
            if (!named.SequenceEqual(standardization.Datasets.Select(d => d.DatasetId), StringComparer.Ordinal))
            {
                return "the standardisation names the job's datasets in the job's order (training sets, then the test set).";
            }
        }
        return Training is null ? "training options are required." : Training.Check();
    }
}
