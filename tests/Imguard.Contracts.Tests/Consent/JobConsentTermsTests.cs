using System.Security.Cryptography;
using Imguard.Contracts.Consent;
using Imguard.Contracts.Jobs;

namespace Imguard.Contracts.Tests.Consent;

public sealed class JobConsentTermsTests : IDisposable
{
    private readonly ECDsa _alice = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _bob = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _carol = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public void Dispose()
    {
        _alice.Dispose();
        _bob.Dispose();
        _carol.Dispose();
    }

    private Dictionary<string, byte[]> BoundKeys() => new()
    {
        ["ds-alice"] = _alice.ExportSubjectPublicKeyInfo(),
        ["ds-bob"] = _bob.ExportSubjectPublicKeyInfo(),
        ["ds-bob-test"] = _bob.ExportSubjectPublicKeyInfo(),
    };

    // Alice and Bob each contribute training data, Bob a test set; Carol (no data) and Alice receive the model.
    private JobDescription Description(IReadOnlyList<ConsentApproval>? approvals = null) => new()
    {
        JobId = "job-1",
        ProjectId = "project-1",
        TrainDatasetId = "ds-alice",
        AdditionalTrainDatasetIds = ["ds-bob"],
        TestDatasetId = "ds-bob-test",
        ModelSpecJson = """{"input":[1,8,8],"classes":10,"layers":[]}""",
        Training = new JobTrainingOptions { Epochs = 3, LearningRate = 0.01 },
        Consent = new JobConsent
        {
            Owners = [new("ds-alice", "alice"), new("ds-bob", "bob"), new("ds-bob-test", "bob")],
            Recipients = [new("alice", _alice.ExportSubjectPublicKeyInfo()), new("carol", _carol.ExportSubjectPublicKeyInfo())],
            Approvals = approvals ?? [],
        },
    };

    private ConsentTerms Terms(JobDescription description)
    {
        var (terms, problem) = JobConsentTerms.Build(description, id => BoundKeys().GetValueOrDefault(id));
        Assert.Null(problem);
        return terms!;
    }

    private static ConsentApproval Approve(ECDsa key, ConsentTerms terms) =>
        new(key.ExportSubjectPublicKeyInfo(), ConsentSignature.Sign(key, ConsentDigest.Compute(terms)));

    [Fact]
    public void Every_owner_key_and_every_recipient_key_must_sign_once_each()
    {
        ConsentTerms terms = Terms(Description());
        IReadOnlyList<RequiredSignature> required = JobConsentTerms.RequiredSignatures(terms);
        // Alice owns a dataset and receives the model: one signature; Bob owns two datasets: one; Carol receives: one.
        Assert.Equal(3, required.Count);
        Assert.Contains(required, r => r.Holder.Contains("alice, owner of dataset 'ds-alice'") && r.Holder.Contains("alice, recipient"));
        Assert.Equal([ConsentPurposes.Train, ConsentPurposes.Train, ConsentPurposes.Test], terms.Datasets.Select(d => d.Purpose));

        Assert.Contains("no valid signature", JobConsentTerms.Verify(terms, []));
        ConsentApproval[] two = [Approve(_alice, terms), Approve(_bob, terms)];
        string? problem = JobConsentTerms.Verify(terms, two);
        Assert.Contains("carol, recipient of the model", problem);
        Assert.Null(JobConsentTerms.Verify(terms, [.. two, Approve(_carol, terms)]));
    }

    [Fact]
    public void A_signature_over_other_terms_or_by_another_key_does_not_count()
    {
        ConsentTerms terms = Terms(Description());
        ConsentTerms changed = Terms(Description() with { Training = new JobTrainingOptions { Epochs = 4, LearningRate = 0.01 } });
        Assert.NotEqual(ConsentDigest.Compute(terms), ConsentDigest.Compute(changed));

        ConsentApproval[] forChanged = [Approve(_alice, changed), Approve(_bob, changed), Approve(_carol, changed)];
        Assert.Equal(3, JobConsentTerms.Missing(terms, forChanged).Count);

        // A signature by Carol's key presented as Bob's: the key it names is Bob's, the signature is not his.
        ConsentApproval forged = new(_bob.ExportSubjectPublicKeyInfo(), ConsentSignature.Sign(_carol, ConsentDigest.Compute(terms)));
        Assert.Contains("bob, owner", JobConsentTerms.Verify(terms, [Approve(_alice, terms), forged, Approve(_carol, terms)]));
    }

    [Fact]
    public void The_owner_key_comes_from_the_caller_not_the_description()
    {
        // A party builds with the keys in its stored halves; a platform that swapped Bob's key for its own gets terms
        // naming Bob's real key, which its signature does not match.
        using ECDsa platform = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (asPlatformWants, _) = JobConsentTerms.Build(Description(), id => id.StartsWith("ds-bob", StringComparison.Ordinal)
            ? platform.ExportSubjectPublicKeyInfo() : BoundKeys()[id]);
        ConsentApproval[] approvals = [Approve(_alice, asPlatformWants!), Approve(platform, asPlatformWants!), Approve(_carol, asPlatformWants!)];
        Assert.Null(JobConsentTerms.Verify(asPlatformWants!, approvals));

        ConsentTerms asPartyBuilds = Terms(Description(approvals));
        Assert.NotNull(JobConsentTerms.Verify(asPartyBuilds, approvals));
    }

    [Fact]
    public void A_dataset_without_a_bound_key_or_an_owner_name_cannot_be_approved()
    {
        var (none, problem) = JobConsentTerms.Build(Description(), id => id == "ds-bob" ? null : BoundKeys()[id]);
        Assert.Null(none);
        Assert.Contains("'ds-bob' has no owner key", problem);

        JobDescription unnamed = Description() with { Consent = Description().Consent! with { Owners = [new("ds-alice", "alice")] } };
        Assert.Contains("'ds-bob' has no owner named", JobConsentTerms.Build(unnamed, id => BoundKeys()[id]).Problem);
        Assert.Contains("inference", JobConsentTerms.Build(Description() with { ModelFromJobId = "job-0", AdditionalTrainDatasetIds = [] }, id => BoundKeys()[id]).Problem);
        Assert.Contains("no consent", JobConsentTerms.Build(Description() with { Consent = null }, id => BoundKeys()[id]).Problem);
    }

    [Fact]
    public void Every_training_option_is_a_signed_parameter()
    {
        // A new option that changes what a job does must be approved too: name it in JobConsentTerms.Parameters.
        string[] signed = [.. JobConsentTerms.Parameters(Description()).Select(p => p.Name)];
        foreach (var property in typeof(JobTrainingOptions).GetProperties())
        {
            string name = char.ToLowerInvariant(property.Name[0]) + property.Name[1..];
            Assert.True(signed.Contains(name), $"JobTrainingOptions.{property.Name} is not among the signed parameters");
        }
        Assert.Contains(JobConsentTerms.Names.FractionalBits, signed);
    }

    [Fact]
    public void The_view_the_platform_serves_rebuilds_the_same_terms()
    {
        ConsentTerms terms = Terms(Description());
        var view = new ConsentTermsView(terms.JobId, terms.ProjectId, JobState.AwaitingApproval,
            [.. terms.Datasets.Select(d => new ConsentDatasetView(d.DatasetId, d.DatasetId, d.Purpose, d.Owner, Convert.ToBase64String(d.OwnerKey), OwnerKeys.ShortFingerprint(d.OwnerKey), 10))],
            terms.ModelSpecJson, [.. terms.Parameters.Select(ConsentParameterView.From)],
            [.. terms.Recipients.Select(r => new ConsentRecipientView(r.User, Convert.ToBase64String(r.Key), OwnerKeys.ShortFingerprint(r.Key)))],
            "InstaHide, k = 4", [], Convert.ToHexStringLower(ConsentDigest.Compute(terms)));
        var json = System.Text.Json.JsonSerializer.Serialize(view, System.Text.Json.JsonSerializerOptions.Web);
        var back = System.Text.Json.JsonSerializer.Deserialize<ConsentTermsView>(json, System.Text.Json.JsonSerializerOptions.Web)!;
        var (rebuilt, problem) = back.ToTerms();
        Assert.Null(problem);
        Assert.Equal(ConsentDigest.Compute(terms), ConsentDigest.Compute(rebuilt!));

        Assert.NotNull((back with { Parameters = [new ConsentParameterView("epochs", "integer")] }).ToTerms().Problem);
        Assert.NotNull((back with { Recipients = [new ConsentRecipientView("carol", "not base64!", "")] }).ToTerms().Problem);
    }

    [Fact]
    public void The_description_refuses_a_dataset_named_twice()
    {
        Assert.Null(Description().Check());
        Assert.Contains("named twice", (Description() with { AdditionalTrainDatasetIds = ["ds-alice"] }).Check());
        Assert.Contains("named twice", (Description() with { TestDatasetId = "ds-bob" }).Check());
        Assert.Equal(["ds-alice", "ds-bob"], Description().TrainDatasetIds);
    }
}
