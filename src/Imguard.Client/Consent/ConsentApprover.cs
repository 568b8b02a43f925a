using Imguard.Client.Platform;
using Imguard.Contracts.Consent;

namespace Imguard.Client.Consent;

/// <summary>
/// Approves training jobs with this profile's signing key, trusting nothing the platform computed: the terms are rebuilt
/// from the fields the owner is shown and the digest is computed here. A platform whose digest disagrees with its own
/// terms is refused (it shows one job and asks a signature for another), as is a job this device's key need not sign
/// (the owner would approve with a key no party checks, and think the job approved).
/// </summary>
public sealed class ConsentApprover(PlatformApi platform, OwnerSigningKey key)
{
    /// <summary>
    /// Fetches and checks <paramref name="jobId"/>'s consent terms. Throws <see cref="PlatformApiException"/> when the
    /// platform's answer is for another job, is not well-formed, or carries a digest other than the one its terms give.
    /// </summary>
    public async Task<ConsentReview> ReviewAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        ConsentTermsView view = await platform.GetConsentAsync(jobId, cancellationToken);
        return Review(jobId, view, key.PublicKey);
    }

    /// <summary>The checks of <see cref="ReviewAsync"/> on a view already fetched.</summary>
    public static ConsentReview Review(string jobId, ConsentTermsView view, byte[] deviceKey)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(deviceKey);
        if (!string.Equals(view.JobId, jobId, StringComparison.Ordinal))
        {
            throw new PlatformApiException($"Refusing to sign: the platform answered with the terms of job '{view.JobId}' when asked for job '{jobId}'.");
        }
        (ConsentTerms? terms, string? problem) = view.ToTerms();
        if (terms is null)
        {
            throw new PlatformApiException($"Refusing to sign job '{jobId}': {problem}.");
        }
        byte[] digest = ConsentDigest.Compute(terms);
        string computed = Convert.ToHexStringLower(digest);
        if (!string.Equals(computed, view.Digest, StringComparison.OrdinalIgnoreCase))
        {
            throw new PlatformApiException(
                $"Refusing to sign job '{jobId}': the platform's terms and its digest disagree (its terms give digest {computed}, it sent {Shown(view.Digest)}). " +
                "What it shows is not what it asks you to sign; report this to the platform's operator.");
        }
        return new ConsentReview(view, terms, digest, JobConsentTerms.RequiredSignatures(terms), deviceKey);
    }

    /// <summary>
    /// Signs <paramref name="review"/>'s digest (computed on this device) with this profile's key and sends the
    /// signature. Throws <see cref="InvalidOperationException"/> when this key is not one the job waits for, saying
    /// which key the user's datasets were shared with (or the job's recipients use) and which key this profile holds.
    /// </summary>
    public async Task ApproveAsync(ConsentReview review, string? userName = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(review);
        if (!review.IsDeviceKey(key.PublicKey))
        {
            throw new ArgumentException("The review was made for another key than this approver's.", nameof(review));
        }
        if (!review.DeviceMustSign)
        {
            throw new InvalidOperationException(NotASigner(review, userName, key.Path));
        }
        byte[] signature = key.Sign(review.Digest);
        await platform.ApproveJobAsync(review.Terms.JobId,
            new ApproveJobRequest(Convert.ToBase64String(key.PublicKey), Convert.ToBase64String(signature)), cancellationToken);
    }

    /// <summary>Fetches, checks and approves <paramref name="jobId"/> (<see cref="ReviewAsync"/>, then <see cref="ApproveAsync"/>).</summary>
    public async Task<ConsentReview> ReviewAndApproveAsync(string jobId, string? userName = null, CancellationToken cancellationToken = default)
    {
        ConsentReview review = await ReviewAsync(jobId, cancellationToken);
        await ApproveAsync(review, userName, cancellationToken);
        return review;
    }

    /// <summary>Why this device's key cannot approve the job: the keys the job waits for that concern the user, and this profile's key.</summary>
    public static string NotASigner(ConsentReview review, string? userName, string keyPath)
    {
        ArgumentNullException.ThrowIfNull(review);
        string mine = $"this profile holds key {review.DeviceFingerprint} ({keyPath})";
        var theirs = new List<string>();
        if (userName is { Length: > 0 })
        {
            theirs.AddRange(review.Terms.Datasets
                .Where(d => string.Equals(d.Owner, userName, StringComparison.OrdinalIgnoreCase))
                .OrderBy(d => d.DatasetId, StringComparer.Ordinal)
                .Select(d => $"your dataset '{d.DatasetId}' was shared with key {OwnerKeys.ShortFingerprint(d.OwnerKey)}"));
            theirs.AddRange(review.Terms.Recipients
                .Where(r => string.Equals(r.User, userName, StringComparison.OrdinalIgnoreCase))
                .Select(r => $"you receive the model with your account's registered key {OwnerKeys.ShortFingerprint(r.Key)}"));
        }
        string keys = string.Join(", ", review.Required.Select(r => $"{r.ShortFingerprint} ({r.Holder})"));
        return theirs.Count > 0
            ? $"This device cannot approve job '{review.Terms.JobId}': {string.Join("; ", theirs)}, but {mine}. " +
              "Approve from the device (or browser) that holds that key."
            : $"This device's key is not one job '{review.Terms.JobId}' waits for: it needs keys {keys}, and {mine}. " +
              "Only the datasets' owners and the model's recipients approve a job.";
    }

    // A platform's digest goes into a message: cut it short, it is not ours.
    private static string Shown(string? digest) =>
        digest is null ? "none" : digest.Length > 64 ? digest[..64] + "…" : digest;
}
