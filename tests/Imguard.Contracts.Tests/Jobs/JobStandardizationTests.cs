using System.Security.Cryptography;
using Imguard.Contracts.Consent;
using Imguard.Contracts.Datasets;
using Imguard.Contracts.Jobs;

namespace Imguard.Contracts.Tests.Jobs;

public sealed class JobStandardizationTests : IDisposable
{
    private readonly ECDsa _alice = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _bob = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public void Dispose()
    {
        _alice.Dispose();
        _bob.Dispose();
    }

    private static JobStandardization Union(PixelScaling bob) => new()
    {
        Mode = JobStandardizationModes.Union,
        Datasets = [new("ds-alice", PixelScaling.Raw), new("ds-bob", bob), new("ds-test", PixelScaling.Raw)],
    };

    private JobDescription Description(JobStandardization? standardization) => new()
    {
        JobId = "job-1",
        ProjectId = "project-1",
        TrainDatasetId = "ds-alice",
        AdditionalTrainDatasetIds = ["ds-bob"],
        TestDatasetId = "ds-test",
        ModelSpecJson = """{"input":[1,8,8],"classes":10,"layers":[]}""",
        Consent = new JobConsent
        {
            Owners = [new("ds-alice", "alice"), new("ds-bob", "bob"), new("ds-test", "alice")],
            Recipients = [new("alice", _alice.ExportSubjectPublicKeyInfo())],
        },
        Standardization = standardization,
    };

    [Fact]
    public void A_job_over_several_datasets_or_any_raw_dataset_standardises_over_the_union()
    {
        Assert.Equal(JobStandardizationModes.AsShared, JobStandardization.ModeFor(1, [PixelScaling.Own, PixelScaling.Own]));
        Assert.Equal(JobStandardizationModes.Union, JobStandardization.ModeFor(2, [PixelScaling.Own, PixelScaling.Own]));
        Assert.Equal(JobStandardizationModes.Union, JobStandardization.ModeFor(1, [PixelScaling.Raw]));
        Assert.Equal(JobStandardizationModes.Union, JobStandardization.ModeFor(1, [PixelScaling.Own, PixelScaling.Disclose([0.3], [0.35])]));
    }

    [Fact]
    public void A_union_job_refuses_a_dataset_whose_statistics_stay_with_its_owner()
    {
        Assert.Null(Union(PixelScaling.Raw).Check(1));
        Assert.Null(Union(PixelScaling.Disclose([0.286], [0.353])).Check(1));
        Assert.Contains("'ds-bob' was standardised with its owner's own statistics", Union(PixelScaling.Own).Check(1));
        Assert.Contains("is scaled 'raw'", (Union(PixelScaling.Own) with { Mode = JobStandardizationModes.AsShared }).Check(1));
        Assert.Contains("per channel (3)", Union(PixelScaling.Disclose([0.286], [0.353])).Check(3));
        Assert.Contains("positive", Union(PixelScaling.Disclose([0.286], [0])).Check(1));
        Assert.Contains("positive", Union(PixelScaling.Disclose([double.NaN], [0.3])).Check(1));
        Assert.Contains("carries no statistics", Union(new PixelScaling(PixelScalings.Raw, [0.1], [0.2])).Check(1));
        Assert.Contains("must be 'raw'", Union(new PixelScaling("standard")).Check(1));
        Assert.Contains("mode must be", (Union(PixelScaling.Raw) with { Mode = "mine" }).Check(1));
        Assert.Contains("twice", (Union(PixelScaling.Raw) with { Datasets = [new("ds-a", PixelScaling.Raw), new("ds-a", PixelScaling.Raw)] }).Check(1));
    }

    [Fact]
    public void The_description_names_every_dataset_in_its_order()
    {
        Assert.Null(Description(Union(PixelScaling.Raw)).Check());
        Assert.Null(Description(null).Check());
        var swapped = Union(PixelScaling.Raw) with { Datasets = [new("ds-bob", PixelScaling.Raw), new("ds-alice", PixelScaling.Raw), new("ds-test", PixelScaling.Raw)] };
        Assert.Contains("in the job's order", Description(swapped).Check());
        var missing = Union(PixelScaling.Raw) with { Datasets = [new("ds-alice", PixelScaling.Raw), new("ds-bob", PixelScaling.Raw)] };
        Assert.Contains("in the job's order", Description(missing).Check());
        Assert.Contains("own statistics", Description(Union(PixelScaling.Own)).Check());
    }

    [Fact]
    public void The_owners_sign_the_mode_and_every_datasets_scaling_with_its_numbers()
    {
        var disclosed = PixelScaling.Disclose([0.2860406], [0.3530241]);
        var parameters = JobConsentTerms.Parameters(Description(Union(disclosed)));
        Assert.Equal(JobStandardizationModes.Union, parameters.Single(p => p.Name == "standardization").TextValue);
        Assert.Equal("raw", parameters.Single(p => p.Name == "scaling.ds-alice").TextValue);
        Assert.Equal("disclosed mean=0.2860406 std=0.3530241", parameters.Single(p => p.Name == "scaling.ds-bob").TextValue);

        // A platform that tells the parties another scaling, or other numbers, changes the digest the owners signed.
        byte[] Digest(JobStandardization s) => ConsentDigest.Compute(JobConsentTerms.Build(Description(s), _ => _alice.ExportSubjectPublicKeyInfo()).Terms!);
        byte[] signed = Digest(Union(disclosed));
        Assert.NotEqual(signed, Digest(Union(PixelScaling.Raw)));
        Assert.NotEqual(signed, Digest(Union(PixelScaling.Disclose([0.2860406], [0.3530242]))));
        Assert.Equal(signed, Digest(Union(PixelScaling.Disclose([0.2860406], [0.3530241]))));

        // Descriptions from before the standardisation sign what they signed then.
        Assert.DoesNotContain(JobConsentTerms.Parameters(Description(null)), p => p.Name == "standardization" || p.Name.StartsWith("scaling.", StringComparison.Ordinal));
    }

    [Fact]
    public void The_description_digest_and_equality_cover_the_standardisation()
    {
        JobDescription a = Description(Union(PixelScaling.Disclose([0.5], [0.25])));
        JobDescription b = Description(Union(PixelScaling.Disclose([0.5], [0.25])));
        Assert.Equal(a, b);
        Assert.NotEqual(a, Description(Union(PixelScaling.Raw)));
        Assert.NotEqual(JobDescriptionDigest.Compute(a), JobDescriptionDigest.Compute(Description(Union(PixelScaling.Raw))));
        string json = System.Text.Json.JsonSerializer.Serialize(a, System.Text.Json.JsonSerializerOptions.Web);
        Assert.Contains("\"standardization\":{\"mode\":\"union\"", json, StringComparison.Ordinal);
        Assert.Equal(a, System.Text.Json.JsonSerializer.Deserialize<JobDescription>(json, System.Text.Json.JsonSerializerOptions.Web));
    }

    [Fact]
    public void Opened_statistics_are_one_finite_mean_and_positive_deviation_per_channel()
    {
        Assert.Null(new ChannelStatistics([0.286], [0.353], 47_040_000).Check());
        Assert.NotNull(new ChannelStatistics([0.286], [0], 10).Check());
        Assert.NotNull(new ChannelStatistics([0.286, 0.1], [0.3], 10).Check());
        Assert.NotNull(new ChannelStatistics([0.286], [0.3], 0).Check());
        Assert.Equal(new ChannelStatistics([0.286], [0.353], 5), new ChannelStatistics([0.286], [0.353], 5));
    }

    [Fact]
    public void A_signature_over_an_earlier_revision_never_counts_for_a_later_one()
    {
        JobDescription first = Description(Union(PixelScaling.Raw));
        byte[] Digest(JobDescription d) => ConsentDigest.Compute(JobConsentTerms.Build(d, _ => _alice.ExportSubjectPublicKeyInfo()).Terms!);
        Assert.DoesNotContain(JobConsentTerms.Parameters(first), p => p.Name == "revision");
        Assert.NotEqual(Digest(first), Digest(first with { Revision = 2 }));
        Assert.NotEqual(Digest(first with { Revision = 1 }), Digest(first with { Revision = 2 }));
        // Starting over does not change what the owners approved.
        Assert.Equal(Digest(first), Digest(first with { StartOver = true }));
        Assert.Contains("cannot be negative", (first with { Revision = -1 }).Check());
    }
}
