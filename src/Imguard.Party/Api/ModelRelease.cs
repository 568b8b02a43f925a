using Imguard.Contracts.Consent;
using Imguard.Contracts.Jobs;
using Imguard.Contracts.Shares;
using Imguard.Party.Shares;
using Microsoft.AspNetCore.Http;

namespace Imguard.Party.Api;

/// <summary>
/// Whether this party may release a job's model or evaluation share to a signed request (docs/multi-owner.md, "Model
/// and evaluation release"), on top of the platform's grant: the request names a challenge this party issued for this
/// job and file, carries a valid signature over <see cref="ModelRequestDigest"/> for this party, and its key is
/// entitled to the file —
/// <list type="bullet">
/// <item>the model share: a recipient key in the consent of the job's stored description (the consent this party
/// verified before training);</item>
/// <item>the evaluation share (an inference job's predictions): the owner key in the header of the half of the
/// evaluated dataset that THIS party stored, so only that dataset's owner learns the accuracy or the predictions.</item>
/// </list>
/// A platform can mint grants but holds no such key, so it alone can never collect both model shares.
/// </summary>
internal static class ModelRelease
{
    /// <summary>A signed request as sent in the <see cref="ModelRequestHeaders"/>.</summary>
    internal sealed record Request(byte[] Key, byte[] Challenge, byte[] Signature);

    /// <summary>The request in <paramref name="headers"/>, or null with why not (no value is echoed).</summary>
    public static Request? Parse(IHeaderDictionary headers, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(headers);
        string? key = headers[ModelRequestHeaders.Key];
        string? challenge = headers[ModelRequestHeaders.Challenge];
        string? signature = headers[ModelRequestHeaders.Signature];
        if (string.IsNullOrEmpty(key) || string.IsNullOrEmpty(challenge) || string.IsNullOrEmpty(signature))
        {
            problem = $"the request must be signed by a key entitled to it: ask this party for a challenge (POST …/challenge), sign it and send "
                + $"{ModelRequestHeaders.Key}, {ModelRequestHeaders.Challenge} and {ModelRequestHeaders.Signature}";
            return null;
        }
        try
        {
            problem = null;
            return new Request(Convert.FromBase64String(key), Convert.FromBase64String(challenge), Convert.FromBase64String(signature));
        }
        catch (FormatException)
        {
            problem = "the key, the challenge and the signature must be base64";
            return null;
        }
    }

    /// <summary>
    /// Null when <paramref name="request"/> may have <paramref name="what"/> of the job described by
    /// <paramref name="description"/> at party <paramref name="partyId"/>; otherwise why not, naming the dataset and
    /// key fingerprints, never a value. The challenge is used up whatever the answer.
    /// </summary>
    public static async Task<string?> CheckAsync(JobDescription description, string what, int partyId, Request request,
        ModelRequestChallenges challenges, ShareStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(challenges);
        ArgumentNullException.ThrowIfNull(store);
        if (!challenges.Take(description.JobId, what, request.Challenge))
        {
            return $"the challenge was not issued by party {partyId} for the {what} of this job, was used already or has expired; ask for a new one";
        }
        if (OwnerKeys.Check(request.Key) is { } keyProblem)
        {
            return $"the key is not usable: {keyProblem}";
        }
        byte[] digest = ModelRequestDigest.Compute(description.JobId, partyId, what, request.Challenge);
        string fingerprint = OwnerKeys.ShortFingerprint(request.Key);
        if (!ConsentSignature.Verify(request.Key, digest, request.Signature))
        {
            return $"the signature by key {fingerprint} does not verify over this job, party {partyId}, the {what} and the challenge";
        }
        if (what == ModelRequestDigest.Model)
        {
            if (description.Consent is null)
            {
                return "an inference job has no model share of its own";
            }
            return description.Consent.Recipients.Any(r => r.Key.AsSpan().SequenceEqual(request.Key))
                ? null
                : $"key {fingerprint} is not a model recipient of this job; only the recipients the owners approved receive its model";
        }
        if (description.TestDatasetId is not { } datasetId)
        {
            return "the job evaluated no dataset";
        }
        ShareFileHeader header;
        try
        {
            header = await store.ReadHeaderAsync(datasetId, cancellationToken);
        }
        catch (ShareStoreException e)
        {
            return e.Kind == ShareStoreErrorKind.NotFound
                ? $"the half of dataset '{datasetId}' is no longer stored here, so its owner's key cannot be checked"
                : $"the half of dataset '{datasetId}' cannot be read here, so its owner's key cannot be checked";
        }
        if (header.OwnerKey is not { } ownerKey)
        {
            return $"dataset '{datasetId}' was shared without an owner key (a version-1 share file); share it again to receive its evaluation";
        }
        return ownerKey.AsSpan().SequenceEqual(request.Key)
            ? null
            : $"only the owner of dataset '{datasetId}' (key {OwnerKeys.ShortFingerprint(ownerKey)}) receives its evaluation; key {fingerprint} is not that owner's";
    }
}
