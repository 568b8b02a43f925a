using System.Security.Cryptography;
using Imguard.Contracts.Consent;
using Imguard.Contracts.Jobs;

namespace Imguard.Party.Tests.Jobs;

/// <summary>
/// Signs test jobs as their owners and recipients would: the consent (owner names, recipients with keys) is put into
/// the description, the terms are built with <see cref="JobConsentTerms.Build"/> from the owners' keys (the keys the
/// test wrote into the share headers) and each signer signs their digest.
/// </summary>
internal static class TestConsent
{
    /// <param name="owners">Each dataset of the job: its owner's name and signing key (the key in its share headers).</param>
    /// <param name="recipients">Who receives the model, with their keys.</param>
    /// <param name="signers">The keys that sign; null: every owner and recipient key, once each.</param>
    /// <param name="ownerKeyOf">The owner keys the terms are built with; null: the owners' keys (a test that forges passes others).</param>
    public static JobDescription Sign(JobDescription description, IReadOnlyDictionary<string, (string Owner, ECDsa Key)> owners,
        IReadOnlyList<(string User, ECDsa Key)> recipients, IEnumerable<ECDsa>? signers = null, Func<string, byte[]?>? ownerKeyOf = null)
    {
        JobDescription unsigned = description with
        {
            Consent = new JobConsent
            {
                Owners = [.. owners.Select(o => new JobDatasetOwner(o.Key, o.Value.Owner))],
                Recipients = [.. recipients.Select(r => new ConsentRecipient(r.User, r.Key.ExportSubjectPublicKeyInfo()))],
            },
        };
        var (terms, problem) = JobConsentTerms.Build(unsigned, ownerKeyOf ?? (id => owners.TryGetValue(id, out var o) ? o.Key.ExportSubjectPublicKeyInfo() : null));
        Assert.True(terms is not null, problem);
        byte[] digest = ConsentDigest.Compute(terms);
        signers ??= owners.Values.Select(o => o.Key).Concat(recipients.Select(r => r.Key)).Distinct();
        return unsigned with
        {
            Consent = unsigned.Consent with
            {
                Approvals = [.. signers.Select(key => new ConsentApproval(key.ExportSubjectPublicKeyInfo(), ConsentSignature.Sign(key, digest)))],
            },
        };
    }

    /// <summary>A fresh P-256 signing key (the caller disposes it).</summary>
    public static ECDsa NewKey() => ECDsa.Create(ECCurve.NamedCurves.nistP256);
}
