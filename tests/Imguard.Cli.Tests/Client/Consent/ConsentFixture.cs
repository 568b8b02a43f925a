using System.Security.Cryptography;
using Imguard.Client.Consent;
using Imguard.Contracts.Consent;
using Imguard.Contracts.Jobs;

namespace Imguard.Cli.Tests.Client.Consent;

/// <summary>
/// Consent terms for the CLI's tests: alice (this device's profile) and bob each own a training dataset, bob a test
/// set; alice and carol receive the model. The view is made as the platform makes it, with its digest.
/// </summary>
internal sealed class ConsentFixture : IDisposable
{
    public const string JobId = "job-0123456789abcdef";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "imguard-consent-" + Guid.NewGuid().ToString("N"));

    public ConsentFixture()
    {
        Device = OwnerSigningKey.LoadOrCreate(Path.Combine(_root, "profile.owner-key.pem"));
    }

    /// <summary>This profile's key (alice's device).</summary>
    public OwnerSigningKey Device { get; }

    public ECDsa Bob { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public ECDsa Carol { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public byte[] BobKey => Bob.ExportSubjectPublicKeyInfo();

    public byte[] CarolKey => Carol.ExportSubjectPublicKeyInfo();

    /// <summary>The terms, with alice's datasets shared with <paramref name="aliceKey"/> (default: this device's key).</summary>
    public ConsentTerms Terms(byte[]? aliceKey = null, bool aliceReceives = true) => new()
    {
        JobId = JobId,
        ProjectId = "5b0c3c52-8a57-4f55-9d2b-0f6d8c7a1e11",
        Datasets =
        [
            new ConsentDataset("ds-alice", ConsentPurposes.Train, "alice", aliceKey ?? Device.PublicKey),
            new ConsentDataset("ds-bob", ConsentPurposes.Train, "bob", BobKey),
            new ConsentDataset("ds-bob-test", ConsentPurposes.Test, "bob", BobKey),
        ],
        ModelSpecJson = """{"input":[1,8,8],"classes":3,"layers":[{"type":"flatten"},{"type":"linear","out":3}]}""",
        Parameters = JobConsentTerms.Parameters(new JobDescription
        {
            JobId = JobId,
            ProjectId = "p",
            TrainDatasetId = "ds-alice",
            ModelSpecJson = "{}",
            Training = new JobTrainingOptions { Epochs = 3, LearningRate = 0.05, Hiding = "instahide", K = 4 },
        }),
        Recipients = aliceReceives
            ? [new ConsentRecipient("alice", aliceKey ?? Device.PublicKey), new ConsentRecipient("carol", CarolKey)]
            : [new ConsentRecipient("carol", CarolKey)],
    };

    /// <summary>The platform's view of <paramref name="terms"/>, its digest computed from the same terms unless <paramref name="digest"/> is given.</summary>
    public static ConsentTermsView View(ConsentTerms terms, string? digest = null, Func<RequiredSignature, bool>? signed = null) => new(
        terms.JobId,
        terms.ProjectId,
        JobState.AwaitingApproval,
        [.. terms.Datasets.Select(d => new ConsentDatasetView(d.DatasetId, "batch " + d.DatasetId, d.Purpose, d.Owner, Convert.ToBase64String(d.OwnerKey),
            OwnerKeys.ShortFingerprint(d.OwnerKey), 64))],
        terms.ModelSpecJson,
        [.. terms.Parameters.Select(ConsentParameterView.From)],
        [.. terms.Recipients.Select(r => new ConsentRecipientView(r.User, Convert.ToBase64String(r.Key), OwnerKeys.ShortFingerprint(r.Key)))],
        "InstaHide, k = 4: reconstruction PSNR 11.2 dB on public images",
        [.. JobConsentTerms.RequiredSignatures(terms).Select(r => new ConsentSignerView(r.ShortFingerprint, r.Holder,
            signed?.Invoke(r) ?? false, signed?.Invoke(r) == true ? DateTimeOffset.UnixEpoch : null))],
        digest ?? Convert.ToHexStringLower(ConsentDigest.Compute(terms)));

    public void Dispose()
    {
        Device.Dispose();
        Bob.Dispose();
        Carol.Dispose();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
