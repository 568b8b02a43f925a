using Imguard.Contracts.Consent;
using Imguard.Contracts.Jobs;

namespace Imguard.Platform.Jobs;

/// <summary>
/// A training job's consent terms as the platform makes them — <see cref="JobConsentTerms.Build"/> over the job's
/// description, with each dataset's owner key as the parties reported it — and which required signatures are still
/// missing. The one place the platform turns a job into terms, so the view, the approval check and the dispatcher agree.
/// </summary>
public sealed record JobConsentState(ConsentTerms Terms, byte[] Digest, IReadOnlyList<RequiredSignature> Required, IReadOnlyList<RequiredSignature> Missing)
{
    /// <summary>The terms of <paramref name="job"/> and what is missing, or why there are none (an inference job, an older job, a malformed row).</summary>
    public static (JobConsentState? State, string? Problem) Of(JobInfo job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (!job.HasConsent)
        {
            return (null, job.ModelFromJobId is null
                ? $"job {job.Id} was created before jobs carried consent terms"
                : "an inference job has no consent terms");
        }

        JobDescription description = JobDescriptions.From(job, job.Datasets![0].FractionalBits);
        var (terms, problem) = JobConsentTerms.Build(description, id => job.Datasets.FirstOrDefault(d => d.DatasetId == id)?.OwnerKey);
        if (terms is null)
        {
            return (null, problem);
        }

        IReadOnlyList<ConsentApproval> approvals = description.Consent!.Approvals;
        return (new JobConsentState(terms, ConsentDigest.Compute(terms), JobConsentTerms.RequiredSignatures(terms), JobConsentTerms.Missing(terms, approvals)), null);
    }

    /// <summary>Whether <paramref name="key"/> is one the terms require.</summary>
    public bool Requires(byte[] key) => Required.Any(r => r.Key.AsSpan().SequenceEqual(key));
}
